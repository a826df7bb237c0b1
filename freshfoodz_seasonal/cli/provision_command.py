"""`seasonctl provision`: the season's peak put in place as the provisioning plan's steps, in order.

The mirror of `seasonctl rollback`:
1. The stack file gets `phase: peak` (comments kept, one atomic rename).
2. One targeted `pulumi up --target ...` per step of the provisioning plan (`seasonctl plan`): the
   replicas, the primary's class (the failover), the nodes and pods, the controls and monitoring.
3. A full `pulumi up`: nothing is left to change by then but the stack's outputs; its wall time is
   the Pulumi run's own.
4. The stack file is checked to be still what step 1 wrote, as before every update.

Each step's wall time is shown next to its estimate at the end, and with --record written as JSON
whose `durations` a stack file accepts under `provisioning.durations`. Every step is safe to repeat:
a run that stops half-way is resumed by running the command again. With --step, only that step runs
(the day the plan dates it), after step 1.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import typer
from rich.console import Console
from rich.text import Text

from freshfoodz_seasonal.adapters.catalog_files import load_catalog
from freshfoodz_seasonal.adapters.duration_files import load_durations
from freshfoodz_seasonal.adapters.pulumi_cli import PulumiCli, PulumiFailed
from freshfoodz_seasonal.adapters.text_files import NotWritable, check_new_file, write_text_atomically
from freshfoodz_seasonal.cli.clock import Now
from freshfoodz_seasonal.cli.diff_view import diff_sections
from freshfoodz_seasonal.cli.exits import EXIT_ABORTED, EXIT_INVALID, EXIT_PULUMI, fail, warn
from freshfoodz_seasonal.cli.programs import ProgramRun, run_programs, snapshot_of
from freshfoodz_seasonal.cli.provisioning_view import provisioning_sections
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
from freshfoodz_seasonal.cli.stacks import (
    LoadedStack,
    late_days,
    load_pulumis_stack_file,
    owner_checked,
    plan_loaded,
)
from freshfoodz_seasonal.cli.tables import Section, to_rich
from freshfoodz_seasonal.config.model import Phase
from freshfoodz_seasonal.durations import ChangeKind, Duration
from freshfoodz_seasonal.naming import CONFIG_NAMESPACE
from freshfoodz_seasonal.preview.urns import engine_urns
from freshfoodz_seasonal.provisioning import schedule
from freshfoodz_seasonal.provisioning.record import Measured, record_document
from freshfoodz_seasonal.provisioning.schedule import ProvisioningPlan, provisioning_plan, stack_rows, step_date
from freshfoodz_seasonal.review.stack_diff import compare


@dataclass
class Stopwatch:
    """Each update's wall time, by step name; `finished` once it returned."""

    measured: list[Measured]

    def timed(self, name: str, run: Callable[[], None]) -> Callable[[], None]:
        def timed_run() -> None:
            started = time.monotonic()
            try:
                run()
            except BaseException:
                self.measured.append(Measured(name, (time.monotonic() - started) / 60, finished=False))
                raise
            self.measured.append(Measured(name, (time.monotonic() - started) / 60, finished=True))

        return timed_run


FINAL_UPDATE = "the-rest"


def _urns_by_name(peak: ProgramRun, stack: str) -> dict[str, str]:
    resources = peak.capture.resources
    urns = engine_urns(resources, stack, CONFIG_NAMESPACE)
    return {resource.name: urns[index] for index, resource in enumerate(resources) if resource.custom}


def provision_steps(
    cli: PulumiCli,
    stack_file: Path,
    backend_stack: str,
    chosen: Sequence[schedule.Step],
    urns: dict[str, str],
    stopwatch: Stopwatch,
    show: Callable[[str], None],
    whole: bool,
) -> list[Step]:
    """Step 1 sets the phase, then one targeted update per chosen step, then (`whole`) a full update,
    and the check that the stack file is still what step 1 wrote."""
    held = StackFilePhase(stack_file)
    updates = Updates(cli, held, backend_stack, "seasonctl provision", show)

    steps = [
        Step(
            f"set phase: peak in {stack_file.name}",
            f"pulumi config set phase peak --stack {backend_stack}",
            lambda: held.set(Phase.PEAK),
        )
    ]
    for step in chosen:
        targets = [urns[name] for name in step.resources]
        steps.append(
            Step(
                f"{step.name}: {step.title}",
                updates.command(targets),
                stopwatch.timed(step.name, updates.targeting(targets)),
            )
        )
    if whole:
        steps.append(
            Step(
                "apply what is left and the stack's outputs",
                updates.command([]),
                stopwatch.timed(FINAL_UPDATE, updates.targeting([])),
            )
        )
    steps.append(Step(f"check {stack_file.name} still says phase: peak", f"(read {stack_file.name})", held.unchanged))
    return steps


