"""`seasonctl playbook`: the season's T-milestone steps, dated and judged on a day."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from freshfoodz_seasonal.adapters.catalog_files import load_catalog
from freshfoodz_seasonal.adapters.duration_files import load_durations
from freshfoodz_seasonal.adapters.playbook_files import load_done_ids, load_playbooks
from freshfoodz_seasonal.cli.clock import parse_date, read_clock
from freshfoodz_seasonal.cli.exits import EXIT_INVALID, fail, print_json, warn
from freshfoodz_seasonal.cli.options import ProjectDirOption, ReportFormat, StackArgument
from freshfoodz_seasonal.cli.playbook_view import PlaybookView
from freshfoodz_seasonal.cli.stacks import load_stack, plan_loaded, season_findings
from freshfoodz_seasonal.cli.tables import to_markdown, to_rich
from freshfoodz_seasonal.config.problems import ConfigError
from freshfoodz_seasonal.playbooks.provisioning import with_provisioning_days
from freshfoodz_seasonal.playbooks.schedule import configured_keys, dated_playbook, playbook_year, step_values
from freshfoodz_seasonal.provisioning.schedule import provisioning_plan
from freshfoodz_seasonal.seasons.windows import resolve_window

# Step ids a done file may still list from an earlier release: steps once keyed on a season's or a service's
# name are now every stack's that configures what they speak of (a priority lane, workers, the war room's days).
RENAMED_STEP_IDS = {
    "t14-event-catering-priority": "t14-priority-lane",
    "t0-samples-within-2h": "t0-queue-slas",
    "t0-war-room-24-7": "t0-war-room-staffed",
}


def playbook(
    stack: StackArgument,
    date: Annotated[str | None, typer.Option(help="the day to judge the steps on, YYYY-MM-DD; default today")] = None,
    done_file: Annotated[
        Path | None, typer.Option(help="a YAML list of the ids of steps already done", dir_okay=False)
    ] = None,
    output_format: Annotated[
        ReportFormat, typer.Option("--format", help="table, json or markdown")
    ] = ReportFormat.TABLE,
    project_dir: ProjectDirOption = Path("."),
) -> None:
    """The season's T-milestone playbook: every step with its date and its state, most urgent first."""
    today = parse_date(date, read_clock().today)
    catalog = load_catalog()
    loaded = load_stack(stack, project_dir, catalog)
    try:
        done = load_done_ids(done_file) if done_file is not None else frozenset()
    except ConfigError as error:
        fail(EXIT_INVALID, [str(p) for p in error.problems])
    season = loaded.settings.season
    steps = load_playbooks().steps_of(season.name, configured_keys(loaded.settings))
    # An earlier id is taken as its step's id now only where this stack has that step: otherwise the file's
    # own id is refused below, not one it does not hold.
    renamed = {old: new for old, new in RENAMED_STEP_IDS.items() if old in done and new in {s.id for s in steps}}
    for old_id, new_id in sorted(renamed.items()):
        warn(f"{done_file}: step {old_id} is now {new_id}; taken as that (rename it in the file)")
    done = frozenset(renamed.get(step_id, step_id) for step_id in done)
    year = playbook_year(season.window.start, season.window.end, steps, today)
    window = resolve_window(season.window.start, season.window.end, year)
    values = step_values(loaded.name, loaded.settings, year)
    # The calendar of the season shown (its span, judged on its T-14), not of whatever runs today.
    findings = season_findings(loaded.path, loaded.settings, catalog, window)
    for line in findings.warnings():
        warn(f"{loaded.path}: {line}")
    late = findings.late
    provision_from = late.first_day if late is not None else None
    dated = dated_playbook(steps, window, today, done, values, provision_from)
    plan = plan_loaded(loaded, catalog, today, year).plan
    provisioning = provisioning_plan(loaded.settings, plan, load_durations())
    late_days = late.days if late is not None else 0
    dated = with_provisioning_days(dated, provisioning, window.first_day, loaded.name, today, done, late_days)
    # Checked against the steps with the provisioning plan's own (a step of each earlier provisioning day).
    unknown = sorted(done - {step.id for step in dated})
    if unknown:
        fail(EXIT_INVALID, [f"{done_file}: no such step: {', '.join(unknown)}; accepted: the ids `playbook` lists"])
    view = PlaybookView(loaded.name, season, window, today, dated)
    if output_format is ReportFormat.JSON:
        print_json(view.as_dict())
    elif output_format is ReportFormat.MARKDOWN:
        sys.stdout.write(to_markdown(view.heading(), view.sections()))
    else:
        Console(highlight=False).print(to_rich(view.heading(), view.sections()), crop=False)
