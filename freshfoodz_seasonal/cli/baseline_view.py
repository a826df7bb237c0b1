"""How `seasonctl baseline` shows what it measured, the queries it ran, and what it wrote."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from freshfoodz_seasonal.baseline.cpu_fit import MAX_HALF_SLOPE_DIFFERENCE, MIN_R_SQUARED
from freshfoodz_seasonal.baseline.cpu_measure import CpuBaseline, WorkloadCpu
from freshfoodz_seasonal.baseline.measure import NamedRoute
from freshfoodz_seasonal.baseline.profile import HourlyProfile
from freshfoodz_seasonal.baseline.queries import PEAK_QUANTILE
from freshfoodz_seasonal.baseline.stack_update import Change
from freshfoodz_seasonal.cli.baseline_measure import Baseline
from freshfoodz_seasonal.cli.tables import Section


def _when(end_s: float) -> str:
    return dt.datetime.fromtimestamp(end_s, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def baseline_heading(baseline: Baseline) -> str:
    return f"Baseline from {baseline.url}: {baseline.window.window} up to {_when(baseline.end_s)}"


def _request(route: NamedRoute) -> str:
    return f"{route.key.method} {route.key.uri}"


def _route_label(route: NamedRoute) -> str:
    """The stack's name for the route; empty for a route found in the data, which has none."""
    return "" if route.name == _request(route) else route.name


def _peak_label(baseline: Baseline) -> str:
    return f"p{PEAK_QUANTILE * 100:g} of {baseline.window.rate_window} rates"


def baseline_sections(baseline: Baseline, changes: Sequence[Change] | None) -> list[Section]:
    measured = Section(
        "Routes",
        ["route", "request", f"rps ({_peak_label(baseline)})", "mean ms", "p95 ms", "CV", "errors", "days with data"],
        [
            [
                _route_label(r.route),
                _request(r.route),
                f"{r.peak_rps:.2f}",
                f"{r.mean_s * 1000:.1f}",
                f"{r.p95_s * 1000:.1f}",
                f"{r.cv:.2f}",
                f"{r.error_rate:.2%}",
                f"{r.covered_days:.1f}",
            ]
            for r in baseline.routes
        ],
        notes=[
            f"rps: the {_peak_label(baseline)} read every {baseline.window.step} over the window; "
            "mean: _sum / _count; p95: histogram_quantile; CV: the lognormal with that mean fitted to the buckets "
            "(from the buckets' moments where the fit does not describe them, see the notes); "
            "errors: 5xx share of requests",
            f"history: the job's request rate covers {baseline.history_days:.1f} days of the window; "
            "days with data: the route's own series",
        ],
    )
    sections = [measured]
    if baseline.cpu is not None:
        sections.append(_cpu_section(baseline.cpu))
    if baseline.profile is not None:
        sections.append(_profile_section(baseline.profile))
    notes = [[r.route.name, note] for r in baseline.routes for note in r.notes]
    if notes:
        sections.append(Section("Notes", ["route", "note"], notes))
    if baseline.warnings:
        sections.append(
            Section(
                "Prometheus warnings (the answers may be partial)",
                ["query", "warning"],
                [[run.measure, warning] for run, warning in baseline.warnings],
            )
        )
    if baseline.problems:
        sections.append(
            Section(
                "Routes without a baseline", ["route", "problem"], [[p.route, p.message] for p in baseline.problems]
            )
        )
    if baseline.cpu_problems:
        sections.append(
            Section(
                "Workloads without a CPU measurement",
                ["workload", "problem"],
                [[p.workload, p.message] for p in baseline.cpu_problems],
            )
        )
    sections.append(
        Section(
            f"Queries ({len(baseline.queries)}, evaluated at {_when(baseline.end_s)})",
            ["measure", "seconds", "series"],
            [[q.measure, f"{q.seconds:.3f}", str(q.series)] for q in baseline.queries],
            notes=[f"{q.measure}: {q.promql}" for q in baseline.queries],
        )
    )
    if changes is not None:
        sections.append(
            Section(
                "Written to the stack file",
                ["where", "key", "old", "new"],
                [[c.route, c.key, "-" if c.old is None else str(c.old), f"{c.new:g}"] for c in changes],
            )
        )
    return sections


