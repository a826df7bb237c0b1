"""`seasonctl rollback`: the season's steps back to baseline, in an order that loses nothing.

1. The stack file gets `phase: baseline` (comments kept, one atomic rename).
2. `pulumi up --target` the platform's Kubernetes objects the baseline phase declares (HPAs,
   PriorityClass): their baseline values are applied explicitly, because deleting a patch would
   not restore them. The HPAs go first, so the pods shrink before the database does.
3. `pulumi up --target` the adopted primary database: its baseline class.
4. Unless --keep-seasonal: a full `pulumi up`, which removes what only the season declared
   (node group, read replicas, alerts, dashboard, peak controls). The primary stays: it is
   declared in both phases, protected and retained on delete.

Every step is safe to repeat, so a rollback that stops half-way is resumed by running it again
(after `pulumi cancel`, if an update was stopped so abruptly that the stack is still locked).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import typer
from rich.console import Console
from rich.text import Text

from capacity.catalog import Catalog
from freshfoodz_seasonal.adapters.catalog_files import load_catalog
from freshfoodz_seasonal.adapters.pulumi_cli import PulumiCli, PulumiFailed
from freshfoodz_seasonal.adapters.stack_calendar import project_seasons
from freshfoodz_seasonal.adapters.text_files import write_text_atomically
from freshfoodz_seasonal.cli.clock import Now
from freshfoodz_seasonal.cli.diff_view import diff_sections
from freshfoodz_seasonal.cli.exits import EXIT_ABORTED, EXIT_INVALID, EXIT_PULUMI, fail
from freshfoodz_seasonal.cli.programs import run_programs, snapshot_of
from freshfoodz_seasonal.cli.stacks import LoadedStack, load_stack
from freshfoodz_seasonal.cli.tables import to_rich
from freshfoodz_seasonal.config.edit import with_setting
from freshfoodz_seasonal.config.model import Phase
from freshfoodz_seasonal.naming import CONFIG_NAMESPACE
from freshfoodz_seasonal.preview.rollback_targets import BaselineTargets, UnprotectedDatabaseError, baseline_targets
from freshfoodz_seasonal.review.resource_diff import Kind
from freshfoodz_seasonal.review.stack_diff import compare
from freshfoodz_seasonal.seasons.ownership import StackSeason, berlin_date, override_reason, project_refusal
from freshfoodz_seasonal.seasons.windows import Window, deployed_season_year, resolve_window


@dataclass(frozen=True)
class Step:
    title: str
    shown: str  # the command as a person would type it
    run: Callable[[], None]


class StackFileChanged(RuntimeError):
    """The stack file is no longer what the rollback wrote; the next step would apply something else."""


class RollbackStopped(RuntimeError):
    """A step failed; the message says what was done, what failed and what is left."""


def rollback_steps(
    cli: PulumiCli,
    stack_file: Path,
    stack: str,
    targets: BaselineTargets,
    keep_seasonal: bool,
    show: Callable[[str], None],
) -> list[Step]:
    """The steps in order; `stack` is the name the backend knows the stack by.

    Before each Pulumi step and at the end, the stack file must still be what the first step wrote
    (phase baseline, the same bytes): a `git pull` or an edit during a long step would otherwise make
    the next update apply something else than what was shown.
    """
    written: list[str] = []

    def set_phase() -> None:
        original = stack_file.read_bytes()
        text = with_setting(original.decode("utf-8"), "phase", Phase.BASELINE.value)
        if text.encode("utf-8") != original:
            write_text_atomically(stack_file, text, expected=original)
        written.append(_digest(stack_file))

    def unchanged() -> None:
        if not written or _digest(stack_file) != written[-1]:
            raise StackFileChanged(
                f"{stack_file} changed while the rollback ran (it must stay at phase: baseline as written); "
                "check it, set phase: baseline again if needed"
            )

    # The project's policy pack guards these updates as it guards the season's (`policy/`).
    pack = cli.project_dir / "policy"
    policy = ["--policy-pack", str(pack)] if (pack / "PulumiPolicy.yaml").is_file() else []

    def update(urns: Sequence[str]) -> Callable[[], None]:
        arguments = [argument for urn in urns for argument in ("--target", urn)]

        def run() -> None:
            unchanged()
            cli.stream("up", "--stack", stack, "--yes", *policy, *arguments, show=show)

        return run

    steps = [
        Step(
            f"set phase: baseline in {stack_file.name}", f"pulumi config set phase baseline --stack {stack}", set_phase
        ),
        Step(
            "re-apply the platform's baseline HPAs and PriorityClass",
            f"pulumi up --stack {stack} --yes --target <{len(targets.kubernetes)} resources>",
            update(targets.kubernetes),
        ),
        Step(
            "re-apply the database's baseline class",
            f"pulumi up --stack {stack} --yes --target <{len(targets.database)} resources>",
            update(targets.database),
        ),
    ]
    if not keep_seasonal:
        steps.append(
            Step(
                "remove the season-only resources (node group, read replicas, alerts, dashboard, peak controls)",
                f"pulumi up --stack {stack} --yes",
                update([]),
            )
        )
    steps.append(Step(f"check {stack_file.name} still says phase: baseline", f"(read {stack_file.name})", unchanged))
    return steps


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


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


def run_steps(steps: Sequence[Step], say: Callable[[str], None], stack: str, backend_stack: str) -> None:
    """Runs the steps in order, saying each; RollbackStopped names what was done and what is left.

    `stack` is this project's name for the stack, `backend_stack` the backend's (e.g. `org/stack`).
    """
    for index, step in enumerate(steps):
        say(f"[{index + 1}/{len(steps)}] {step.title}: {step.shown}")
        try:
            step.run()
        except (PulumiFailed, StackFileChanged, OSError, KeyboardInterrupt) as error:
            done = [f"  done: {s.title}" for s in steps[:index]] or ["  done: nothing"]
            left = [f"  left: {s.title}" for s in steps[index + 1 :]]
            resume = [
                f"resume with `seasonctl rollback {stack} --yes`: every step is safe to repeat;",
                f"if Pulumi says the stack is locked by an update, first run `pulumi cancel --stack {backend_stack}`",
            ]
            heading = [f"step {index + 1} failed: {step.title}", str(error) or "interrupted"]
            report = [*heading, *done, f"  failed: {step.title}", *left, *resume]
            raise RollbackStopped("\n".join(report)) from None


def season_checks(loaded: LoadedStack, project_dir: Path, catalog: Catalog, day: dt.date, early: str | None) -> Window:
    """The season's window on `day`; exit 2 if another season owns the shared resources, or if this
    one still runs and `early` gives no reason."""
    stacks, problems = project_seasons(project_dir, catalog)
    rule = loaded.settings.season.window
    this = StackSeason(loaded.name, loaded.settings.season.name, rule.start, rule.end)
    refusal = project_refusal(stacks, problems, this, False, day)
    if refusal is not None:
        fail(EXIT_INVALID, [f"{loaded.path}: {refusal}", "nothing changed"])
    window = resolve_window(rule.start, rule.end, deployed_season_year(rule.start, rule.end, day))
    if window.first_day <= day <= window.last_day and override_reason(early) is None:
        fail(
            EXIT_INVALID,
            [
                f"{loaded.path}: {loaded.settings.season.title} runs from {window.first_day} to {window.last_day} "
                f"and today is {day}: a rollback now takes its capacity away mid-season",
                f"it is due on {window.last_day + dt.timedelta(days=1)}; to roll back anyway, give --early REASON",
                "nothing changed",
            ],
        )
    return window


def run_rollback(stack: str, yes: bool, keep_seasonal: bool, early: str | None, project_dir: Path, now: Now) -> None:
    """Shows the offline diff to the baseline phase, asks unless `yes`, runs the steps; exits 2, 6 or 1 otherwise."""
    catalog = load_catalog()
    loaded = load_stack(stack, project_dir, catalog)
    path, name = loaded.path, loaded.name
    # Pulumi reads the stack's config from this file: edit any other, and the update would not see it.
    expected = project_dir / f"Pulumi.{name}.yaml"
    if path.resolve() != expected.resolve():
        fail(EXIT_INVALID, [f"{path}: rollback edits the stack file Pulumi reads, {expected}; give that one"])
    day = berlin_date(now.utc)
    window = season_checks(loaded, project_dir, catalog, day, early)
    current, baseline_run = run_programs([(stack, None), (stack, Phase.BASELINE)], project_dir, catalog, now)
    result = compare(name, snapshot_of(current, "now"), snapshot_of(baseline_run, "after rollback"))
    console = Console(highlight=False)
    console.print(to_rich(result.headline, diff_sections(result)))
    try:
        targets = baseline_targets(baseline_run.capture.resources, name, CONFIG_NAMESPACE)
    except UnprotectedDatabaseError as error:
        fail(EXIT_INVALID, [f"{path}: {error}; refusing"])
    try:
        cli = PulumiCli.find(project_dir)
        qualified = backend_stack_name(cli, name)
    except PulumiFailed as error:
        fail(EXIT_PULUMI, [str(error), "nothing changed"])

    def say(line: str) -> None:
        console.print(Text(line))

    steps = rollback_steps(cli, path, qualified, targets, keep_seasonal, say)
    removed = sum(change.kind is Kind.REMOVED for change in result.resources)
    question = (
        f"Roll back {name}: {loaded.settings.season.title} ran from {window.first_day} to {window.last_day}, "
        f"today is {day}. The HPAs and the database class go back to the platform's values"
        + ("" if keep_seasonal else f", and {removed} of the season's own resources are removed")
        + (f"; early, because: {override_reason(early)}" if override_reason(early) else "")
        + f". {len(steps)} steps. Go on?"
    )
    if early is not None:
        say(f"warning: rolling back before the season's end, because: {override_reason(early)}")
    if not yes and not typer.confirm(question, default=False):
        fail(EXIT_ABORTED, ["aborted; nothing changed"])
    try:
        run_steps(steps, say, name, qualified)
    except RollbackStopped as error:
        fail(EXIT_PULUMI, str(error).splitlines())
    say(f"{name} is back at its baseline values. Commit {path.name} (phase: baseline).")
    if keep_seasonal:
        say(f"The season's own resources are still there; `seasonctl rollback {name} --yes` removes them.")
