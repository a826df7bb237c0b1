"""A tracked day: a Europe/Berlin calendar day as Prometheus's instants, and the queries that measure it.

A Berlin day lasts 23 or 25 hours when the clocks change, so the look-back is counted in hours from
the day's own midnight to the next, never taken as `1d`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from freshfoodz_seasonal.baseline.queries import DEFAULT_BASELINE_DAYS, RouteKey, literal_regex, route_matchers
from freshfoodz_seasonal.metrics.names import MetricNames
from freshfoodz_seasonal.metrics.promql import Matcher, selector
from freshfoodz_seasonal.seasons.ownership import BERLIN

SUCCESS_STATUS = "2.."


@dataclass(frozen=True)
class TrackedDay:
    date: dt.date

    @property
    def start_s(self) -> float:
        return dt.datetime.combine(self.date, dt.time(), BERLIN).timestamp()

    @property
    def end_s(self) -> float:
        return dt.datetime.combine(self.date + dt.timedelta(days=1), dt.time(), BERLIN).timestamp()

    @property
    def window(self) -> str:
        """The day's length as a PromQL duration: `24h`, or `23h`/`25h` when the clocks change."""
        return f"{round((self.end_s - self.start_s) / 3600)}h"


def success_query(
    names: MetricNames, window: str, extra_matchers: Sequence[Matcher], routes: Sequence[RouteKey]
) -> str:
    """Per route, the 2xx answers over the window: the sample route's success rate is these over its requests.

    A route whose series carry a status but no 2xx one answered nothing successfully: 0, not absent. A route
    without any status label stays absent (not measured), so a wrong `metrics.statusLabel` never reads as
    every request failing."""
    by_route = f"{names.uri_label}, {names.method_label}"
    matchers = (*extra_matchers, *route_matchers(names, routes))
    ok = (*matchers, (names.status_label, "=~", SUCCESS_STATUS))
    labelled = (*matchers, (names.status_label, "=~", ".+"))
    successes = f"sum by ({by_route}) (increase({selector(names.http_count, ok)}[{window}]))"
    return f"{successes} or (0 * sum by ({by_route}) (increase({selector(names.http_count, labelled)}[{window}])))"


# The peak hour: each service's busiest clock hour, where the model is held to what ran.
HOUR_S = 3600.0


def hourly_rate_query(names: MetricNames, extra_matchers: Sequence[Matcher], routes: Sequence[RouteKey]) -> str:
    """Per route, the mean request rate of the hour before each point (a range query on the full hours)."""
    matchers = (*extra_matchers, *route_matchers(names, routes))
    return f"sum by ({names.uri_label}, {names.method_label}) (rate({selector(names.http_count, matchers)}[1h]))"


def _hpa_matchers(names: MetricNames, namespaces: Sequence[str], hpas: Sequence[str]) -> tuple[Matcher, ...]:
    return (
        (names.hpa_namespace_label, "=~", literal_regex(namespaces)),
        (names.hpa_name_label, "=~", literal_regex(hpas)),
    )


def hourly_replicas_query(names: MetricNames, namespaces: Sequence[str], hpas: Sequence[str]) -> str:
    """Per HPA (named like its Deployment), the mean of its current replicas over the hour before each point."""
    by_hpa = f"{names.hpa_namespace_label}, {names.hpa_name_label}"
    current = selector(names.hpa_current_replicas, _hpa_matchers(names, namespaces, hpas))
    return f"max by ({by_hpa}) (avg_over_time({current}[1h]))"


def hourly_at_max_query(names: MetricNames, namespaces: Sequence[str], hpas: Sequence[str]) -> str:
    """Per HPA, the share of the hour before each point it ran at its maxReplicas (read every minute)."""
    by_hpa = f"{names.hpa_namespace_label}, {names.hpa_name_label}"
    which = _hpa_matchers(names, namespaces, hpas)
    current = f"max by ({by_hpa}) ({selector(names.hpa_current_replicas, which)})"
    maximum = f"max by ({by_hpa}) ({selector(names.hpa_max_replicas, which)})"
    return f"avg_over_time(({current} >= bool {maximum})[1h:1m])"


def hour_buckets_query(names: MetricNames, extra_matchers: Sequence[Matcher], routes: Sequence[RouteKey]) -> str:
    """Per route and bucket, the requests of the hour before the evaluation time: the hour's p95 and the
    histogram's resolution around it."""
    matchers = (*extra_matchers, *route_matchers(names, routes))
    by = f"{names.uri_label}, {names.method_label}, le"
    return f"sum by ({by}) (increase({selector(names.http_bucket, matchers)}[1h]))"


def peak_connections_query(names: MetricNames, db_matchers: Sequence[Matcher], window: str) -> str:
    """The most connections open at once on one database server over the window, read every minute: summed per
    scraped instance (postgres_exporter counts backends per database), never across a primary and its replicas."""
    return f"max_over_time((max(sum by (instance) ({selector(names.db_connections, db_matchers)})))[{window}:1m])"


def peak_db_cpu_query(metric: str, matchers: Sequence[Matcher], window: str) -> str:
    """The database primary's highest CPU percentage over the window, read every minute (the gauge a CloudWatch
    exporter keeps; `max` across series, should the matchers leave several)."""
    return f"max_over_time((max({selector(metric, matchers)}))[{window}:1m])"


# A season's measured multiplier: its peak over the peak of the days before it, as long a look-back as
# `seasonctl baseline`'s default, so the multiplier compares with a stack's baselineRps like for like.
DAYS_BEFORE = DEFAULT_BASELINE_DAYS


def earliest_data_query(names: MetricNames, extra_matchers: Sequence[Matcher], window: str) -> str:
    """The earliest hour within the window (before the evaluation time) with the job's request rate."""
    rate = f"sum(rate({selector(names.http_count, extra_matchers)}[1h]))"
    return f"min_over_time(timestamp({rate})[{window}:1h])"


def days_before_peak_query(
    names: MetricNames, extra_matchers: Sequence[Matcher], routes: Sequence[RouteKey], rate_window: str
) -> str:
    """Per route, the peak (99th percentile of the rate) of the days before the evaluation time."""
    matchers = (*extra_matchers, *route_matchers(names, routes))
    by_route = f"{names.uri_label}, {names.method_label}"
    rates = f"sum by ({by_route}) (rate({selector(names.http_count, matchers)}[{rate_window}]))"
    return f"quantile_over_time(0.99, ({rates})[{DAYS_BEFORE}d:5m])"