def _chosen(
    plan: ProvisioningPlan,
    step_names: tuple[str, ...],
    path: Path,
    dated: Callable[[schedule.Step], dt.date],
    today: dt.date,
) -> list[schedule.Step]:
    """The named steps in the plan's order; without names, every step the plan dates on `today` or before
    (a plan over several days runs day by day); exit 2 for a name the plan lacks, or if nothing is due yet.
    A named step dated later is run, with a warning."""
    known = [step.name for step in plan.steps]
    unknown = [name for name in step_names if name not in known]
    if unknown:
        fail(EXIT_INVALID, [f"{path}: --step {unknown[0]!r}: no such step in its plan; accepted: {', '.join(known)}"])
    if step_names:
        named = [step for step in plan.steps if step.name in step_names]
        for step in named:
            if dated(step) > today:
                warn(f"{path}: step {step.name} runs ahead of the plan, which dates it on {dated(step)}")
        return named
    due = [step for step in plan.steps if dated(step) <= today]
    if not due:
        fail(
            EXIT_INVALID,
            [f"{path}: no step is due on {today}: the first is on {dated(plan.steps[0])}", "nothing changed"],
        )
    return due


def _question(
    loaded: LoadedStack, peak: ProgramRun, plan: ProvisioningPlan, chosen: Sequence[schedule.Step], now: Now
) -> str:
    window = peak.plan.window
    typical = sum(step.minutes.typical for step in chosen)
    disruptions = [f"{d.kind} in {step.name}" for step in chosen for d in step.disruptions]
    judged = f" (judged as {now.today})" if now.today != now.real_today else ""
    return (
        f"Provision {loaded.name} ({loaded.settings.season.title}, {window.first_day} to {window.last_day}); today is "
        f"{now.real_today}{judged}. {len(chosen)} of {len(plan.steps)} steps, about {typical:.0f} min typical "
        f"(budget {plan.budget_minutes} min a window); disruptions: {', '.join(disruptions) or 'none'}. Go on?"
    )


def _timings(chosen: Sequence[schedule.Step], measured: Sequence[Measured]) -> Section:
    by_name = {m.name: m for m in measured}
    rows = []
    for step in chosen:
        took = by_name.get(step.name)
        estimate = step.minutes
        shown = "-" if took is None else f"{took.minutes:.1f}" + ("" if took.finished else " (stopped)")
        rows.append([step.name, f"{estimate.low:.1f}/{estimate.typical:.1f}/{estimate.high:.1f}", shown])
    return Section("Measured against the plan (minutes)", ["step", "estimate low/typ/high", "took"], rows)


