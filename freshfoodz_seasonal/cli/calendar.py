"""`seasonctl calendar`: every stack's season window and milestones in a year, for the release calendar."""

from __future__ import annotations

import datetime as dt
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from capacity.catalog import Catalog
from freshfoodz_seasonal.adapters.catalog_files import load_catalog
from freshfoodz_seasonal.adapters.playbook_files import load_playbooks
from freshfoodz_seasonal.adapters.stack_calendar import project_seasons, stack_season
from freshfoodz_seasonal.cli.calendar_view import calendar_as_dict, calendar_sections
from freshfoodz_seasonal.cli.clock import read_clock
from freshfoodz_seasonal.cli.exits import EXIT_INVALID, fail, print_json
from freshfoodz_seasonal.cli.options import ProjectDirOption, checked_output_file
from freshfoodz_seasonal.cli.stacks import all_stacks, plan_or_exit
from freshfoodz_seasonal.cli.tables import to_rich
from freshfoodz_seasonal.config.model import StackSettings
from freshfoodz_seasonal.playbooks.calendar import OverlapError, SeasonEntry, SeasonRule, year_calendar
from freshfoodz_seasonal.playbooks.schedule import configured_keys
from freshfoodz_seasonal.seasons.ownership import PROVISION_LEAD_DAYS, StackSeason, late_start
from freshfoodz_seasonal.seasons.windows import resolve_window


class CalendarFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    ICS = "ics"


def calendar(
    year: Annotated[
        int | None, typer.Option(min=2000, max=2100, help="the year: the seasons that begin in it; default this year")
    ] = None,
    output_format: Annotated[
        CalendarFormat, typer.Option("--format", help="table, json or ics")
    ] = CalendarFormat.TABLE,
    chart: Annotated[Path | None, typer.Option(help="also draw the year into this .png or .svg file")] = None,
    project_dir: ProjectDirOption = Path("."),
) -> None:
    """Every stack's season window and playbook milestones in a year; ics for the release calendar."""
    now = read_clock().utc
    if chart is not None and chart.suffix.lower() not in {".png", ".svg"}:
        fail(EXIT_INVALID, [f"--chart: {chart}; accepted: a file name ending in .png or .svg"])
    checked_output_file("--chart", chart)
    catalog = load_catalog()
    stacks = all_stacks(project_dir, catalog)
    shown_year = year or now.year
    seasons, _ = project_seasons(project_dir, catalog)
    rules = [
        SeasonRule(
            name,
            s.season.name,
            s.season.title,
            s.season.load_multiplier,
            s.season.window.start,
            s.season.window.end,
            configured_keys(s),
            _provision_from(seasons, stack_season(name, s), shown_year),
        )
        for name, s in stacks
    ]
    try:
        shared = {stack.stack: stack for stack in seasons}
        entries = year_calendar(rules, shown_year, load_playbooks(), lambda a, b: shared[a].competes_with(shared[b]))
    except OverlapError as error:
        fail(EXIT_INVALID, [str(error)])
    if chart is not None:
        draw_chart(stacks, entries, shown_year, chart, catalog)
    if output_format is CalendarFormat.ICS:
        from freshfoodz_seasonal.playbooks.ics import calendar_ics  # noqa: PLC0415 - icalendar is slow to import

        sys.stdout.write(calendar_ics(entries, now, _organization(stacks)).decode("utf-8"))
    elif output_format is CalendarFormat.JSON:
        print_json(calendar_as_dict(entries))
    else:
        Console(highlight=False).print(to_rich(f"Seasons in {shown_year}", calendar_sections(entries)), crop=False)


def _provision_from(seasons: list[StackSeason], this: StackSeason, year: int) -> dt.date | None:
    """The day the season's span begins in `year`, if later than its T-14."""
    nominal = resolve_window(this.start, this.end, year).first_day - dt.timedelta(days=PROVISION_LEAD_DAYS)
    late = late_start(seasons, this, nominal)
    return late.first_day if late is not None and late.nominal == nominal else None


def _organization(stacks: list[tuple[str, StackSettings]]) -> str | None:
    """Whose seasons: the stacks' platform.organization (each once), or None where they name none."""
    names = {settings.platform.organization for _, settings in stacks} - {None}
    return " / ".join(sorted(name for name in names if name)) or None


def draw_chart(
    stacks: list[tuple[str, StackSettings]], entries: list[SeasonEntry], year: int, path: Path, catalog: Catalog
) -> None:
    """The year as a picture, with each season's planned pods and nodes; exit 3 if a plan is infeasible."""
    from freshfoodz_seasonal.cli.year_chart import PlannedCapacity, draw_year  # noqa: PLC0415 - matplotlib is slow

    capacity = {}
    for name, settings in stacks:
        plan = plan_or_exit(settings, catalog, name, year, name)
        capacity[name] = PlannedCapacity(plan.pods, plan.nodes.nodes)
    try:
        draw_year(entries, capacity, year, _organization(stacks), path)
    except OSError as error:
        fail(EXIT_INVALID, [f"--chart: cannot write {path}: {error}"])
