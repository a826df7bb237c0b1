"""A mock monitor that records every resource registration, options included.

No Pulumi CLI, plugin or network is involved: the program runs in this process against
`pulumi.runtime.set_mocks`, whose monitor sees each RegisterResource request. Pulumi's own
`Mocks.new_resource` only gets type, name and inputs; the request also carries the parent and the
options that matter for an overlay stack (protect, retainOnDelete, import id, ignoreChanges).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import hashlib
import json
import logging
import re
import runpy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import mocks, rpc
from pulumi.runtime.settings import get_root_resource, set_root_resource
from pulumi.runtime.stack import wait_for_rpcs
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

from freshfoodz_seasonal.adapters.live_primary import LivePrimary
from freshfoodz_seasonal.adapters.pulumi_config import UNSET_PLACEHOLDER
from freshfoodz_seasonal.naming import EKS_NODE_GROUP_TYPE, STACK_TYPE


@dataclass(frozen=True)
class CapturedResource:
    type: str
    name: str
    parent: str
    custom: bool
    inputs: dict[str, Any]
    protect: bool
    retain_on_delete: bool
    import_id: str
    ignore_changes: tuple[str, ...]
    depends_on: tuple[str, ...] = ()
    """The names of the resources this one waits for: its `dependsOn` and the outputs it takes as inputs."""


@dataclass
class Capture:
    resources: list[CapturedResource] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    """What the program logged as warnings or errors, in order."""


# Pulumi's wire form of a secret value (the constants of its RPC protocol, pulumi/runtime/rpc.py).
_SIG_KEY = "4dabf18193072939515e22adb298388d"
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"  # noqa: S105 - a protocol constant


def _redacted(value: Any) -> Any:
    """A secret's structure with every leaf replaced: a config secret's placeholder (which tells one
    ciphertext from another) is kept, any other leaf becomes SECRET_PLACEHOLDER."""
    if isinstance(value, dict):
        return {key: _redacted(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_redacted(item) for item in value]
    return value if _is_placeholder(value) else SECRET_PLACEHOLDER


def _readable_secrets(value: Any) -> Any:
    """Secret values as `{"secret": redacted value}`, so a reader sees what the program marked secret
    and never its value."""
    if isinstance(value, dict):
        if value.get(_SIG_KEY) == _SECRET_SIG:
            return {"secret": _redacted(value.get("value"))}
        return {key: _readable_secrets(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_readable_secrets(item) for item in value]
    return value


# What an offline run cannot see, for whoever reads its result.
OFFLINE_NOTE = (
    "Offline under Pulumi's mocks: nothing live was read. `pulumi preview` and `pulumi up` also read the "
    "primary's tags and refuse an update while they name another season as its holder; the primary's other "
    "tags are kept as they are."
)
# The provider function through which the program reads the live primary.
GET_DB_INSTANCE = "aws:rds/getInstance:getInstance"


class _Mocks(pulumi.runtime.Mocks):
    """Echo the inputs as state; give a node group the Auto Scaling group EKS would create; answer a
    read of the primary with `live_primary`, if given."""

    def __init__(self, live_primary: LivePrimary | None = None) -> None:
        super().__init__()
        self._live_primary = live_primary

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        state = dict(args.inputs)
        if args.typ == EKS_NODE_GROUP_TYPE:
            state["resources"] = [{"autoscalingGroups": [{"name": f"eks-{args.name}-asg"}]}]
        return f"{args.name}-id", state

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        if args.token == GET_DB_INSTANCE and self._live_primary is not None:
            primary = self._live_primary
            return {"dbInstanceClass": primary.instance_class, "tags": primary.tags}, []
        return {}, []


class _CapturingMonitor(mocks.MockMonitor):
    def __init__(self, capture: Capture, live_primary: LivePrimary | None) -> None:
        super().__init__(_Mocks(live_primary))
        self._capture = capture

    def RegisterResource(self, request: Any) -> Any:
        if request.type != STACK_TYPE:
            self._capture.resources.append(
                CapturedResource(
                    type=request.type,
                    name=request.name,
                    parent=request.parent,
                    custom=request.custom,
                    inputs=_readable_secrets(rpc.deserialize_properties(request.object, keep_unknowns=True)),
                    protect=request.protect,
                    retain_on_delete=request.retainOnDelete,
                    import_id=request.importId,
                    ignore_changes=tuple(request.ignoreChanges),
                    depends_on=tuple(sorted({str(urn).rpartition("::")[2] for urn in request.dependencies})),
                )
            )
        return super().RegisterResource(request)  # type: ignore[no-untyped-call]  # pulumi's mocks carry no annotations


# A preview never decrypts: a secret reaches the program as a placeholder, marked secret. The
# placeholder names a digest of the ciphertext (which the stack file shows anyway), so that a changed
# secret shows as changed, and never anything of the value.
SECRET_PLACEHOLDER = "[secret]"  # noqa: S105 - a placeholder, not a credential
_PLACEHOLDER = re.compile(r"\[secret( [0-9a-f]{12})?\]")


def _is_placeholder(value: Any) -> bool:
    """A config secret's placeholder, or the one a preview declares for a war-room secret not set."""
    return isinstance(value, str) and any(
        pattern.fullmatch(value) is not None for pattern in (_PLACEHOLDER, UNSET_PLACEHOLDER)
    )


