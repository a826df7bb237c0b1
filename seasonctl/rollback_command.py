"""`seasonctl rollback`: the season's steps back to baseline, in an order that loses nothing.

1. The stack file gets `phase: baseline` (comments kept, one atomic rename).
2. `pulumi up --target` the resources the baseline phase declares (the platform's HPAs, the
   adopted primary database, the PriorityClass): their baseline values are applied explicitly,
   because deleting a patch would not restore them.
3. Unless --keep-seasonal: a full `pulumi up`, which removes what only the season declared
   (node group, read replicas, alerts, dashboard, peak controls). The primary stays: it is
   declared in both phases, protected and retained on delete.

Every step is safe to repeat, so a rollback that stops half-way is resumed by running it again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sources.pulumi_cli import UPDATE_TIMEOUT_S, PulumiCli, PulumiFailed
from sources.text_files import write_text_atomically
from stackconfig.edit import with_setting


@dataclass(frozen=True)
class Step:
    title: str
    shown: str  # the command as a person would type it
    run: Callable[[], None]


class RollbackStopped(RuntimeError):
    """A step failed; the message says what was done, what failed and what is left."""


def rollback_steps(
    cli: PulumiCli, stack_file: Path, stack: str, baseline_urns: Sequence[str], keep_seasonal: bool
) -> list[Step]:
    def set_phase() -> None:
        original = stack_file.read_bytes()
        text = with_setting(original.decode("utf-8"), "phase", "baseline")
        if text.encode("utf-8") != original:
            write_text_atomically(stack_file, text, expected=original)

    targets = [argument for urn in baseline_urns for argument in ("--target", urn)]
    steps = [
        Step(
            f"set phase: baseline in {stack_file.name}", f"pulumi config set phase baseline --stack {stack}", set_phase
        ),
        Step(
            "re-apply the platform's baseline values (HPAs, database class, PriorityClass)",
            f"pulumi up --stack {stack} --yes --target <{len(baseline_urns)} resources>",
            lambda: _update(cli, stack, targets),
        ),
    ]
    if not keep_seasonal:
        steps.append(
            Step(
                "remove the season-only resources (node group, read replicas, alerts, dashboard, peak controls)",
                f"pulumi up --stack {stack} --yes",
                lambda: _update(cli, stack, []),
            )
        )
    return steps


def _update(cli: PulumiCli, stack: str, extra: list[str]) -> None:
    cli.run("up", "--stack", stack, "--yes", *extra, timeout_s=UPDATE_TIMEOUT_S)


def check_stack_exists(cli: PulumiCli, stack: str) -> None:
    """PulumiFailed unless the backend the CLI is logged in to has the stack."""
    listed = cli.run("stack", "ls", "--json")
    try:
        names = [str(entry["name"]) for entry in json.loads(listed)]
    except (ValueError, TypeError, KeyError):
        raise PulumiFailed(f"`pulumi stack ls --json` printed something unexpected: {listed[:300]!r}") from None
    if not any(name == stack or name.endswith(f"/{stack}") for name in names):
        raise PulumiFailed(
            f"the stack {stack!r} does not exist in the backend the CLI is logged in to "
            f"(it has: {', '.join(names) or 'no stacks'}); check `pulumi whoami` and `pulumi stack ls`"
        )


def run_steps(steps: Sequence[Step], say: Callable[[str], None], stack: str) -> None:
    """Runs the steps in order, saying each; RollbackStopped names what was done and what is left."""
    for index, step in enumerate(steps):
        say(f"[{index + 1}/{len(steps)}] {step.title}: {step.shown}")
        try:
            step.run()
        except (PulumiFailed, OSError) as error:
            done = [f"  done: {s.title}" for s in steps[:index]] or ["  done: nothing"]
            left = [f"  left: {s.title}" for s in steps[index + 1 :]]
            raise RollbackStopped(
                "\n".join(
                    [
                        f"step {index + 1} failed: {step.title}",
                        str(error),
                        *done,
                        f"  failed: {step.title}",
                        *left,
                        f"resume with `seasonctl rollback {stack} --yes`: every step is safe to repeat",
                    ]
                )
            ) from None
