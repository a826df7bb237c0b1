"""`seasonctl warroom runbook`: the season's runbook as markdown (for the wiki the rules' runbook_url points
at) or JSON; with `--roster`, the rota too."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shlex
import sys
from pathlib import Path
from typing import Any

from freshfoodz_seasonal.adapters.catalog_files import load_catalog
from freshfoodz_seasonal.adapters.grafana_http import GRAFANA
from freshfoodz_seasonal.adapters.json_http import check_base_url
from freshfoodz_seasonal.adapters.roster_file import load_roster
from freshfoodz_seasonal.cli.clock import read_clock
from freshfoodz_seasonal.cli.exits import EXIT_INFEASIBLE, EXIT_INVALID, fail, print_json
from freshfoodz_seasonal.cli.stacks import load_stack, plan_loaded
from freshfoodz_seasonal.cli.tables import Section, markdown_code, markdown_prose, markdown_sections, markdown_text
from freshfoodz_seasonal.cli.warroom_rota import rota_as_dict, rota_sections, uncovered_lines
from freshfoodz_seasonal.cli.warroom_stack import war_room_of
from freshfoodz_seasonal.config.problems import ConfigError
from freshfoodz_seasonal.seasons.windows import Window, season_year, window_label
from freshfoodz_seasonal.warroom.rota import Rota, make_rota
from freshfoodz_seasonal.warroom.runbook import Runbook, runbook
from freshfoodz_seasonal.warroom.staffing import StaffingError, staffed_shifts


def run_runbook(
    stack: str,
    year: int | None,
    output_format: str,
    roster_path: Path | None,
    grafana_url: str | None,
    project_dir: Path,
) -> None:
    catalog = load_catalog()
    loaded = load_stack(stack, project_dir, catalog)
    war_room = war_room_of(loaded)
    if grafana_url is not None:
        try:
            grafana_url = check_base_url(grafana_url, GRAFANA)
        except ValueError as error:
            fail(EXIT_INVALID, [f"--grafana-url: {error}"])
    roster = None
    if roster_path is not None:
        try:
            roster = load_roster(roster_path)
        except ConfigError as error:
            fail(EXIT_INVALID, [str(problem) for problem in error.problems])
    window = loaded.settings.season.window
    shown_year = year if year is not None else season_year(window.start, window.end, read_clock().today)
    planned = plan_loaded(loaded, catalog, read_clock().today, shown_year)
    try:
        book = runbook(loaded.name, loaded.settings, planned.plan)
        shifts = staffed_shifts(war_room, window.start, window.end, shown_year)[1] if roster else []
    except StaffingError as error:
        fail(EXIT_INVALID, [f"{loaded.name}: {error}"])
    rota = make_rota(shifts, roster, war_room.rota) if roster is not None else None
    if output_format == "json":
        document = _as_dict(book, grafana_url)
        if rota is not None:
            document["rota"] = rota_as_dict(loaded.name, shown_year, war_room, rota)
        print_json(document)
    else:
        sys.stdout.write(runbook_markdown(book, grafana_url, rota, loaded.name))
    if rota is not None and not rota.covered:
        fail(EXIT_INFEASIBLE, uncovered_lines(rota, len(shifts)))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value


def _as_dict(book: Runbook, grafana_url: str | None) -> dict[str, Any]:
    document: dict[str, Any] = _jsonable(dataclasses.asdict(book))
    document["dashboard_url"] = _dashboard_url(book, grafana_url)
    return document


def _dashboard_url(book: Runbook, grafana_url: str | None) -> str | None:
    return None if grafana_url is None else f"{grafana_url.rstrip('/')}/d/{book.dashboard_uid}"


def runbook_markdown(book: Runbook, grafana_url: str | None, rota: Rota | None, stack: str) -> str:
    """The runbook: every text from the stack escaped, each alert a heading of its own (its anchor)."""
    text = markdown_text
    staffed = "round the clock" if book.round_the_clock else f"{book.hours} (Europe/Berlin)"
    url = _dashboard_url(book, grafana_url)
    lines = [
        f"# {text(book.title)}: war room runbook, {window_label(Window(*book.window))}",
        "",
        f"- Season: {book.window[0]} to {book.window[1]}, planned at {book.load_multiplier:g}x the baseline load",
        f"- War room staffed: {book.staffed[0]} to {book.staffed[1]}, {staffed}",
        f"- Dashboard: {text(book.dashboard_title)} (uid {markdown_code(book.dashboard_uid)}, "
        f"folder {text(book.folder)})" + (f": {text(url)}" if url else ""),
        "",
    ]
    sections = [
        Section(
            "Where alerts go",
            ["severity", "contact point", "integrations", "wait", "interval", "repeat"],
            [
                [
                    r.severity,
                    r.contact_point,
                    ", ".join(r.integrations),
                    r.group_wait,
                    r.group_interval,
                    r.repeat_interval,
                ]
                for r in book.routing
            ],
            ["each rule names its contact point itself; the organization's notification policies are not touched"],
        ),
        Section(
            "Escalation ladder",
            ["level", "role", "how to reach", "after (min)"],
            [[str(rung.level), rung.role, rung.reach, str(rung.after_minutes)] for rung in book.ladder],
            ["after: minutes without acknowledgement before this level is called"],
        ),
    ]
    lines += markdown_sections(sections, level=2)
    lines += ["## Levers", ""]
    for lever in book.levers:
        lines += [f"### {lever.name}", "", f"Decides: {text(lever.decides)}", ""]
        lines += [f"- {markdown_prose(item)}" for item in lever.what]
        lines += [f"  - {text(item)}" for item in lever.listed] + [""]
    lines += ["## Alerts", ""]
    for alert in book.alerts:
        lines += [
            f"### {alert.name}",
            "",
            f"{text(alert.summary)}. Severity **{alert.severity}**, to contact point "
            f"{markdown_code(alert.contact_point)}, after {alert.for_duration}.",
            "",
            "First:",
            "",
            *(f"{number}. {markdown_prose(step)}" for number, step in enumerate(alert.first_steps, start=1)),
            "",
            f"Decides the next step: {text(alert.decides)}",
            "",
        ]
    lines += ["## Rota", ""]
    if rota is None:
        command = markdown_code(f"seasonctl warroom rota {shlex.quote(stack)} --roster ROSTER.yaml")
        lines += [f"{command} makes it ({markdown_code('--format ics')} for calendars).", ""]
    else:
        lines += markdown_sections(rota_sections(rota), level=3)
    return "\n".join(lines).rstrip() + "\n"
