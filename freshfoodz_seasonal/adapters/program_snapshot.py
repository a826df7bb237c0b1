"""Runs a project folder's own `seasonctl` (e.g. the code of an older commit) for a stack's snapshot.

The folder's packages come first on PYTHONPATH, so its code, not the installed one, declares the
resources and computes the plan; the installed dependencies (pulumi and the rest) are shared. It runs
with a minimal environment: that code may come from any branch, so it sees no credentials. The
entry point is the one the folder's pyproject.toml names, so a commit of any layout runs its own CLI;
the runner refuses to go on if that module would come from anywhere but the folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from freshfoodz_seasonal.review.snapshot import Snapshot

SNAPSHOT_TIMEOUT_S = 300
# Imports the entry point's module, checks it is the folder's own, and calls it with the arguments.
_RUNNER = """
import importlib, os, sys
# An editable install maps the project's packages to today's checkout: drop its finders, so a
# module the folder lacks fails to import instead of coming from today's code.
sys.meta_path[:] = [f for f in sys.meta_path if not getattr(f, "__module__", "").startswith("__editable__")]
folder = os.path.realpath(os.getcwd()) + os.sep
module, _, function = sys.argv[1].partition(":")
loaded = importlib.import_module(module)
sys.argv = ["seasonctl", *sys.argv[2:]]
try:
    getattr(loaded, function)()
finally:
    roots = ("capacity", "components", "freshfoodz_seasonal", module.partition(".")[0])
    for name, imported in list(sys.modules.items()):
        path = getattr(imported, "__file__", None)
        if name.partition(".")[0] in roots and path and not os.path.realpath(path).startswith(folder):
            sys.exit(f"{name} was imported from {path}, not from the folder")
"""


class SnapshotError(RuntimeError):
    """The folder's code could not produce a snapshot; the message carries what it said."""


def _entry_point(folder: Path, label: str) -> str:
    """`module:function` of the folder's `seasonctl` script, as its pyproject.toml declares it."""
    try:
        project = tomllib.loads((folder / "pyproject.toml").read_text(encoding="utf-8"))
        entry = project["project"]["scripts"]["seasonctl"]
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, TypeError):
        raise SnapshotError(f"{label}: the code there declares no seasonctl entry point in pyproject.toml") from None
    module, _, function = str(entry).partition(":")
    if not function or not module:
        raise SnapshotError(
            f"{label}: its pyproject.toml declares seasonctl = {str(entry)[:80]!r}, not module:function"
        )
    path = folder.joinpath(*module.split("."))
    if not (path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()):
        # Without the module in the folder, the installed code would run instead of the folder's.
        raise SnapshotError(f"{label}: the code there has no {module} to declare the stack with")
    return f"{module}:{function}"


# What the other commit's code gets of the caller's environment: enough to run Python offline, and no
# credentials (cloud, Prometheus, Pulumi, GitHub): that code may come from anyone's branch. Not even
# HOME: tools find their credential files there (~/.aws, ~/.pulumi, ~/.kube).
_PASSED_ON = ("PATH", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "SYSTEMROOT")


def minimal_environment(environment: Mapping[str, str], folder: Path) -> dict[str, str]:
    """The variables of `_PASSED_ON` that are set, PYTHONPATH with the folder first, and HOME an empty
    folder of the export's own."""
    home = folder / ".seasonctl-home"
    home.mkdir(exist_ok=True)
    kept = {name: environment[name] for name in _PASSED_ON if name in environment}
    return kept | {
        "HOME": str(home),
        "PYTHONPATH": os.pathsep.join([str(folder), environment.get("PYTHONPATH", "")]),
    }


def _json_of(command: list[str], folder: Path, label: str) -> Any:
    environment = minimal_environment(os.environ, folder)
    try:
        done = subprocess.run(  # noqa: S603 - this interpreter, an argument list, no shell
            [sys.executable, "-c", _RUNNER, _entry_point(folder, label), *command],
            cwd=folder,
            env=environment,
            capture_output=True,
            text=True,
            timeout=SNAPSHOT_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise SnapshotError(f"{label}: `seasonctl {command[0]}` took longer than {SNAPSHOT_TIMEOUT_S} s") from None
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        if any(line.startswith("Traceback (most recent call last)") for line in lines):
            lines = lines[-1:]  # the exception itself; its frames are the other commit's business
        said = "\n".join(lines)[-2000:]
        raise SnapshotError(f"{label}: `seasonctl {' '.join(command)}` failed (exit {done.returncode}):\n{said}")
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError:
        raise SnapshotError(f"{label}: `seasonctl {command[0]}` did not print JSON; is its code too old?") from None


def snapshot_of_folder(folder: Path, stack: str, label: str) -> Snapshot:
    """The snapshot the folder's code makes of `stack`; an empty one if the folder has no such stack file."""
    if not (folder / f"Pulumi.{stack}.yaml").is_file():
        return Snapshot(label)
    _entry_point(folder, label)
    preview = _json_of(["preview", stack, "--format", "json", "--project-dir", "."], folder, label)
    plan = _json_of(["plan", stack, "--format", "json", "--project-dir", "."], folder, label)
    try:
        return Snapshot.of_documents(label, preview, plan)
    except ValueError as error:
        raise SnapshotError(str(error)) from None
