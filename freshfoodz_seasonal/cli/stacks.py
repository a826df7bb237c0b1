"""A stack file, its validated settings and its plan, loaded the one way every command loads them.

A problem in the stack file exits 2 naming every problem; a plan the config makes impossible exits 3.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from capacity.catalog import Catalog
from capacity.errors import InfeasibleError
from capacity.pool_sizing import Method
from freshfoodz_seasonal.adapters.stack_calendar import project_seasons, stack_name_problem, stack_season
from freshfoodz_seasonal.adapters.stack_file import load_stack_settings, resolve_stack_file, stack_name_of
from freshfoodz_seasonal.cli.exits import EXIT_INFEASIBLE, EXIT_INVALID, fail, warn
from freshfoodz_seasonal.config.model import StackSettings
from freshfoodz_seasonal.config.problems import ConfigError
from freshfoodz_seasonal.plan.season_plan import SeasonPlan, plan_season
from freshfoodz_seasonal.seasons.ownership import (
    OVERRIDE_VARIABLE,
    PROVISION_LEAD_DAYS,
    LateStart,
    StackSeason,
    conflict_ahead,
    late_start,
    ownership_gate,
    project_refusal,
)
from freshfoodz_seasonal.seasons.windows import Window, deployed_season_year


@dataclass(frozen=True)
class LoadedStack:
    path: Path
    settings: StackSettings

    @property
    def name(self) -> str:
        """The stack's name: `weihnachten` for `Pulumi.weihnachten.yaml`, else the file's stem."""
        return stack_name(self.path)


@dataclass(frozen=True)
class PlannedStack(LoadedStack):
    plan: SeasonPlan


def stack_name(path: Path) -> str:
    """The stack's name; exit 2 if it is not one Pulumi accepts (it goes into paths and commands)."""
    problem = stack_name_problem(path)
    if problem is not None:
        fail(EXIT_INVALID, [problem])
    return stack_name_of(path)


def load_stack(stack: str, project_dir: Path, catalog: Catalog) -> LoadedStack:
    """The stack file (a stack name or a path) and its validated settings; exit 2 with every problem otherwise."""
    try:
        path = resolve_stack_file(stack, project_dir)
        stack_name(path)
        return LoadedStack(path, load_stack_settings(path, catalog))
    except ConfigError as error:
        fail(EXIT_INVALID, [str(p) for p in error.problems])


def load_pulumis_stack_file(stack: str, project_dir: Path, catalog: Catalog, command: str) -> LoadedStack:
    """`load_stack` for a command that edits the stack file and runs Pulumi: it must be the file Pulumi
    reads (`Pulumi.<stack>.yaml` in `project_dir`), else an edit would not reach the update; exit 2."""
    loaded = load_stack(stack, project_dir, catalog)
    expected = project_dir / f"Pulumi.{loaded.name}.yaml"
    if loaded.path.resolve() != expected.resolve():
        fail(EXIT_INVALID, [f"{loaded.path}: {command} edits the stack file Pulumi reads, {expected}; give that one"])
    return loaded


def owner_checked(
    loaded: LoadedStack, project_dir: Path, catalog: Catalog, days: list[dt.date], peak: bool = False
) -> StackSeason:
    """The stack's season rule; exit 2, naming the owner, if on any of `days` another season holds the
    shared resources, or, for an update at the `peak`, if the day is outside its own span (what every
    command that runs `pulumi up` checks first). The program's override
    (OVERRIDE_VARIABLE with a reason) lets it go on, with a warning that gives the reason, as the
    program does: a season whose rollback was missed must still be rolled back in the next one's span."""
    stacks, problems = project_seasons(project_dir, catalog)
    this = stack_season(loaded.name, loaded.settings)
    for day in days:
        gate = ownership_gate(
            project_refusal(stacks, problems, this, peak, day), False, os.environ.get(OVERRIDE_VARIABLE)
        )
        if gate.refused:
            fail(EXIT_INVALID, [f"{loaded.path}: {gate.message}", "nothing changed"])
        if gate.message is not None:
            warn(f"{loaded.path}: {gate.message}")
    return this


