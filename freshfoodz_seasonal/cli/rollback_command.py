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
(after `pulumi cancel`, if an update was stopped so abruptly that the stack is still locked). Before
every update and at the end, the stack file must still be what step 1 wrote.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import typer
from rich.console import Console

from capacity.catalog import Catalog
from freshfoodz_seasonal.adapters.catalog_files import load_catalog
from freshfoodz_seasonal.adapters.duration_files import load_durations
from freshfoodz_seasonal.adapters.pulumi_cli import PulumiCli, PulumiFailed
from freshfoodz_seasonal.cli.clock import Now
from freshfoodz_seasonal.cli.diff_view import diff_sections
from freshfoodz_seasonal.cli.exits import EXIT_ABORTED, EXIT_INVALID, EXIT_PULUMI, fail
from freshfoodz_seasonal.cli.programs import run_programs, snapshot_of
from freshfoodz_seasonal.cli.pulumi_steps import (
    StackFilePhase,
    Step,
    StepsStopped,
    Updates,
    backend_stack_name,
    printer,
    quiet_hour_checked,
    run_steps,
)
from freshfoodz_seasonal.cli.stacks import LoadedStack, load_pulumis_stack_file, owner_checked, plan_loaded
from freshfoodz_seasonal.cli.tables import to_rich
from freshfoodz_seasonal.config.model import Phase
from freshfoodz_seasonal.naming import CONFIG_NAMESPACE
from freshfoodz_seasonal.preview.rollback_targets import BaselineTargets, UnprotectedDatabaseError, baseline_targets
from freshfoodz_seasonal.provisioning.schedule import provisioning_plan
from freshfoodz_seasonal.review.resource_diff import Kind
from freshfoodz_seasonal.review.stack_diff import compare
from freshfoodz_seasonal.seasons.ownership import (
    SeasonSpan,
    current_span,
    override_reason,
    season_runs,
)


def rollback_steps(
    cli: PulumiCli,
    stack_file: Path,
    stack: str,
    targets: BaselineTargets,
    keep_seasonal: bool,
    show: Callable[[str], None],
    message: str = "seasonctl rollback",
) -> list[Step]:
    """The steps in order; `stack` is the name the backend knows the stack by; `message` goes into the
    stack's update history.

    Before each Pulumi step and at the end, the stack file must still be what the first step wrote
    (phase baseline, the same bytes): a `git pull` or an edit during a long step would otherwise make
    the next update apply something else than what was shown.
    """
    held = StackFilePhase(stack_file)
    updates = Updates(cli, held, stack, message, show)

    steps = [
        Step(
            f"set phase: baseline in {stack_file.name}",
            f"pulumi config set phase baseline --stack {stack}",
            lambda: held.set(Phase.BASELINE),
        ),
        Step(
            "re-apply the platform's baseline HPAs and PriorityClass",
            updates.command(targets.kubernetes),
            updates.targeting(targets.kubernetes),
        ),
        Step(
            "re-apply the database's baseline class",
            updates.command(targets.database),
            updates.targeting(targets.database),
        ),
    ]
    if not keep_seasonal:
        steps.append(
            Step(
                "remove the season-only resources (node group, read replicas, alerts, dashboard, peak controls)",
                updates.command([]),
                updates.targeting([]),
            )
        )
    steps.append(
        Step(f"check {stack_file.name} still says phase: baseline", f"(read {stack_file.name})", held.unchanged)
    )
    return steps


def season_checks(loaded: LoadedStack, project_dir: Path, catalog: Catalog, now: Now, early: str | None) -> SeasonSpan:
    """The season a rollback ends; exit 2 if another season owns the shared resources, or if this one runs
    (from its T-14 to its last day) and `early` gives no reason. Judged on the real day and on --date."""
    this = owner_checked(loaded, project_dir, catalog, now.days)
    for day in now.days:
        span = current_span(this, day)
        if season_runs(span, day) and override_reason(early) is None:
            window = span.window
            fail(
                EXIT_INVALID,
                [
                    f"{loaded.path}: {loaded.settings.season.title} is provisioned from {span.first_day} and runs "
                    f"from {window.first_day} to {window.last_day}; on {day} a rollback takes its capacity away",
                    f"it is due on {span.last_day}; to roll back anyway, give --early with a reason",
                    "nothing changed",
                ],
            )
    return current_span(this, now.today)


