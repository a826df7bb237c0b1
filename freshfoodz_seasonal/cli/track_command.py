"""`seasonctl track`: load the plan of the tracked day's season, measure the day, judge it, show it."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from freshfoodz_seasonal.adapters.catalog_files import load_catalog
from freshfoodz_seasonal.adapters.prometheus_http import PrometheusClient, PrometheusUnavailable
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
    stderr_console,
    warn,
)
from freshfoodz_seasonal.cli.options import ReportFormat
from freshfoodz_seasonal.cli.stacks import PlannedStack, load_plan
from freshfoodz_seasonal.cli.tables import to_markdown, to_rich
from freshfoodz_seasonal.cli.track_measure import SeasonContext, measure_day, measure_season_context
from freshfoodz_seasonal.cli.track_view import (
    review_sections,
    span_as_dict,
    span_heading,
    span_sections,
    track_as_dict,
    track_heading,
    track_sections,
)
from freshfoodz_seasonal.config.model import StackSettings
from freshfoodz_seasonal.counted import counted
from freshfoodz_seasonal.preview.output import OutputRefused, check_target, write_tree
from freshfoodz_seasonal.seasons.ownership import BERLIN
from freshfoodz_seasonal.seasons.windows import resolve_window
from freshfoodz_seasonal.track.day import DAYS_BEFORE, TrackedDay
from freshfoodz_seasonal.track.judge import (
    DayJudgement,
    MeasuredMultiplier,
    SpanJudgement,
    Verdict,
    judge_day,
    judge_span,
    measured_multipliers,
)

# A span of at most a year and a day: a season and the weeks around it, with room to spare.
MAX_SPAN_DAYS = 366
# The season report's folder: marked as its own, so a later run may replace it and no other.
REPORT_MARKER = ".seasonctl-report"
REPORT_WRITER = "seasonctl track --report"
# Days measured at once: Prometheus answers several queries in parallel, the client waits on the network.
PARALLEL_DAYS = 4


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
    first: str | None = None
    last: str | None = None
    season: int | None = None
    report: Path | None = None


def tracked_days(request: TrackRequest, today: dt.date, real_today: dt.date) -> list[TrackedDay]:
    """The day (`--date`, default yesterday) or the span (`--from`, `--to`, both inclusive); exit 2 otherwise."""
    yesterday = today - dt.timedelta(days=1)
    if request.first is None and request.last is None:
        first = last = parse_date(request.date, yesterday)
    elif request.date is not None:
        fail(EXIT_INVALID, ["give --date, or --from and --to, not both"])
    elif request.first is None or request.last is None:
        fail(EXIT_INVALID, ["--from and --to go together: the span's first and last day"])
    else:
        first, last = parse_date(request.first, yesterday), parse_date(request.last, yesterday)
        if last < first:
            fail(EXIT_INVALID, [f"--to {last} comes before --from {first}"])
        if (last - first).days + 1 > MAX_SPAN_DAYS:
            fail(EXIT_INVALID, [f"--from {first} --to {last}: at most {MAX_SPAN_DAYS} days at once"])
    if last >= real_today:
        flag = "--date" if request.first is None else "--to"
        fail(
            EXIT_INVALID,
            [f"{flag}: {last} has not ended yet (Europe/Berlin); accepted: up to {real_today - dt.timedelta(days=1)}"],
        )
    return [TrackedDay(first + dt.timedelta(days=offset)) for offset in range((last - first).days + 1)]


def season_days(request: TrackRequest, settings: StackSettings, year: int, real_today: dt.date) -> list[TrackedDay]:
    """The days of the stack's season in `year` that have ended; exit 2 if it has not begun or with another day
    flag."""
    if request.date is not None or request.first is not None or request.last is not None:
        fail(EXIT_INVALID, ["give --season, or --date, or --from and --to: one of them"])
    window = resolve_window(settings.season.window.start, settings.season.window.end, year)
    last = min(window.last_day, real_today - dt.timedelta(days=1))
    if last < window.first_day:
        fail(EXIT_INVALID, [f"--season {year}: the season begins on {window.first_day}; no day of it has ended"])
    if last < window.last_day:
        warn(f"--season {year}: the season runs until {window.last_day}; tracked up to {last}")
    return [TrackedDay(window.first_day + dt.timedelta(days=n)) for n in range((last - window.first_day).days + 1)]


def run_track(request: TrackRequest, output_format: ReportFormat) -> None:
    now = read_clock()
    catalog = load_catalog()
    if request.season is None:
        days = tracked_days(request, now.today, now.real_today)
        loaded = load_plan(request.stack, request.project_dir, catalog, days[0].date)
    else:
        loaded = load_plan(request.stack, request.project_dir, catalog, now.today, request.season)
        days = season_days(request, loaded.settings, request.season, now.real_today)
    if request.report is not None:
        # The folder first: a refusal after the days were measured would print them and exit 2, not 7.
        try:
            check_target(request.report, REPORT_MARKER, REPORT_WRITER)
        except OutputRefused as error:
            fail(EXIT_INVALID, [f"--report: {error}; nothing measured"])
    window = loaded.plan.window
    outside = [day.date for day in days if not window.first_day <= day.date <= window.last_day]
    if outside:
        warn(
            f"{counted(len(outside), 'day')} from {outside[0]} {'is' if len(outside) == 1 else 'are'} outside the "
            f"season's window {window.first_day} to "
            f"{window.last_day}; judged against the season's plan all the same"
        )
    client = prometheus_client(request.prometheus_url, request.timeout_s, request.ca_file, request.insecure)
    try:
        context = _season_context(request, client, loaded, days)
        with ThreadPoolExecutor(max_workers=PARALLEL_DAYS) as pool:
            measured = list(pool.map(lambda day: measure_day(client, loaded.settings, day), days))
    except (PrometheusUnavailable, PrometheusAnswerError) as error:
        fail(EXIT_PROMETHEUS, [client.shown(str(error))])
    warnings = [*(context.warnings if context else ()), *(text for one in measured for text in one.warnings)]
    for text in dict.fromkeys(warnings):
        warn(f"Prometheus: {text}")
    judged = [
        (
            one.day,
            judge_day(
                loaded.settings,
                catalog,
                loaded.plan,
                one.observed,
                one.missing,
                one.hours,
                one.peak_connections,
                one.peak_db_cpu,
            ),
        )
        for one in measured
    ]
    days_before = None if context is None else context.days_before_peaks
    span = None
    if len(judged) > 1 or days_before is not None or request.report is not None:
        # Once: the span's proposals replan the season several times.
        span = judge_span(loaded.settings, catalog, loaded.plan, [(day.date, judgement) for day, judgement in judged])
    verdict = _show(loaded, judged, span, output_format, days_before)
    if request.report is not None and span is not None:
        _write_report(request.report, loaded, span, days_before, now.today)
    # An act pages whatever else is missing: a busiest hour may act on a day whose peak was not measured,
    # and a partial answer only lowers the rates it saw.
    if verdict is Verdict.ACT:
        sys.exit(EXIT_ACT)
    if not any(one.observed for one in measured):
        fail(
            EXIT_NO_BASELINE,
            [
                f"no route was measured on {days[0].date}"
                + (f" to {days[-1].date}" if len(days) > 1 else "")
                + ": check the URL, the stack's metrics names and matchers, and that Prometheus holds those days"
            ],
        )
    if warnings and not request.accept_warnings:
        # A partial answer under-states the rate: an "ok" may not be one.
        fail(
            EXIT_NO_BASELINE,
            [
                f"Prometheus warned {counted(len(warnings), 'time')} that its answers may be partial, so the verdicts "
                "above may be too mild; check the warnings, or give --accept-warnings to judge on the answers"
            ],
        )


def _season_context(
    request: TrackRequest, client: PrometheusClient, loaded: PlannedStack, days: list[TrackedDay]
) -> SeasonContext | None:
    """The days before the season, for the measured multiplier: with --season, or a span (--from, --to) that
    reaches into the season. --season exits 5 when Prometheus's retention does not reach back to them; a
    span goes on without the multiplier, saying why."""
    window = loaded.plan.window
    if request.season is None and (len(days) == 1 or days[-1].date < window.first_day):
        return None
    if days[0].date > window.last_day:
        return None
    first = TrackedDay(window.first_day)
    context = measure_season_context(client, loaded.settings, first, days[-1])
    if context.holds_days_before:
        return context
    held = (
        "none of this job's requests"
        if context.earliest_s is None
        else f"this job's requests from {dt.datetime.fromtimestamp(context.earliest_s, BERLIN):%Y-%m-%d %H:%M} on"
    )
    needed = f"{dt.datetime.fromtimestamp(context.needed_from_s, BERLIN):%Y-%m-%d}"
    if request.season is None:
        warn(
            f"Prometheus holds {held}: the {DAYS_BEFORE} days before the season (from {needed}) are not all held, "
            "so the measured multiplier is left out"
        )
        return None
    fail(
        EXIT_NO_BASELINE,
        [
            f"Prometheus holds {held}, but the season (from {first.date}) and the {DAYS_BEFORE} days before it, "
            f"its measured multiplier's baseline, begin on {needed}: its retention does not reach back; "
            "track the days it holds with --from and --to"
        ],
    )


def _write_report(
    folder: Path,
    loaded: PlannedStack,
    span: SpanJudgement,
    days_before: Mapping[str, float] | None,
    today: dt.date,
) -> None:
    """The season review's markdown and charts, all at once into `folder`; exit 2 if it cannot be written."""
    # Imported here: matplotlib is slow to import and only the report draws.
    from freshfoodz_seasonal.cli.track_report import report_files  # noqa: PLC0415

    multipliers = _multipliers(loaded, span, days_before)
    sections = [*span_sections(span, loaded.plan.load_multiplier, multipliers), *review_sections(span)]
    files = report_files(loaded.name, span, sections, span_heading(loaded.name, span), today)
    try:
        write_tree(folder, files, REPORT_MARKER, REPORT_WRITER)
    except (OutputRefused, OSError) as error:
        fail(EXIT_INVALID, [f"--report: {error}; nothing written"])
    stderr_console().print(f"the season report is in {folder}: report.md and {len(files) - 1} charts", markup=False)


