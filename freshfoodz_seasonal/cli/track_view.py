"""What `seasonctl track` shows: the day against the plan, line by line, with the verdicts and the proposal."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable
from typing import Any

from freshfoodz_seasonal.cli.tables import Section
from freshfoodz_seasonal.counted import counted
from freshfoodz_seasonal.plan.season_plan import SeasonPlan
from freshfoodz_seasonal.seasons.ownership import BERLIN
from freshfoodz_seasonal.track.day import DAYS_BEFORE, TrackedDay
from freshfoodz_seasonal.track.judge import (
    DatabaseLine,
    DayJudgement,
    Kpi,
    MeasuredMultiplier,
    Proposal,
    RouteLine,
    ServiceLine,
    SpanJudgement,
    Verdict,
)
from freshfoodz_seasonal.track.peak_hour import MODEL_TOLERANCE, RouteAtPeakHour


def track_heading(stack: str, day: TrackedDay, judgement: DayJudgement) -> str:
    return f"{stack}, {day.date} (Europe/Berlin): {judgement.verdict.value}"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def _route_row(line: RouteLine) -> list[str]:
    seen = line.observed
    multiplier = line.observed_multiplier
    return [
        line.route,
        f"{line.planned_peak_rps:.4g}",
        "-" if seen is None else f"{seen.peak_rps:.4g}",
        "-" if multiplier is None else f"{multiplier:.2f}x",
        _p95_cell(line),
        _ms(line.p95_slo_s),
        _model_cell(line),
        line.verdict.value,
    ]


def _p95_cell(line: RouteLine) -> str:
    seen = line.observed
    if seen is None or seen.p95_s is None:
        return "-"
    return f">{_ms(seen.p95_s)}" if seen.p95_beyond_buckets else _ms(seen.p95_s)


def _model_cell(line: RouteLine) -> str:
    """The model's error; `~` where the prediction lies within the histogram's bucket (noise, not error)."""
    hour = line.at_peak_hour
    error = None if hour is None else hour.model_error
    if hour is None or error is None:
        return "-"
    if hour.beyond_buckets:
        return f">{error:+.0%}"
    return f"~{error:+.0%}" if hour.within_resolution else f"{error:+.0%}"


def _service_row(line: ServiceLine) -> list[str]:
    hour = line.hour
    return [
        line.service,
        str(line.planned_pods),
        str(line.hpa_max),
        "-" if line.needed_pods is None else str(line.needed_pods),
        "-" if hour is None or hour.pods is None else f"{hour.pods:.1f}",
        "-" if hour is None or hour.hours_at_max is None else f"{hour.hours_at_max:.1f}",
        line.verdict.value,
    ]


def _kpi_row(kpi: Kpi) -> list[str]:
    return [kpi.name, _kpi_value(kpi), kpi.target, kpi.verdict.value]


def _kpi_value(kpi: Kpi) -> str:
    if kpi.observed is None:
        return "-"
    return f"{kpi.observed * 1000:.0f} ms" if kpi.unit == "seconds" else f"{kpi.observed:.2%}"


def track_sections(judgement: DayJudgement, multiplier: float) -> list[Section]:
    # The KPIs have their own table with their targets; the rest say why here.
    kpis = {kpi.name for kpi in judgement.kpis}
    reasons = [
        f"{name}: {reason}"
        for name, verdict, reason in judgement.lines
        if verdict is not Verdict.OK and name not in kpis
    ]
    sections = [
        Section(
            "Routes: the day's peak against the plan",
            ["route", "plan/s", "peak/s", "x base", "p95", "SLO", "model", ""],
            [_route_row(line) for line in judgement.routes],
            [
                "plan/s, peak/s: requests per second; peak: the 99th percentile of the 5-minute rate over the day",
                "p95, SLO: ms; p95 over the day, from the histogram",
                f"x base: the peak over the stack's baselineRps; the season plans {multiplier:g}x",
                "model: the busiest hour's observed p95 against the model's at that hour's load and pods; ~: the "
                "prediction lies within the histogram's bucket (the error is the bucket's, not the model's)",
                ">: the p95 lies beyond the largest bucket: it, or the model's error, is at least this",
            ],
            numbers=["plan/s", "peak/s", "x base", "p95", "SLO", "model"],
        ),
        Section(
            "Services: the pods the observed peak needed",
            ["service", "plan pods", "HPA max", "needed", "ran", "h at max", ""],
            [_service_row(line) for line in judgement.services],
            [
                "needed: the model's pods at the routes' observed peaks (plan pods = the HPA's minimum)",
                "ran: the HPA's replicas in the service's busiest hour; h at max: hours at the HPA's max that day",
            ],
            numbers=["plan pods", "HPA max", "needed", "ran", "h at max"],
        ),
        _database_section(judgement.database),
        Section(
            "Business KPIs",
            ["KPI", "observed", "target", ""],
            [_kpi_row(kpi) for kpi in judgement.kpis],
            numbers=["observed"],
        ),
    ]
    if reasons:
        sections.append(Section("Why", ["line"], [[reason] for reason in reasons]))
    return [
        *sections,
        *_proposal_rows(judgement.proposal),
        *_proposal_rows(judgement.database_proposal, DATABASE_CHANGE),
    ]


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{share:.0%}"


def _database_section(line: DatabaseLine) -> Section:
    return Section(
        "Database",
        ["class", "usable", "planned", "peak", "CPU", "model", "target", ""],
        [
            [
                line.planned_class,
                str(line.usable_connections),
                str(line.planned_connections),
                "-" if line.peak_connections is None else f"{line.peak_connections:.0f}",
                _percent(line.peak_cpu),
                _percent(line.predicted_cpu),
                f"{line.cpu_target:.0%}",
                line.verdict.value,
            ]
        ],
        [
            "usable, planned, peak: connections the planned class accepts, the plan's at the peak, the day's most "
            "at once",
            "CPU: the primary's highest that day (metrics.dbCpuPercent; - where not measured); model: the plan's "
            "CPU at the day's observed load; target: the season's database target",
        ],
        numbers=["usable", "planned", "peak", "CPU", "model", "target"],
    )


DATABASE_CHANGE = "Proposed change for the database (not applied)"


def _proposal_rows(proposal: Proposal | None, title: str = "Proposed change (not applied)") -> list[Section]:
    if proposal is None:
        return []
    change = f"{proposal.key} {proposal.old:g} -> {proposal.new:g}"
    if proposal.blocked:
        return [
            Section(
                "No change covers it yet",
                ["what stands in the way"],
                [
                    [f"{change} would cover the load, but its plan is infeasible: {problem}"]
                    for problem in proposal.blocked
                ],
                ["raise what it names first (a cap, a node limit), then track again"],
            )
        ]
    return [
        Section(
            title,
            ["change"],
            [[change], *([effect] for effect in proposal.effects)],
            ["edit the stack file, then `seasonctl plan` and `seasonctl diff` show what it does"],
        )
    ]


def _proposal_dict(proposal: Proposal | None) -> dict[str, Any] | None:
    if proposal is None:
        return None
    return {
        "key": proposal.key,
        "old": proposal.old,
        "new": proposal.new,
        "effects": list(proposal.effects),
        "blocked_by": list(proposal.blocked) or None,
    }


def span_heading(stack: str, span: SpanJudgement) -> str:
    first, last = span.days[0][0], span.days[-1][0]
    days = counted(len(span.days), "day")
    return f"{stack}, {first} to {last} (Europe/Berlin, {days}): {span.verdict.value}"


def _day_row(date: dt.date, day: DayJudgement) -> list[str]:
    acts = [name for name, verdict, _ in day.lines if verdict is Verdict.ACT]
    watched = sum(verdict is Verdict.WATCH for _, verdict, _ in day.lines)
    multipliers = [m for line in day.routes if (m := line.observed_multiplier) is not None]
    return [
        date.isoformat(),
        "-" if not multipliers else f"{max(multipliers):.2f}x",
        str(watched),
        ", ".join(acts) or "-",
        day.verdict.value,
    ]


def _multiplier_section(multipliers: list[MeasuredMultiplier], planned: float) -> Section:
    def cell(value: float | None, text: str) -> str:
        return "-" if value is None else text

    return Section(
        "Multiplier measured: the season's peak over the days before it",
        ["route", f"{DAYS_BEFORE} days before/s", "season/s", "x", "planned x"],
        [
            [
                one.route,
                cell(one.days_before_peak, f"{one.days_before_peak or 0:.4g}"),
                cell(one.season_peak, f"{one.season_peak or 0:.4g}"),
                cell(one.multiplier, f"{one.multiplier or 0:.2f}x"),
                f"{planned:g}x",
            ]
            for one in multipliers
        ],
        [
            f"peaks: the 99th percentile of the 5-minute rate; before: the {DAYS_BEFORE} days before the season's "
            "first day (seasonctl baseline's window); season: its busiest day's",
            "check the season's multiplier against what it really was before trusting it for the next",
        ],
    )


def span_sections(
    span: SpanJudgement, multiplier: float, multipliers: list[MeasuredMultiplier] | None = None
) -> list[Section]:
    """A line per day and the one change that covers the span; `seasonctl track --date D` shows a day whole."""
    measured = [] if multipliers is None else [_multiplier_section(multipliers, multiplier)]
    return [
        *measured,
        Section(
            "Days",
            ["day", "max x", "watch", "act", ""],
            [_day_row(date, day) for date, day in span.days],
            [
                f"max x: the highest peak over its baselineRps of any route that day; the season plans {multiplier:g}x",
                "watch, act: the lines (routes, services, database, KPIs) with that verdict; track --date DAY: the day",
            ],
        ),
        _services_section(span),
        *_proposal_rows(span.proposal),
        *_proposal_rows(span.database_proposal, DATABASE_CHANGE),
        *_proposal_rows(span.needed_less, "The span needed less (not applied)"),
    ]


def _services_section(span: SpanJudgement) -> Section:
    """Per service, the day that needed the most pods against the plan and the HPA's bounds."""
    rows = []
    for index, first in enumerate(span.days[0][1].services):
        lines = [(date, day.services[index]) for date, day in span.days]
        needed = [(line.needed_pods, date) for date, line in lines if line.needed_pods is not None]
        most, on = max(needed, key=lambda pair: (pair[0], pair[1])) if needed else (None, None)
        at_max = [line.hour.hours_at_max for _, line in lines if line.hour and line.hour.hours_at_max is not None]
        rows.append(
            [
                first.service,
                str(first.planned_pods),
                str(first.hpa_max),
                "-" if most is None else str(most),
                "-" if on is None else on.isoformat(),
                "-" if not at_max else f"{sum(at_max):.1f}",
            ]
        )
    return Section(
        "Services: the most pods any day needed",
        ["service", "plan pods", "HPA max", "most needed", "on", "h at max"],
        rows,
        ["most needed: the model's pods at that day's observed peaks; h at max: summed over the days"],
    )


