"""`seasonctl plan`: the whole capacity plan of a season, as a table, JSON or markdown."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from capacity.pool_sizing import Method
from freshfoodz_seasonal.adapters.catalog_files import load_catalog
from freshfoodz_seasonal.adapters.duration_files import load_durations
from freshfoodz_seasonal.cli.clock import clock_on
from freshfoodz_seasonal.cli.exits import EXIT_INVALID, fail, print_json, warn
from freshfoodz_seasonal.cli.old_formula import METHOD_HELP
from freshfoodz_seasonal.cli.options import DateOption, ProjectDirOption, ReportFormat, StackArgument
from freshfoodz_seasonal.cli.plan_view import plan_heading, plan_sections
from freshfoodz_seasonal.cli.provisioning_view import provisioning_sections
from freshfoodz_seasonal.cli.stacks import calendar_findings, late_days, load_stack, plan_loaded
from freshfoodz_seasonal.cli.tables import to_markdown, to_rich
from freshfoodz_seasonal.plan.forecast import forecast
from freshfoodz_seasonal.plan.headroom import SEARCH_LIMIT, headroom
from freshfoodz_seasonal.plan.season_plan import at_multiplier
from freshfoodz_seasonal.plan.summary import forecast_as_dict, headroom_as_dict, plan_as_dict
from freshfoodz_seasonal.provisioning.schedule import provisioning_plan
from freshfoodz_seasonal.provisioning.summary import provisioning_as_dict

# What --multiplier and --scale may ask for: from a tenth of the baseline to as far as headroom searches.
MIN_WHAT_IF = 0.1
MAX_WHAT_IF = SEARCH_LIMIT


def plan(
    stack: StackArgument,
    output_format: Annotated[
        ReportFormat, typer.Option("--format", help="table, json or markdown")
    ] = ReportFormat.TABLE,
    method: Annotated[Method, typer.Option(help=METHOD_HELP)] = Method.MODEL,
    year: Annotated[
        int | None,
        typer.Option(
            min=2000,
            max=2100,
            help="the year the season begins in; default: the running one (or one ended 7 days ago or less), else next",
        ),
    ] = None,
    date: DateOption = None,
    multiplier: Annotated[
        float | None,
        typer.Option(
            min=MIN_WHAT_IF,
            max=MAX_WHAT_IF,
            help="plan at this load multiplier instead of the stack's (what if the forecast is off)",
        ),
    ] = None,
    scale: Annotated[
        float | None,
        typer.Option(min=0.01, max=MAX_WHAT_IF, help="plan at the stack's load multiplier x this, e.g. 1.2"),
    ] = None,
    project_dir: ProjectDirOption = Path("."),
) -> None:
    """The whole capacity plan of a season: pods, HPAs, workers, database, nodes and cost."""
    catalog, today = load_catalog(), clock_on(date).today
    loaded = load_stack(stack, project_dir, catalog)
    declared = loaded.settings.season.load_multiplier
    what_if = _what_if(declared, multiplier, scale)
    if what_if is not None:
        # Said before planning: a what-if the plan cannot carry exits 3, and should say it was one.
        warn(f"{loaded.path}: planned at {what_if:g}x, not the stack's {declared:g}x (a what-if; nothing is changed)")
        loaded = dataclasses.replace(loaded, settings=at_multiplier(loaded.settings, what_if))
    planned = plan_loaded(loaded, catalog, today, year, method)
    result = planned.plan
    for line in calendar_findings(loaded.path, loaded.settings, catalog, today).warnings():
        warn(f"{loaded.path}: {line}")
    provisioning = provisioning_plan(loaded.settings, result, load_durations())
    room = headroom(loaded.settings, catalog, result)
    points = forecast(loaded.settings, catalog, result)
    first_day = result.window.first_day
    late = late_days(loaded.path, loaded.settings, catalog, result.window)
    if output_format is ReportFormat.JSON:
        print_json(
            plan_as_dict(result)
            | {
                "what_if": what_if is not None,
                "declared_load_multiplier": declared,
                "headroom": headroom_as_dict(room),
                "forecast": forecast_as_dict(points),
                "provisioning": provisioning_as_dict(provisioning, first_day, late),
            }
        )
        return
    sections = [*plan_sections(result, room, points), *provisioning_sections(provisioning, first_day, late)]
    if output_format is ReportFormat.MARKDOWN:
        sys.stdout.write(to_markdown(plan_heading(result, declared), sections))
    else:
        Console(highlight=False).print(to_rich(plan_heading(result, declared), sections), crop=False)


def _what_if(stack_multiplier: float, multiplier: float | None, scale: float | None) -> float | None:
    """The multiplier asked for instead of the stack's, if any (the stack's own is none); exit 2 for both
    flags or a scaled multiplier out of range."""
    if multiplier is not None and scale is not None:
        fail(EXIT_INVALID, ["give --multiplier or --scale, not both"])
    if scale is not None:
        multiplier = round(stack_multiplier * scale, 4)
        if not MIN_WHAT_IF <= multiplier <= MAX_WHAT_IF:
            fail(
                EXIT_INVALID,
                [
                    f"--scale {scale:g}: {stack_multiplier:g}x x {scale:g} = {multiplier:g}x; "
                    f"accepted: {MIN_WHAT_IF:g}x to {MAX_WHAT_IF:g}x"
                ],
            )
    return None if multiplier == stack_multiplier else multiplier
