"""`seasonctl due`: what the calendar starts on a day, for every stack of the project."""

from __future__ import annotations

import datetime as dt
import shlex
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.text import Text

from capacity.catalog import Catalog
from freshfoodz_seasonal.adapters.catalog_files import load_catalog
from freshfoodz_seasonal.adapters.duration_files import load_durations
from freshfoodz_seasonal.adapters.stack_calendar import project_seasons, stack_season
from freshfoodz_seasonal.cli.clock import clock_on
from freshfoodz_seasonal.cli.exits import print_json
from freshfoodz_seasonal.cli.options import DateOption, ProjectDirOption, TableOrJson
from freshfoodz_seasonal.cli.stacks import all_stacks, plan_or_exit
from freshfoodz_seasonal.cli.tables import Section, to_rich
from freshfoodz_seasonal.provisioning.due import Due, StackSeasonPlan, due_on
from freshfoodz_seasonal.provisioning.schedule import provisioning_plan
from freshfoodz_seasonal.seasons.ownership import PROVISION_LEAD_DAYS, late_start
from freshfoodz_seasonal.seasons.windows import resolve_window


def due(
    date: DateOption = None,
    output_format: Annotated[TableOrJson, typer.Option("--format", help="table or json")] = TableOrJson.TABLE,
    project_dir: ProjectDirOption = Path("."),
) -> None:
    """What is due on a day (default today): provisioning steps on the days the plan dates them, rollback
    on the rollback day. The schedule workflow runs each with --yes."""
    day = clock_on(date).today
    found = due_on(_season_plans(project_dir, load_catalog(), day), day)
    if output_format is TableOrJson.JSON:
        print_json({"date": day.isoformat(), "due": [_due_dict(item) for item in found]})
        return
    console = Console(highlight=False)
    if not found:
        console.print(Text(f"Nothing is due on {day}."))
        return
    rows = [[item.stack, item.action.value, shlex.join(["seasonctl", *item.arguments])] for item in found]
    console.print(
        to_rich(
            f"Due on {day}",
            [
                Section(
                    "Actions",
                    ["stack", "action", "command"],
                    rows,
                    apart=["command"],
                    whole=["command"],
                    key=["stack", "action"],
                )
            ],
        ),
        crop=False,
    )


def _season_plans(project_dir: Path, catalog: Catalog, day: dt.date) -> list[StackSeasonPlan]:
    """Each stack's seasons around `day`, with their provisioning plans and late starts."""
    stacks = all_stacks(project_dir, catalog)
    seasons, _ = project_seasons(project_dir, catalog)
    rows = load_durations()
    plans = []
    for name, settings in stacks:
        this = stack_season(name, settings)
        window_rule = settings.season.window
        for year in (day.year - 1, day.year, day.year + 1):
            window = resolve_window(window_rule.start, window_rule.end, year)
            nominal = window.first_day - dt.timedelta(days=PROVISION_LEAD_DAYS)
            late = late_start(seasons, this, nominal)
            late_days = late.days if late is not None and late.nominal == nominal else 0
            plan = plan_or_exit(settings, catalog, name, year, f"Pulumi.{name}.yaml")
            plans.append(StackSeasonPlan(name, window, provisioning_plan(settings, plan, rows), late_days))
    return plans


def _due_dict(item: Due) -> dict[str, Any]:
    return {
        "stack": item.stack,
        "action": item.action.value,
        "steps": list(item.steps),
        "arguments": item.arguments,
        "command": shlex.join(["seasonctl", *item.arguments]),
    }