def _model_row(route: str, hours: list[RouteAtPeakHour]) -> list[str]:
    measured = [(hour, hour.model_error) for hour in hours if hour.model_error is not None and not hour.beyond_buckets]
    if not measured:
        return [route, "0", "-", "-", "-", "-"]
    errors = [error for _, error in measured]
    held = sum(abs(error) <= MODEL_TOLERANCE for error in errors)
    # Beyond 10 % but inside the bucket: the histogram cannot tell, which is neither a pass nor a fail.
    unresolved = sum(abs(error) > MODEL_TOLERANCE and hour.within_resolution for hour, error in measured)
    return [
        route,
        str(len(errors)),
        str(held),
        str(unresolved),
        f"{statistics.median(errors):+.0%}",
        f"{max(errors, key=abs):+.0%}",
    ]


def review_sections(span: SpanJudgement) -> list[Section]:
    """What the season review adds to the span: the model's error over the days (the original plan's +-10 %),
    the KPIs and the database day by day, and why each act day acted."""
    routes = [line.route for line in span.days[0][1].routes]
    hours: dict[str, list[RouteAtPeakHour]] = {route: [] for route in routes}
    for _, day in span.days:
        for line in day.routes:
            if line.at_peak_hour is not None:
                hours[line.route].append(line.at_peak_hour)
    kpi_rows = []
    for date, day in span.days:
        kpis = {kpi.name: kpi for kpi in day.kpis}
        errors, sample = kpis["error rate"].observed, kpis["sample success"].observed
        peak = day.database.peak_connections
        kpi_rows.append(
            [
                date.isoformat(),
                "-" if errors is None else f"{errors:.2%}",
                "-" if sample is None else f"{sample:.1%}",
                "-" if peak is None else f"{peak:.0f} of {day.database.usable_connections}",
                _percent(day.database.peak_cpu),
            ]
        )
    acted: dict[str, list[tuple[dt.date, str]]] = {}
    for date, day in span.days:
        for name, verdict, reason in day.lines:
            if verdict is Verdict.ACT:
                acted.setdefault(name, []).append((date, reason))
    why = [
        [name, str(len(days)), _dates(date for date, _ in days), f"{days[-1][0]}: {days[-1][1]}"]
        for name, days in acted.items()
    ]
    sections = [
        Section(
            "The model against production, busiest hour of each day",
            ["route", "days", "within 10%", "bucket", "median", "worst"],
            [_model_row(route, hours[route]) for route in routes],
            [
                "the observed p95 against the model's at the hour's load and pods; within 10%: the days the error "
                "was at most 10 %; bucket: the days it was more but the prediction lay within the histogram's "
                "bucket, which cannot tell the two apart (finer buckets would); a p95 beyond the largest bucket is "
                "left out (only a lower bound)"
            ],
        ),
        Section(
            "KPIs and the database, day by day",
            ["day", "errors", "sample success", "connections", "DB CPU"],
            kpi_rows,
            ["connections: the most at once, of the planned class's usable; DB CPU: the primary's highest"],
            numbers=["errors", "sample success", "connections", "DB CPU"],
        ),
    ]
    if why:
        sections.append(
            Section(
                "The lines that acted",
                ["line", "days", "which", "the last of them"],
                why,
                ["track --date DAY shows any of those days whole"],
            )
        )
    return sections


