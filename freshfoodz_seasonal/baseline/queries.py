"""The PromQL that measures a baseline: a fixed set of queries, whatever the number of routes.

Every query but the job's history groups by the route's labels (uri, method), so one query answers
for all routes and `seasonctl baseline` runs exactly `len(Measure)` queries. All are instant queries
evaluated at the window's end; `[window]` ranges and `[window:step]` subqueries look back over the window.

What each number means:
- peak rate: the 99th percentile, over the window, of the route's request rate averaged over
  `rate_window` and read every `step`. The daily mean would hide the busy hour a season multiplies.
- history: how many of the window's steps have a request rate for the whole job (the stack's own
  matchers, no route): fewer than the window holds means Prometheus's history is shorter than the
  window. Measured per job, not per route: Micrometer creates a route's series on its first request
  after a pod starts, so a route without night traffic has gaps while the history is complete.
- coverage: how many of those steps had data for the route, shown as information (days with data).
- requests, seconds: `increase()` of `_count` and `_sum` over the window: mean = seconds / requests.
- buckets: `increase()` of every `le` bucket over the window, for the spread of the service time.
- errors: `increase()` of `_count` with a 5xx status over the window. `increase()` starts at a
  series' first sample, so the request that created a series is not counted: a 5xx series made by
  its first error (Micrometer's series appear on first use) loses that error, and sporadic errors
  are under-counted.
- p95: `histogram_quantile(0.95, ...)` of the window's buckets, Prometheus's own interpolation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from freshfoodz_seasonal.metrics.names import DEFAULT_RATE_WINDOW, MetricNames
from freshfoodz_seasonal.metrics.promql import Matcher, duration_seconds, selector

PEAK_QUANTILE = 0.99
SERVER_ERROR_STATUS = "5.."
# RE2 metacharacters; escaped so a path like /api/customers/{id} matches itself only.
_REGEX_SPECIAL = re.compile(r"([\\.+*?()|\[\]{}^$])")


class Measure(StrEnum):
    PEAK_RATE = "peak_rate"
    HISTORY = "history"
    COVERAGE = "coverage"
    REQUESTS = "requests"
    SECONDS = "seconds"
    BUCKETS = "buckets"
    ERRORS = "errors"
    P95 = "p95"


@dataclass(frozen=True)
class RouteKey:
    method: str
    uri: str


# `seasonctl baseline`'s look-back when none is given: two weeks, each weekday twice.
DEFAULT_BASELINE_DAYS = 14


@dataclass(frozen=True)
class BaselineWindow:
    """The look-back (`window`, e.g. `14d`), the rate's averaging window and the subquery step."""

    window: str
    rate_window: str = DEFAULT_RATE_WINDOW
    step: str = "5m"

    def __post_init__(self) -> None:
        for value in (self.window, self.rate_window, self.step):
            duration_seconds(value)


def literal_regex(values: Sequence[str]) -> str:
    """An RE2 alternation that matches exactly these values (Prometheus anchors label regexes)."""
    return "|".join(sorted({_REGEX_SPECIAL.sub(r"\\\1", value) for value in values}))


def route_matchers(names: MetricNames, routes: Sequence[RouteKey]) -> tuple[Matcher, ...]:
    """Regex matchers that keep the routes' uris and methods; none when every route is wanted."""
    if not routes:
        return ()
    return (
        (names.uri_label, "=~", literal_regex([route.uri for route in routes])),
        (names.method_label, "=~", literal_regex([route.method for route in routes])),
    )


def hourly_rate_query(names: MetricNames, extra_matchers: Sequence[Matcher]) -> str:
    """The whole job's mean request rate over the hour before each point: the hourly profile's measure."""
    return f"sum(rate({selector(names.http_count, extra_matchers)}[1h]))"


def baseline_queries(
    names: MetricNames, window: BaselineWindow, extra_matchers: Sequence[Matcher], routes: Sequence[RouteKey] = ()
) -> dict[Measure, str]:
    """The queries by measure, in `Measure` order; `routes` empty means every route the data has."""
    matchers = (*extra_matchers, *route_matchers(names, routes))
    by_route = f"{names.uri_label}, {names.method_label}"
    count = selector(names.http_count, matchers)
    errors = selector(names.http_count, (*matchers, (names.status_label, "=~", SERVER_ERROR_STATUS)))
    rates = f"(sum by ({by_route}) (rate({count}[{window.rate_window}])))[{window.window}:{window.step}]"
    job_rate = f"(sum(rate({selector(names.http_count, extra_matchers)}[{window.rate_window}])))"
    buckets = f"sum by ({by_route}, le) (increase({selector(names.http_bucket, matchers)}[{window.window}]))"
    return {
        Measure.PEAK_RATE: f"quantile_over_time({PEAK_QUANTILE}, {rates})",
        Measure.HISTORY: f"count_over_time({job_rate}[{window.window}:{window.step}])",
        Measure.COVERAGE: f"count_over_time({rates})",
        Measure.REQUESTS: f"sum by ({by_route}) (increase({count}[{window.window}]))",
        Measure.SECONDS: f"sum by ({by_route}) (increase({selector(names.http_sum, matchers)}[{window.window}]))",
        Measure.BUCKETS: buckets,
        Measure.ERRORS: f"sum by ({by_route}) (increase({errors}[{window.window}]))",
        Measure.P95: f"histogram_quantile(0.95, {buckets})",
    }