def _show(
    loaded: PlannedStack,
    judged: list[tuple[TrackedDay, DayJudgement]],
    span: SpanJudgement | None,
    output_format: ReportFormat,
    days_before: Mapping[str, float] | None = None,
) -> Verdict:
    """Prints the day, or the span (a season's always), in the format asked; returns the worst verdict."""
    if len(judged) == 1 and days_before is None:
        ((day, judgement),) = judged
        if output_format is ReportFormat.JSON:
            print_json(track_as_dict(loaded.name, day, loaded.plan, judgement))
            return judgement.verdict
        heading, sections = (
            track_heading(loaded.name, day, judgement),
            track_sections(judgement, loaded.plan.load_multiplier),
        )
        verdict = judgement.verdict
    else:
        assert span is not None, "a span or a season is judged as one"
        multipliers = _multipliers(loaded, span, days_before)
        if output_format is ReportFormat.JSON:
            print_json(span_as_dict(loaded.name, loaded.plan, span, multipliers))
            return span.verdict
        heading = span_heading(loaded.name, span)
        sections = span_sections(span, loaded.plan.load_multiplier, multipliers)
        verdict = span.verdict
    if output_format is ReportFormat.MARKDOWN:
        sys.stdout.write(to_markdown(heading, sections))
    else:
        Console(highlight=False).print(to_rich(heading, sections), crop=False)
    return verdict


def _multipliers(
    loaded: PlannedStack, span: SpanJudgement, days_before: Mapping[str, float] | None
) -> list[MeasuredMultiplier] | None:
    window = loaded.plan.window
    return None if days_before is None else measured_multipliers(span, days_before, window.first_day, window.last_day)
