"""`seasonctl track`'s measurement of one day: the baseline's route queries over that day, and the 2xx share.

The same definitions as `seasonctl baseline` (peak = the 99th percentile of the 5-minute rate, p95 from the
histogram, 5xx share), over the Europe/Berlin day that ends at `day.end_s`, so a tracked peak compares
with the stack's `baselineRps` like for like.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from freshfoodz_seasonal.adapters.prometheus_http import PrometheusClient
from freshfoodz_seasonal.baseline.measure import answer_warnings, instant_vector, measure_routes
from freshfoodz_seasonal.baseline.queries import BaselineWindow, Measure, baseline_queries
from freshfoodz_seasonal.cli.baseline_measure import Scope
from freshfoodz_seasonal.config.model import StackSettings
from freshfoodz_seasonal.track.day import TrackedDay, success_query
from freshfoodz_seasonal.track.judge import ObservedRoute


@dataclass(frozen=True)
class MeasuredDay:
    day: TrackedDay
    observed: dict[str, ObservedRoute]
    missing: dict[str, str]
    """Route name -> why it has no measurement that day."""
    queries: int
    warnings: tuple[str, ...]


def measure_day(client: PrometheusClient, settings: StackSettings, day: TrackedDay) -> MeasuredDay:
    """Runs the day's queries (PrometheusUnavailable, PrometheusAnswerError) and measures every route."""
    scope = Scope.of_stack(settings, measure_cpu=False)
    window = BaselineWindow(window=day.window, rate_window=settings.metrics.rate_window)
    keys = [route.key for route in scope.routes]
    queries: dict[str, str] = {
        m.value: q for m, q in baseline_queries(scope.names, window, scope.matchers, keys).items()
    }
    queries["success"] = success_query(scope.names, day.window, scope.matchers, keys)
    answers = {}
    warnings: list[str] = []
    for name, promql in queries.items():
        answer = client.query(promql, day.end_s)
        answers[name] = instant_vector(answer)
        warnings += answer_warnings(answer)
    measured, problems = measure_routes(
        scope.routes, {measure: answers[measure.value] for measure in Measure}, scope.names, window
    )
    successes = {
        (s.labels.get(scope.names.method_label, ""), s.labels.get(scope.names.uri_label, "")): s.value
        for s in answers["success"]
    }
    observed = {}
    for route in measured:
        ok = successes.get((route.route.key.method, route.route.key.uri), 0.0)
        observed[route.route.name] = ObservedRoute(
            peak_rps=route.peak_rps,
            p95_s=route.p95_s,
            error_rate=route.error_rate,
            success_rate=min(max(ok / route.requests, 0.0), 1.0) if math.isfinite(ok) else None,
        )
    return MeasuredDay(
        day, observed, {problem.route: problem.message for problem in problems}, len(queries), tuple(warnings)
    )