def _season_words(title: str, span: SeasonSpan, day: dt.date) -> str:
    window = span.window
    if day > window.last_day:
        return f"{title} ran from {window.first_day} to {window.last_day}"
    if day >= window.first_day:
        return f"{title} runs from {window.first_day} to {window.last_day}"
    return f"{title} starts on {window.first_day} (provisioned from {span.first_day})"


def run_rollback(
    stack: str, yes: bool, keep_seasonal: bool, early: str | None, any_hour: str | None, project_dir: Path, now: Now
) -> None:
    """Shows the offline diff to the baseline phase, asks unless `yes`, runs the steps; exits 2, 6 or 1 otherwise."""
    catalog = load_catalog()
    loaded = load_pulumis_stack_file(stack, project_dir, catalog, "rollback")
    path, name = loaded.path, loaded.name
    span = season_checks(loaded, project_dir, catalog, now, early)
    try:
        cli = PulumiCli.find(project_dir)
        qualified = backend_stack_name(cli, name)
    except PulumiFailed as error:
        fail(EXIT_PULUMI, [str(error), "nothing changed"])
    # The class change back is a failover when the peak's class differs: in the quiet hour, as provisioning.
    # Checked on the offline plan before the programs run, so a refusal comes at once.
    season = plan_loaded(loaded, catalog, now.today).plan
    rollback_plan = provisioning_plan(loaded.settings, season, load_durations()).rollback
    disruptive = [step.name for step in rollback_plan if step.disruptions and step.name == "db-class"]
    quiet_hour_checked(path, loaded.settings.season.quiet_hour, disruptive, any_hour, now.real_utc)
    current, baseline_run = run_programs([(stack, None), (stack, Phase.BASELINE)], project_dir, catalog, now)
    result = compare(name, snapshot_of(current, "now"), snapshot_of(baseline_run, "after rollback"))
    console = Console(highlight=False)
    console.print(to_rich(result.headline, diff_sections(result)), crop=False)
    try:
        targets = baseline_targets(baseline_run.capture.resources, name, CONFIG_NAMESPACE)
    except UnprotectedDatabaseError as error:
        fail(EXIT_INVALID, [f"{path}: {error}; refusing"])

    say = printer(console)

    reason = override_reason(early)
    early_now = reason is not None and season_runs(span, now.today)
    message = f"seasonctl rollback (early: {reason})" if early_now else "seasonctl rollback"
    steps = rollback_steps(cli, path, qualified, targets, keep_seasonal, say, message)
    removed = sum(change.kind is Kind.REMOVED for change in result.resources)
    judged = f" (judged as {now.today})" if now.today != now.real_today else ""
    question = (
        f"Roll back {name}: {_season_words(loaded.settings.season.title, span, now.today)}; "
        f"today is {now.real_today}{judged}. The HPAs and the database class go back to the platform's values"
        + ("" if keep_seasonal else f", and {removed} of the season's own resources are removed")
        + (f"; early, because: {reason}" if early_now else "")
        + f". {len(steps)} steps. Go on?"
    )
    if early_now:
        say(f"warning: rolling back before the season's end, because: {reason}")
    if not yes and not typer.confirm(question, default=False):
        fail(EXIT_ABORTED, ["aborted; nothing changed"])
    try:
        run_steps(steps, say, _resume_command(name, keep_seasonal, reason, now), qualified)
    except StepsStopped as error:
        fail(EXIT_PULUMI, str(error).splitlines())
    say(f"{name} is back at its baseline values. Commit {path.name} (phase: baseline).")
    if keep_seasonal:
        say(f"The season's own resources are still there; `seasonctl rollback {name} --yes` removes them.")


def _resume_command(name: str, keep_seasonal: bool, reason: str | None, now: Now) -> list[str]:
    """The same rollback again: it judges the same days, so it needs the same options."""
    command = ["seasonctl", "rollback", name, "--yes"]
    command += ["--keep-seasonal"] if keep_seasonal else []
    command += ["--early", reason] if reason is not None else []
    command += ["--date", now.today.isoformat()] if now.today != now.real_today else []
    return command