def _cpu_section(cpu: CpuBaseline) -> Section:
    """Each measured workload's fitted line, and what was not measured. Narrow enough for 80 columns with
    names like `order-fulfilment` whole: the units are in the headers (a row reads "12 ms per request"), the
    Deployment is in the JSON."""
    step_minutes = cpu.step_s / 60
    clamped = [
        f"{w.target.workload}: the fitted idle CPU was slightly below zero, within its noise: counted as 0"
        for w in cpu.workloads
        if w.fit.idle_clamped
    ]
    dropped = [
        f"{w.target.workload}: {w.dropped_steps} steps left out (the pod count changed)"
        for w in cpu.workloads
        if w.dropped_steps
    ]
    return Section(
        "CPU",
        ["workload", "ms", "per", "idle mCPU", "R^2", "points", "peak/s/pod"],
        [
            [
                w.target.workload,
                f"{w.fit.ms_per_unit:.3g}",
                w.target.unit.value,
                f"{w.fit.idle_millicores:.3g}",
                f"{w.fit.r_squared:.3f}",
                str(w.fit.points),
                f"{w.fit.peak_rate_per_pod:.3g}",
            ]
            for w in cpu.workloads
        ],
        notes=[
            "a pod's cores = idle + rate per pod x CPU per unit, a least-squares line over the window's steps "
            f"(every {step_minutes:g} min: the Deployment's cores and the rate its own pods serve, both per running "
            f"pod; steps where the pod count changed left out); refused below R^2 {MIN_R_SQUARED:g} or where the "
            f"lower and upper half of the steps give slopes more than {MAX_HALF_SLOPE_DIFFERENCE:.0%} apart; "
            "beyond the peak rate per pod (peak/s/pod, written as peakRatePerPod) the line is an extrapolation",
            *dropped,
            *clamped,
            *cpu.unmeasured,
        ],
    )


def _profile_section(profile: HourlyProfile) -> Section:
    """The quietest hours and the busiest, of the job's mean rate by Europe/Berlin hour."""
    known = sorted((rate, hour) for hour, rate in enumerate(profile.rates) if rate is not None)
    rows = [
        [f"{hour:02d}:00", f"{rate:.2f}", "quietest" if index == 0 else ""]
        for index, (rate, hour) in enumerate(known[:3])
    ]
    if known:
        rate, hour = known[-1]
        rows.append([f"{hour:02d}:00", f"{rate:.2f}", "busiest"])
    quiet = profile.quiet_hour
    written = (
        f"season.quietHour: {quiet} (--write), where the plan puts the failover"
        if quiet is not None
        else "no quiet hour: some hours have no data in the window"
    )
    return Section("Traffic by hour (Europe/Berlin, whole job)", ["hour", "mean rps", ""], rows, notes=[written])


def baseline_as_dict(baseline: Baseline, changes: Sequence[Change] | None) -> dict[str, Any]:
    return {
        "prometheus_url": baseline.url,
        "window": baseline.window.window,
        "rate_window": baseline.window.rate_window,
        "step": baseline.window.step,
        "end": dt.datetime.fromtimestamp(baseline.end_s, dt.UTC).isoformat(),
        "peak_statistic": f"quantile_over_time({PEAK_QUANTILE}) of {baseline.window.rate_window} rates",
        "routes": [
            {
                "name": r.route.name,
                "method": r.route.key.method,
                "uri": r.route.key.uri,
                "peak_rps": r.peak_rps,
                "mean_service_time_ms": r.mean_s * 1000,
                "p95_service_time_ms": r.p95_s * 1000,
                "service_time_cv": r.cv,
                "error_rate": r.error_rate,
                "requests": r.requests,
                "covered_days": r.covered_days,
                "notes": list(r.notes),
            }
            for r in baseline.routes
        ],
        "history_days": baseline.history_days,
        "hourly_rps": None if baseline.profile is None else list(baseline.profile.rates),
        "quiet_hour": None if baseline.profile is None else baseline.profile.quiet_hour,
        "problems": [{"route": p.route, "message": p.message} for p in baseline.problems],
        "cpu": [_cpu_as_dict(w) for w in baseline.measured_cpu],
        "cpu_step": None if baseline.cpu is None else f"{baseline.cpu.step_s:g}s",
        "cpu_problems": [{"workload": p.workload, "message": p.message} for p in baseline.cpu_problems],
        "cpu_not_measured": [] if baseline.cpu is None else list(baseline.cpu.unmeasured),
        "warnings": [{"measure": run.measure, "warning": warning} for run, warning in baseline.warnings],
        "queries": [
            {"measure": q.measure, "promql": q.promql, "seconds": q.seconds, "series": q.series}
            for q in baseline.queries
        ],
        "written": None
        if changes is None
        else [{"route": c.route, "key": c.key, "old": c.old, "new": c.new} for c in changes],
    }


def _cpu_as_dict(workload: WorkloadCpu) -> dict[str, Any]:
    target, fit = workload.target, workload.fit
    return {
        "workload": target.workload,
        "kind": target.unit.workload_kind,
        "namespace": target.namespace,
        "deployment": target.deployment,
        "unit": target.unit.value,
        "ms_per_unit": fit.ms_per_unit,
        "idle_millicores": fit.idle_millicores,
        "idle_clamped": fit.idle_clamped,
        "r_squared": fit.r_squared,
        "points": fit.points,
        "dropped_steps": workload.dropped_steps,
        "peak_rate_per_pod": fit.peak_rate_per_pod,
        "ms_per_unit_by_half": None if fit.half_slopes is None else [slope * 1000 for slope in fit.half_slopes],
    }
