"""`seasonctl plan`: the whole capacity plan of a season, as a table, JSON or markdown."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from capacity.pool_sizing import Method
from freshfoodz_seasonal.adapters.catalog_files import load_catalog
from freshfoodz_seasonal.adapters.duration_files import load_durations
from freshfoodz_seasonal.cli.clock import clock_on
from freshfoodz_seasonal.cli.exits import print_json, warn
from freshfoodz_seasonal.cli.options import DateOption, ProjectDirOption, ReportFormat, StackArgument
from freshfoodz_seasonal.cli.plan_view import plan_heading, plan_sections
from freshfoodz_seasonal.cli.provisioning_view import provisioning_sections
from freshfoodz_seasonal.cli.stacks import calendar_findings, load_plan
from freshfoodz_seasonal.cli.tables import to_markdown, to_rich
from freshfoodz_seasonal.plan.summary import plan_as_dict
from freshfoodz_seasonal.provisioning.schedule import provisioning_plan
from freshfoodz_seasonal.provisioning.summary import provisioning_as_dict


def plan(
    stack: StackArgument,
    output_format: Annotated[
        ReportFormat, typer.Option("--format", help="table, json or markdown")
    ] = ReportFormat.TABLE,
    method: Annotated[
        Method, typer.Option(help="model (queueing) or seed (the original plan's formula)")
    ] = Method.MODEL,
    year: Annotated[
        int | None,
        typer.Option(
            min=2000,
            max=2100,
            help="the year the season begins in; default: the running one (or one ended 7 days ago or less), else next",
        ),
    ] = None,
    date: DateOption = None,
    project_dir: ProjectDirOption = Path("."),
) -> None:
    """The whole capacity plan of a season: pods, HPAs, workers, database, nodes and cost."""
    catalog, today = load_catalog(), clock_on(date).today
    loaded = load_plan(stack, project_dir, catalog, today, year, method)
    result = loaded.plan
    for line in calendar_findings(loaded.path, loaded.settings, catalog, today).warnings():
        warn(f"{loaded.path}: {line}")
    provisioning = provisioning_plan(loaded.settings, result, load_durations())
    first_day = result.window.first_day
    if output_format is ReportFormat.JSON:
        print_json(plan_as_dict(result) | {"provisioning": provisioning_as_dict(provisioning, first_day)})
        return
    sections = [*plan_sections(result), *provisioning_sections(provisioning, first_day)]
    if output_format is ReportFormat.MARKDOWN:
        sys.stdout.write(to_markdown(plan_heading(result), sections))
    else:
        Console(highlight=False).print(to_rich(plan_heading(result), sections), crop=False)