@dataclass(frozen=True)
class CalendarFindings:
    """What the project's season calendar says of one stack around a day."""

    conflict: str | None
    """Overlapping windows, or a first day inside another season's span, in this or a coming year:
    updates then are refused."""
    late: LateStart | None
    """Its span begins after its T-14."""
    unreadable: str | None = None
    """Another stack file cannot be read: the owner cannot be told, so every update is refused."""

    def warnings(self) -> list[str]:
        late = self.late.describe() if self.late else None
        return [line for line in (self.conflict, late, self.unreadable) if line]


def calendar_findings(path: Path, settings: StackSettings, catalog: Catalog, day: dt.date) -> CalendarFindings:
    """The stack file (with these settings, whatever it says) against the stack files beside it: the
    calendar the program judges is the one beside it too. A file not named `Pulumi.<stack>.yaml` is no
    stack of the project (the program never reads it): nothing to find."""
    if not (path.name.startswith("Pulumi.") and path.name.endswith(".yaml")):
        return CalendarFindings(None, None)
    stacks, problems = project_seasons(path.parent, catalog)
    this = stack_season(stack_name_of(path), settings)
    competing = [*(s for s in stacks if s.stack != this.stack and s.competes_with(this)), this]
    others = [p for p in problems if not p.startswith(f"{path}:")]
    unreadable = (
        "which season owns the shared resources cannot be told, so every update is refused: " + "; ".join(others)
        if others
        else None
    )
    return CalendarFindings(conflict_ahead(competing, day), late_start(stacks, this, day), unreadable)


def all_stacks(project_dir: Path, catalog: Catalog) -> list[tuple[str, StackSettings]]:
    """Every `Pulumi.<stack>.yaml` of the folder, validated; exit 2 naming every problem, or if there is none."""
    stacks = []
    problems = []
    for path in sorted(project_dir.glob("Pulumi.*.yaml")):
        try:
            stacks.append((stack_name(path), load_stack_settings(path, catalog)))
        except ConfigError as error:
            problems += [str(p) for p in error.problems]
    if problems:
        fail(EXIT_INVALID, problems)
    if not stacks:
        fail(EXIT_INVALID, [f"{project_dir}: no Pulumi.<stack>.yaml files here; pass --project-dir"])
    return stacks


def season_findings(path: Path, settings: StackSettings, catalog: Catalog, window: Window) -> CalendarFindings:
    """`calendar_findings` of the season in `window`, judged on its T-14, with `late` only if it is this
    season's own (not the next one's)."""
    nominal = window.first_day - dt.timedelta(days=PROVISION_LEAD_DAYS)
    findings = calendar_findings(path, settings, catalog, nominal)
    if findings.late is not None and findings.late.nominal != nominal:
        return dataclasses.replace(findings, late=None)
    return findings


def late_days(path: Path, settings: StackSettings, catalog: Catalog, window: Window) -> int:
    """How many days after its T-14 the season in `window` may start provisioning (an earlier season holds the
    shared resources until then): every command dates the provisioning steps that much later."""
    late = season_findings(path, settings, catalog, window).late
    return late.days if late is not None else 0


def plan_or_exit(
    settings: StackSettings, catalog: Catalog, name: str, year: int, where: str, method: Method = Method.MODEL
) -> SeasonPlan:
    """The season's plan in `year`; exit 3 naming `where` (the stack file, or the stack) if it is infeasible."""
    try:
        return plan_season(settings, catalog, name, year, method)
    except InfeasibleError as error:
        fail(EXIT_INFEASIBLE, [f"{where}: infeasible: {line}" for line in error.problems])


def plan_loaded(
    loaded: LoadedStack, catalog: Catalog, today: dt.date, year: int | None = None, method: Method = Method.MODEL
) -> PlannedStack:
    """The loaded stack's plan for `year`, by default the season the stack declares on `today`; exit 3 if infeasible."""
    window = loaded.settings.season.window
    season = year if year is not None else deployed_season_year(window.start, window.end, today)
    plan = plan_or_exit(loaded.settings, catalog, loaded.name, season, str(loaded.path), method)
    return PlannedStack(loaded.path, loaded.settings, plan)


def load_plan(
    stack: str,
    project_dir: Path,
    catalog: Catalog,
    today: dt.date,
    year: int | None = None,
    method: Method = Method.MODEL,
) -> PlannedStack:
    """Load the stack, pick the season year from `today` (unless `year` is given), plan: exit 2 or 3 on a bad stack."""
    return plan_loaded(load_stack(stack, project_dir, catalog), catalog, today, year, method)