def run_provision(
    stack: str,
    yes: bool,
    step_names: tuple[str, ...],
    record: Path | None,
    any_hour: str | None,
    project_dir: Path,
    now: Now,
) -> None:
    """Checks, shows the offline diff to the peak, asks unless `yes`, runs the steps; exits 2, 6 or 1 otherwise."""
    catalog = load_catalog()
    loaded = load_pulumis_stack_file(stack, project_dir, catalog, "provision")
    path, name = loaded.path, loaded.name
    owner_checked(loaded, project_dir, catalog, now.days, peak=True)
    try:
        cli = PulumiCli.find(project_dir)
        qualified = backend_stack_name(cli, name)
    except PulumiFailed as error:
        fail(EXIT_PULUMI, [str(error), "nothing changed"])
    # The cheap checks (steps due, --record, the quiet hour) before the programs run: the season's plan
    # is the same offline, and a refusal should not wait for two program runs.
    season = plan_loaded(loaded, catalog, now.today).plan
    rows = load_durations()
    plan = provisioning_plan(loaded.settings, season, rows)
    first_day = season.window.first_day
    late = late_days(path, loaded.settings, catalog, season.window)

    def dated(step: schedule.Step) -> dt.date:
        return step_date(first_day, step.day, late)

    # What runs is what is due on the earlier of the real day and --date: --date cannot bring a day forward.
    chosen = _chosen(plan, step_names, path, dated, min(now.today, now.real_today))
    record = _checked_record(record)
    disruptive = [step.name for step in chosen if step.disruptions]
    quiet_hour_checked(loaded.path, loaded.settings.season.quiet_hour, disruptive, any_hour, now.real_utc)
    current, peak = run_programs([(stack, None), (stack, Phase.PEAK)], project_dir, catalog, now)
    console = Console(highlight=False)
    result = compare(name, snapshot_of(current, "now"), snapshot_of(peak, "after provisioning"))
    console.print(to_rich(result.headline, diff_sections(result)), crop=False)
    console.print(to_rich("How it is done", provisioning_sections(plan, first_day, late)[:1]), crop=False)

    say = printer(console)

    stopwatch = Stopwatch([])
    urns = _urns_by_name(peak, name)
    # The full update (and the stack's outputs) once every step has run: on the plan's last day.
    whole = len(chosen) == len(plan.steps)
    steps = provision_steps(cli, path, qualified, chosen, urns, stopwatch, say, whole=whole)
    if not yes and not typer.confirm(_question(loaded, peak, plan, chosen, now), default=False):
        fail(EXIT_ABORTED, ["aborted; nothing changed"])
    resume = ["seasonctl", "provision", name, "--yes", *(a for step in step_names for a in ("--step", step))]
    try:
        run_steps(steps, say, resume, qualified)
    except StepsStopped as error:
        _finish(console, chosen, stopwatch, record, loaded, now, stack_rows(loaded.settings, rows))
        fail(EXIT_PULUMI, str(error).splitlines())
    _finish(console, chosen, stopwatch, record, loaded, now, stack_rows(loaded.settings, rows))
    say(f"{name} is at its peak values. Commit {path.name} (phase: peak).")


def _finish(
    console: Console,
    chosen: Sequence[schedule.Step],
    stopwatch: Stopwatch,
    record: Path | None,
    loaded: LoadedStack,
    now: Now,
    rows: Mapping[ChangeKind, Duration],
) -> None:
    """The measurements shown, and written with --record (even after a failure: what ran, ran)."""
    measured = [m for m in stopwatch.measured if m.name != FINAL_UPDATE]
    console.print(to_rich("Provisioning times", [_timings(chosen, measured)]), crop=False)
    if record is None:
        return
    final = next((m for m in stopwatch.measured if m.name == FINAL_UPDATE and m.finished), None)
    document = record_document(loaded.name, now.real_today, chosen, measured, rows, final.minutes if final else None)
    try:
        write_text_atomically(record, json.dumps(document, indent=2) + "\n")
    except OSError as error:
        # What ran, ran: the run's own outcome (and exit code) stands; only the record is lost.
        warn(f"--record {record}: not written ({error}); the measurements are in the table above")
        return
    console.print(Text(f"Measurements written to {record}; paste its durations under provisioning.durations."))


def _checked_record(record: Path | None) -> Path | None:
    """`--record`, checked before anything changes: a new or JSON file in a folder that exists, never a
    stack file (Pulumi's or any YAML); exit 2 otherwise."""
    if record is None:
        return None
    target = record.resolve()  # a link is judged by what it points to
    if any(p.suffix.lower() in {".yaml", ".yml"} or p.name.startswith("Pulumi.") for p in (record, target)):
        fail(EXIT_INVALID, [f"--record {record}: a stack or YAML file; accepted: a .json file", "nothing changed"])
    if record.exists() and (not record.is_file() or record.suffix.lower() != ".json"):
        fail(
            EXIT_INVALID,
            [f"--record {record}: exists and is no .json file; accepted: a new or .json file", "nothing changed"],
        )
    try:
        check_new_file(record)
    except NotWritable as error:
        fail(EXIT_INVALID, [f"--record {record}: {error}", "nothing changed"])
    return record
