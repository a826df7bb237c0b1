"""What each route did on a tracked day, from the baseline's answers, without fitting a service time.

A tracked day needs the peak, the p95, the errors and the requests, never the lognormal the planner fits:
a route whose histogram fits no lognormal, or whose p95 lies beyond the largest bucket, is exactly the
route the war room must see, so it is measured as it is (a p95 beyond the largest bucket is a lower bound).
A day's data need not cover the whole day either: a scrape gap leaves the day measured on what exists.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from freshfoodz_seasonal.baseline.measure import NamedRoute, RouteAnswers, Sample, route_answers, route_key
from freshfoodz_seasonal.baseline.queries import Measure
from freshfoodz_seasonal.metrics.names import MetricNames

# The baseline's measures a tracked day needs (no history or service time: nothing is fitted).
TRACKED = (Measure.PEAK_RATE, Measure.REQUESTS, Measure.BUCKETS, Measure.ERRORS, Measure.P95)
# More than this share of requests above the largest finite bucket: the p95 lies beyond it.
BEYOND_LARGEST_BUCKET = 0.05


@dataclass(frozen=True)
class ObservedRoute:
    """What one route did on the day."""

    peak_rps: float
    p95_s: float | None
    """The histogram's p95 (None without a histogram); a lower bound when `p95_beyond_buckets`."""
    error_rate: float
    success_rate: float | None
    """The share of 2xx answers (the sample route's KPI); None when Prometheus gave no number for it."""
    requests: float = 0.0
    p95_beyond_buckets: bool = False
    """More than 5 % of the requests were slower than the largest finite bucket: the p95 is at least that."""


def _value(found: RouteAnswers, measure: Measure) -> float | None:
    value = found.single.get(measure)
    return value if value is not None and math.isfinite(value) else None


def _p95(found: RouteAnswers) -> tuple[float | None, bool]:
    finite = sorted((le, count) for le, count in found.buckets if math.isfinite(le))
    total = max((count for le, count in found.buckets if math.isinf(le)), default=None)
    if not finite or total is None or total <= 0:
        return None, False
    largest, below = finite[-1]
    if (total - below) / total > BEYOND_LARGEST_BUCKET:
        return largest, True
    return _value(found, Measure.P95), False


def observe_routes(
    routes: Sequence[NamedRoute],
    answers: Mapping[Measure, Sequence[Sample]],
    successes: Sequence[Sample],
    names: MetricNames,
) -> tuple[dict[str, ObservedRoute], dict[str, str]]:
    """Per route, what it did, or why it has no measurement."""
    by_key = route_answers(answers, names)
    ok = {route_key(s.labels, names): s.value for s in successes if math.isfinite(s.value)}
    observed: dict[str, ObservedRoute] = {}
    missing: dict[str, str] = {}
    for route in routes:
        found = by_key.get(route.key)
        requests = None if found is None else _value(found, Measure.REQUESTS)
        peak = None if found is None else _value(found, Measure.PEAK_RATE)
        if found is None or requests is None or peak is None:
            missing[route.name] = (
                f"no data: no {names.http_count} series with {names.method_label}={route.key.method!r} and "
                f"{names.uri_label}={route.key.uri!r} that day (or not a number)"
            )
            continue
        if requests <= 0:
            missing[route.name] = "no requests that day"
            continue
        p95, beyond = _p95(found)
        errors = _value(found, Measure.ERRORS) or 0.0
        # Absent or not a number: not measured, never read as every request failing.
        success = ok.get(route.key)
        observed[route.name] = ObservedRoute(
            peak_rps=peak,
            p95_s=p95,
            error_rate=min(max(errors / requests, 0.0), 1.0),
            success_rate=None if success is None else min(max(success / requests, 0.0), 1.0),
            requests=requests,
            p95_beyond_buckets=beyond,
        )
    return observed, missing
