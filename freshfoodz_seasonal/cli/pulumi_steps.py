"""What `rollback` and `adopt` share: Pulumi steps run in order, a stack file that must not change
under them, and the backend's name for the stack.

Every step is safe to repeat, so a run that stops half-way is resumed by running the command again
(after `pulumi cancel`, if an update was stopped so abruptly that the stack is still locked).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.text import Text

from freshfoodz_seasonal.adapters.pulumi_cli import PulumiCli, PulumiFailed
from freshfoodz_seasonal.adapters.text_files import write_text_atomically
from freshfoodz_seasonal.cli.exits import EXIT_INVALID, fail, warn
from freshfoodz_seasonal.config.edit import with_setting
from freshfoodz_seasonal.config.model import Phase
from freshfoodz_seasonal.seasons.ownership import BERLIN, OVERRIDE_VARIABLE, override_reason
from freshfoodz_seasonal.visible import escaped


@dataclass(frozen=True)
class Step:
    title: str
    shown: str  # the command as a person would type it
    run: Callable[[], None]


class StepRefused(RuntimeError):
    """A step found a reason not to go on; the message says it."""


class StackFileChanged(StepRefused):
    """The stack file is no longer what the command wrote; the next step would apply something else."""


class StepsStopped(RuntimeError):
    """A step failed; the message says what was done, what failed and what is left."""


@dataclass
class StackFilePhase:
    """Sets the stack file's phase and then holds it there: `unchanged` fails if the file's bytes are no
    longer the ones written (a `git pull` or an edit during a long step)."""

    path: Path
    _written: list[str] = field(default_factory=list)

    def set(self, phase: Phase) -> None:
        original = self.path.read_bytes()
        text = with_setting(original.decode("utf-8"), "phase", phase.value)
        if text.encode("utf-8") != original:
            write_text_atomically(self.path, text, expected=original)
        self._written.append(_digest(self.path))

    def unchanged(self) -> None:
        if not self._written or _digest(self.path) != self._written[-1]:
            raise StackFileChanged(
                f"{self.path} changed while the command ran (it must stay as the command wrote it); check it"
            )


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class Updates:
    """`pulumi up` runs of one stack, each after the check that the stack file is still as written."""

    cli: PulumiCli
    held: StackFilePhase
    backend_stack: str
    message: str
    """Goes into the stack's update history."""
    show: Callable[[str], None]

    def targeting(self, urns: Sequence[str]) -> Callable[[], None]:
        """An update of `urns` only (every resource if none), with the project's policy pack."""
        up = self._up(urns)

        def run() -> None:
            self.held.unchanged()
            self.cli.stream(*up, show=self.show)

        return run

    def command(self, urns: Sequence[str]) -> str:
        """The update of `urns` as a person would type it, whole: it can be run again by hand."""
        return shlex.join(("pulumi", *self._up(urns)))

    def _up(self, urns: Sequence[str]) -> tuple[str, ...]:
        targets = (argument for urn in urns for argument in ("--target", urn))
        policy = policy_arguments(self.cli)
        return ("up", "--stack", self.backend_stack, "--yes", "--message", self.message, *policy, *targets)


# How a command is printed on a line of its own, as the tables list theirs.
COMMAND_INDENT = "    "


def printer(console: Console) -> Callable[[str], None]:
    """Prints each line (Pulumi's output among them) as text: no rich markup, control characters escaped; a
    command (a line of its own, indented by COMMAND_INDENT) is never broken, so that a copy takes it whole (the
    terminal may wrap it)."""

    def say(line: str) -> None:
        console.print(Text(escaped(line)), soft_wrap=line.startswith(COMMAND_INDENT))

    return say


def policy_arguments(cli: PulumiCli) -> list[str]:
    """The project's policy pack guards these updates as it guards the season's (`policy/`)."""
    pack = cli.project_dir / "policy"
    return ["--policy-pack", str(pack)] if (pack / "PulumiPolicy.yaml").is_file() else []


def backend_stack_name(cli: PulumiCli, stack: str) -> str:
    """The stack's name as the backend lists it (e.g. `org/weihnachten`); PulumiFailed if it has none or
    several that match."""
    listed = cli.run("stack", "ls", "--json")
    try:
        names = [str(entry["name"]) for entry in json.loads(listed)]
    except (ValueError, TypeError, KeyError):
        raise PulumiFailed(f"`pulumi stack ls --json` printed something unexpected: {listed[:300]!r}") from None
    matching = [name for name in names if name == stack or name.endswith(f"/{stack}")]
    if not matching:
        raise PulumiFailed(
            f"the stack {stack!r} does not exist in the backend the CLI is logged in to "
            f"(it has: {', '.join(names) or 'no stacks'}); check `pulumi whoami` and `pulumi stack ls`"
        )
    if len(matching) > 1:
        raise PulumiFailed(
            f"several stacks are named {stack!r}: {', '.join(matching)}; select one with `pulumi stack select`"
        )
    return matching[0]


def quiet_hour_checked(
    path: Path, quiet: int | None, disruptive: Sequence[str], any_hour: str | None, real_utc: dt.datetime
) -> None:
    """Exit 2 if a step about to run disrupts (`disruptive` names them) and the real Europe/Berlin hour is
    not the stack's quiet hour, unless `any_hour` gives a reason (then a warning says it)."""
    if quiet is None or not disruptive:
        return
    hour = real_utc.astimezone(BERLIN).hour
    if hour == quiet:
        return
    reason = override_reason(any_hour)
    words = (
        f"{', '.join(disruptive)} disrupts, and the stack's quiet hour is {quiet:02d}:00 Europe/Berlin; "
        f"it is {hour:02d}:xx"
    )
    if reason is None:
        fail(EXIT_INVALID, [f"{path}: {words}", "run it then, or give --any-hour with a reason", "nothing changed"])
    warn(f"{path}: {words}; going on because: {reason}")


def run_steps(steps: Sequence[Step], say: Callable[[str], None], resume: list[str], backend_stack: str) -> None:
    """Runs the steps in order, saying each; StepsStopped names what was done and what is left.

    `resume` is the command that resumes (with the override's variable in front when this run had it, since
    the resumed run is judged the same way), `backend_stack` the backend's name for the stack (`org/stack`).
    """
    override = os.environ.get(OVERRIDE_VARIABLE)
    resume_line = (
        shlex.join(resume) if override is None else f"{OVERRIDE_VARIABLE}={shlex.quote(override)} " + shlex.join(resume)
    )
    for index, step in enumerate(steps):
        say(f"[{index + 1}/{len(steps)}] {step.title}:")
        say(f"{COMMAND_INDENT}{step.shown}")
        try:
            step.run()
        except (PulumiFailed, StepRefused, OSError, KeyboardInterrupt) as error:
            done = [f"  done: {s.title}" for s in steps[:index]] or ["  done: nothing"]
            left = [f"  left: {s.title}" for s in steps[index + 1 :]]
            resume_lines = [
                f"resume with `{resume_line}`: every step is safe to repeat;",
                f"if Pulumi says the stack is locked by an update, first run `pulumi cancel --stack {backend_stack}`",
            ]
            heading = [f"step {index + 1} failed: {step.title}", str(error) or "interrupted"]
            report = [*heading, *done, f"  failed: {step.title}", *left, *resume_lines]
            raise StepsStopped("\n".join(report)) from None
