"""`seasonctl track`: load the plan of the tracked day's season, measure the day, judge it, show it."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from freshfoodz_seasonal.adapters.catalog_files import load_catalog
from freshfoodz_seasonal.adapters.prometheus_http import PrometheusUnavailable
from freshfoodz_seasonal.baseline.measure import PrometheusAnswerError
from freshfoodz_seasonal.cli.baseline_command import prometheus_client
from freshfoodz_seasonal.cli.clock import parse_date, read_clock
from freshfoodz_seasonal.cli.exits import (
    EXIT_ACT,
    EXIT_INVALID,
    EXIT_NO_BASELINE,
    EXIT_PROMETHEUS,
    fail,
    print_json,
    warn,
)
from freshfoodz_seasonal.cli.options import ReportFormat
from freshfoodz_seasonal.cli.stacks import load_plan
from freshfoodz_seasonal.cli.tables import to_markdown, to_rich
from freshfoodz_seasonal.cli.track_measure import measure_day
from freshfoodz_seasonal.cli.track_view import track_as_dict, track_heading, track_sections
from freshfoodz_seasonal.track.day import TrackedDay
from freshfoodz_seasonal.track.judge import Verdict, judge_day


@dataclass(frozen=True)
class TrackRequest:
    stack: str
    prometheus_url: str
    date: str | None
    timeout_s: float
    ca_file: Path | None
    insecure: bool
    project_dir: Path
    accept_warnings: bool = False


def run_track(request: TrackRequest, output_format: ReportFormat) -> None:
    now = read_clock()
    yesterday = now.today - dt.timedelta(days=1)
    day = TrackedDay(parse_date(request.date, yesterday))
    if day.date >= now.real_today:
        fail(EXIT_INVALID, [f"--date: {day.date} has not ended yet (Europe/Berlin); accepted: up to {yesterday}"])
    catalog = load_catalog()
    loaded = load_plan(request.stack, request.project_dir, catalog, day.date)
    window = loaded.plan.window
    if not window.first_day <= day.date <= window.last_day:
        warn(
            f"{day.date} is outside the season's window {window.first_day} to {window.last_day}; "
            "judged against the season's plan all the same"
        )
    client = prometheus_client(request.prometheus_url, request.timeout_s, request.ca_file, request.insecure)
    try:
        measured = measure_day(client, loaded.settings, day)
    except (PrometheusUnavailable, PrometheusAnswerError) as error:
        fail(EXIT_PROMETHEUS, [client.shown(str(error))])
    for text in measured.warnings:
        warn(f"Prometheus: {text}")
    judgement = judge_day(
        loaded.settings,
        catalog,
        loaded.plan,
        measured.observed,
        measured.missing,
        measured.hours,
        measured.peak_connections,
    )
    if output_format is ReportFormat.JSON:
        print_json(track_as_dict(loaded.name, day, loaded.plan, judgement))
    else:
        heading = track_heading(loaded.name, day, judgement)
        sections = track_sections(judgement, loaded.plan.load_multiplier)
        if output_format is ReportFormat.MARKDOWN:
            sys.stdout.write(to_markdown(heading, sections))
        else:
            Console(highlight=False).print(to_rich(heading, sections))
    if measured.warnings and not request.accept_warnings:
        # A partial answer under-states the rate: an "ok" may not be one.
        fail(
            EXIT_NO_BASELINE,
            [
                f"Prometheus warned {len(measured.warnings)} time(s) that its answers may be partial, so the verdicts "
                "above may be too mild; check the warnings, or give --accept-warnings to judge on the answers"
            ],
        )
    if judgement.verdict is Verdict.ACT:
        sys.exit(EXIT_ACT)