def span_as_dict(
    stack: str, plan: SeasonPlan, span: SpanJudgement, multipliers: list[MeasuredMultiplier] | None = None
) -> dict[str, Any]:
    measured = (
        {}
        if multipliers is None
        else {
            "measured_multipliers": [
                {
                    "route": one.route,
                    "days_before_peak_rps": None if one.days_before_peak is None else round(one.days_before_peak, 4),
                    "season_peak_rps": None if one.season_peak is None else round(one.season_peak, 4),
                    "multiplier": None if one.multiplier is None else round(one.multiplier, 4),
                }
                for one in multipliers
            ]
        }
    )
    return measured | {
        "stack": stack,
        "from": span.days[0][0].isoformat(),
        "to": span.days[-1][0].isoformat(),
        "verdict": span.verdict.value,
        "days": [track_as_dict(stack, TrackedDay(date), plan, day) for date, day in span.days],
        "proposal": _proposal_dict(span.proposal),
        "database_proposal": _proposal_dict(span.database_proposal),
        "needed_less": _proposal_dict(span.needed_less),
    }


def track_as_dict(stack: str, day: TrackedDay, plan: SeasonPlan, judgement: DayJudgement) -> dict[str, Any]:
    proposal = judgement.proposal
    return {
        "stack": stack,
        "date": day.date.isoformat(),
        "season": {
            "first_day": plan.window.first_day.isoformat(),
            "last_day": plan.window.last_day.isoformat(),
            "load_multiplier": plan.load_multiplier,
        },
        "verdict": judgement.verdict.value,
        "routes": [
            {
                "route": line.route,
                "service": line.service,
                "planned_peak_rps": round(line.planned_peak_rps, 4),
                "observed_peak_rps": None if line.observed is None else round(line.observed.peak_rps, 4),
                "observed_multiplier": None if line.observed_multiplier is None else round(line.observed_multiplier, 4),
                "p95_ms": None
                if line.observed is None or line.observed.p95_s is None
                else round(line.observed.p95_s * 1000, 1),
                "p95_beyond_buckets": None if line.observed is None else line.observed.p95_beyond_buckets,
                "p95_slo_ms": round(line.p95_slo_s * 1000, 1),
                "error_rate": None if line.observed is None else round(line.observed.error_rate, 6),
                "busiest_hour": _hour_dict(line.at_peak_hour),
                "verdict": line.verdict.value,
                "reason": line.reason,
            }
            for line in judgement.routes
        ],
        "services": [
            {
                "service": line.service,
                "planned_pods": line.planned_pods,
                "hpa_max": line.hpa_max,
                "needed_pods": line.needed_pods,
                "planned_rps": round(line.planned_rps, 4),
                "observed_rps": None if line.observed_rps is None else round(line.observed_rps, 4),
                "measured_rps": None if line.measured_rps is None else round(line.measured_rps, 4),
                "unmeasured_routes": line.unmeasured_routes,
                "baseline_rps": round(line.baseline_rps, 4),
                "busiest_hour_end": None
                if line.hour is None
                else dt.datetime.fromtimestamp(line.hour.end_s, BERLIN).isoformat(),
                "pods_ran": None if line.hour is None or line.hour.pods is None else round(line.hour.pods, 3),
                "hours_at_max": None
                if line.hour is None or line.hour.hours_at_max is None
                else round(line.hour.hours_at_max, 3),
                "verdict": line.verdict.value,
                "reason": line.reason,
            }
            for line in judgement.services
        ],
        "database": {
            "class": judgement.database.planned_class,
            "usable_connections": judgement.database.usable_connections,
            "planned_connections": judgement.database.planned_connections,
            "peak_connections": judgement.database.peak_connections,
            "peak_cpu": None if judgement.database.peak_cpu is None else round(judgement.database.peak_cpu, 4),
            "predicted_cpu": None
            if judgement.database.predicted_cpu is None
            else round(judgement.database.predicted_cpu, 4),
            "cpu_target": judgement.database.cpu_target,
            "verdict": judgement.database.verdict.value,
            "reason": judgement.database.reason,
        },
        "kpis": [
            {
                "kpi": kpi.name,
                "observed": None if kpi.observed is None else round(kpi.observed, 6),
                "threshold": kpi.threshold,
                "unit": kpi.unit,
                "verdict": kpi.verdict.value,
            }
            for kpi in judgement.kpis
        ],
        "proposal": _proposal_dict(proposal),
        "database_proposal": _proposal_dict(judgement.database_proposal),
    }


def _hour_dict(hour: RouteAtPeakHour | None) -> dict[str, Any] | None:
    if hour is None:
        return None
    return {
        "rps": round(hour.rps, 4),
        "observed_p95_ms": None if hour.observed_p95_s is None else round(hour.observed_p95_s * 1000, 1),
        "predicted_p95_ms": None if hour.predicted_p95_s is None else round(hour.predicted_p95_s * 1000, 1),
        "model_error": None if hour.model_error is None else round(hour.model_error, 4),
        "within_resolution": hour.within_resolution,
        "beyond_buckets": hour.beyond_buckets,
    }


def _dates(dates: Iterable[dt.date]) -> str:
    """Days as runs of consecutive days: `2026-12-20..2026-12-22, 2026-12-24`."""
    runs: list[list[dt.date]] = []
    for date in dates:
        if runs and (date - runs[-1][-1]).days == 1:
            runs[-1].append(date)
        else:
            runs.append([date])
    return ", ".join(f"{run[0]}..{run[-1]}" if len(run) > 1 else f"{run[0]}" for run in runs)