def _is_secure(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"secure"}


def secret_placeholder(ciphertext: object) -> str:
    """What the program gets for a secret config value: `[secret <12 hex digits of its ciphertext's SHA-256>]`."""
    return f"[secret {hashlib.sha256(str(ciphertext).encode()).hexdigest()[:12]}]"


def _config_strings(values: dict[str, Any]) -> dict[str, str]:
    """Pulumi passes config to programs as strings; structured values as JSON."""
    plain = {key: secret_placeholder(value["secure"]) if _is_secure(value) else value for key, value in values.items()}
    return {key: value if isinstance(value, str) else json.dumps(value) for key, value in plain.items()}


def _use_open_event_loop() -> None:
    """Pulumi's runtime asks asyncio for the current loop; after `asyncio.run` or `release_runtime`
    there may be none, or a closed one."""
    try:
        if not asyncio.get_event_loop().is_closed():
            return
    except RuntimeError:
        pass
    asyncio.set_event_loop(asyncio.new_event_loop())


class _Collect(logging.Handler):
    def __init__(self, warnings: list[str]) -> None:
        super().__init__(logging.WARNING)
        self._warnings = warnings

    def emit(self, record: logging.LogRecord) -> None:
        self._warnings.append(record.getMessage())


def _warnings_into(capture: Capture) -> logging.Logger:
    """A logger of its own per run, whose warnings and errors go into the capture, not to the console."""
    logger = logging.getLogger(f"{__name__}.program.{id(capture)}")
    logger.propagate = False
    logger.handlers = [_Collect(capture.warnings)]
    return logger


def run_program(
    program: Path,
    project: str,
    stack: str,
    config: dict[str, Any],
    into: Capture | None = None,
    *,
    preview: bool = True,
    now: dt.datetime | None = None,
    live_primary: LivePrimary | None = None,
) -> Capture:
    """Run `program` (a Pulumi `__main__.py`) for `stack` with this config; return what it registered.

    `preview` False runs it as an update (`pulumi up`) would; `now` (timezone-aware) is the moment
    the program judges, instead of its own clock reading. With `live_primary` the program reads that
    as the running primary; without, it is told it runs offline and reads nothing live. Raises whatever
    the program raises (pulumi.RunError for an invalid config); what it had registered by then is in `into`, if given.
    The program's warnings are in the capture's `warnings`, not printed.
    """
    capture = into if into is not None else Capture()
    _use_open_event_loop()
    set_root_resource(None)  # type: ignore[arg-type]  # a fresh stack resource per run
    secret_keys = [key for key, value in config.items() if _is_secure(value)]
    pulumi.runtime.set_all_config(_config_strings(config), secret_keys)
    pulumi.runtime.set_mocks(
        _Mocks(live_primary),
        project=project,
        stack=stack,
        preview=preview,
        logger=_warnings_into(capture),
        monitor=_CapturingMonitor(capture, live_primary),
    )
    try:
        given = {"SEASONCTL_NOW": now, "SEASONCTL_OFFLINE": live_primary is None}
        runpy.run_path(str(program), init_globals={k: v for k, v in given.items() if v}, run_name="__main__")
    finally:
        _sync_await(wait_for_rpcs())
    # Registrations arrive in whatever order the program's async work finishes: sort for a stable
    # result. Under mocks the stack resource is finished before the program runs, so its exports
    # stay on it.
    capture.resources.sort(key=lambda r: (r.name, r.type))
    capture.outputs.update(get_root_resource().outputs)  # type: ignore[union-attr]  # set by set_mocks above
    return capture


def release_runtime() -> None:
    """Closes the event loops Pulumi's runtime left behind, and starts the main thread on a fresh one.

    The runtime runs resource calls on executor threads and gives each an event loop it never
    closes. Those loops end up in reference cycles with their sockets; collected at interpreter
    shutdown in the wrong order, a loop's finaliser prints a traceback. Closed here, while every
    socket still works, nothing is left to finalise. Call it after the last `run_program` of a command.
    """
    loop = _ensure_event_loop()  # type: ignore[no-untyped-call]  # pulumi's runtime helpers carry no annotations
    loop.run_until_complete(loop.shutdown_default_executor())
    for leftover in gc.get_objects():
        if isinstance(leftover, asyncio.AbstractEventLoop) and not leftover.is_running():
            leftover.close()
    asyncio.set_event_loop(asyncio.new_event_loop())


def stack_config(stack_file_config: dict[str, Any]) -> dict[str, Any]:
    """The config a stack file gives the program: every namespaced key, this project's and providers'."""
    return {key: value for key, value in stack_file_config.items() if ":" in str(key)}
