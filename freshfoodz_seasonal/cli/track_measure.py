"""`seasonctl track`'s measurement of one day: the baseline's route queries over that day, and the 2xx share.

The same definitions as `seasonctl baseline` (peak = the 99th percentile of the 5-minute rate, p95 from the
histogram, 5xx share), over the Europe/Berlin day that ends at `day.end_s`, so a tracked peak compares
with the stack's `baselineRps` like for like.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from freshfoodz_seasonal.adapters.prometheus_http import PrometheusClient
from freshfoodz_seasonal.baseline.measure import answer_warnings, instant_vector, route_key
from freshfoodz_seasonal.baseline.queries import BaselineWindow, RouteKey, baseline_queries
from freshfoodz_seasonal.baseline.range_answer import RangeSeries, range_series
from freshfoodz_seasonal.cli.baseline_measure import Scope
from freshfoodz_seasonal.config.model import StackSettings
from freshfoodz_seasonal.metrics.promql import exact_matchers
from freshfoodz_seasonal.track.day import (
    DAYS_BEFORE,
    HOUR_S,
    TrackedDay,
    days_before_peak_query,
    earliest_data_query,
    hour_buckets_query,
    hourly_at_max_query,
    hourly_rate_query,
    hourly_replicas_query,
    peak_connections_query,
    peak_db_cpu_query,
    success_query,
)
from freshfoodz_seasonal.track.observe import TRACKED, ObservedRoute, observe_routes
from freshfoodz_seasonal.track.peak_hour import ServiceHour, busiest_hour


@dataclass(frozen=True)
class MeasuredDay:
    day: TrackedDay
    observed: dict[str, ObservedRoute]
    missing: dict[str, str]
    """Route name -> why it has no measurement that day."""
    hours: dict[str, ServiceHour]
    """Service name -> its busiest hour of the day (services with traffic that day)."""
    peak_connections: float | None
    """The most database connections open at once; None when the metric had none."""
    peak_db_cpu: float | None
    """The database primary's highest CPU share (0-1); None when not configured or without series."""
    warnings: tuple[str, ...]


def measure_day(client: PrometheusClient, settings: StackSettings, day: TrackedDay) -> MeasuredDay:
    """Runs the day's queries (PrometheusUnavailable, PrometheusAnswerError) and measures every route."""
    scope = Scope.of_stack(settings, measure_cpu=False)
    window = BaselineWindow(window=day.window, rate_window=settings.metrics.rate_window)
    keys = [route.key for route in scope.routes]
    queries: dict[str, str] = {
        m.value: q for m, q in baseline_queries(scope.names, window, scope.matchers, keys).items() if m in TRACKED
    }
    queries["success"] = success_query(scope.names, day.window, scope.matchers, keys)
    answers = {}
    warnings: list[str] = []
    for name, promql in queries.items():
        answer = client.query(promql, day.end_s)
        answers[name] = instant_vector(answer)
        warnings += answer_warnings(answer)
    observed, missing = observe_routes(
        scope.routes, {measure: answers[measure.value] for measure in TRACKED}, answers["success"], scope.names
    )
    hours = _busiest_hours(client, settings, scope, day, warnings)
    db_matchers = exact_matchers(settings.metrics.db_matchers)
    answer = client.query(peak_connections_query(scope.names, db_matchers, day.window), day.end_s)
    warnings += answer_warnings(answer)
    connections = [s.value for s in instant_vector(answer) if math.isfinite(s.value)]
    return MeasuredDay(
        day,
        observed,
        missing,
        hours,
        max(connections) if connections else None,
        _peak_db_cpu(client, settings, day, warnings),
        tuple(warnings),
    )


def _peak_db_cpu(
    client: PrometheusClient, settings: StackSettings, day: TrackedDay, warnings: list[str]
) -> float | None:
    """The primary's highest CPU share of the day from `metrics.dbCpuPercent`; not measured (None) where the
    stack names no such metric."""
    metric = settings.metrics.db_cpu_percent
    if metric is None:
        return None
    promql = peak_db_cpu_query(metric, exact_matchers(settings.metrics.db_cpu_matchers), day.window)
    answer = client.query(promql, day.end_s)
    warnings += answer_warnings(answer)
    percents = [s.value for s in instant_vector(answer) if math.isfinite(s.value)]
    return max(percents) / 100.0 if percents else None


def _route_names(scope: Scope) -> dict[RouteKey, str]:
    return {route.key: route.name for route in scope.routes}


def _by_route(series: list[RangeSeries], scope: Scope) -> dict[str, dict[float, float]]:
    names = _route_names(scope)
    return {names[key]: dict(one.points) for one in series if (key := route_key(one.labels, scope.names)) in names}


def _by_hpa(series: list[RangeSeries], scope: Scope) -> dict[tuple[str, str], dict[float, float]]:
    labels = (scope.names.hpa_namespace_label, scope.names.hpa_name_label)
    return {(one.labels.get(labels[0], ""), one.labels.get(labels[1], "")): dict(one.points) for one in series}


def _busiest_hours(
    client: PrometheusClient, settings: StackSettings, scope: Scope, day: TrackedDay, warnings: list[str]
) -> dict[str, ServiceHour]:
    """Each service's busiest hour: its routes' hourly rates, the pods and the share at the HPA's max (range
    queries on the day's full hours), then the p95 of each busiest hour (one instant query per distinct hour)."""
    keys = [route.key for route in scope.routes]
    namespaces = sorted({service.namespace for service in settings.services})
    hpas = sorted({service.deployment for service in settings.services})
    ranges = {
        "rates": hourly_rate_query(scope.names, scope.matchers, keys),
        "pods": hourly_replicas_query(scope.names, namespaces, hpas),
        "at_max": hourly_at_max_query(scope.names, namespaces, hpas),
    }
    answers = {}
    for name, promql in ranges.items():
        answer = client.query_range(promql, day.start_s + HOUR_S, day.end_s, HOUR_S)
        answers[name] = range_series(answer)
        warnings += answer_warnings(answer)
    rates = _by_route(answers["rates"], scope)
    pods, at_max = _by_hpa(answers["pods"], scope), _by_hpa(answers["at_max"], scope)
    busiest = {
        service.name: end_s
        for service in settings.services
        if (end_s := busiest_hour(rates, [route.name for route in settings.routes_of(service.name)])) is not None
    }
    names = _route_names(scope)
    buckets_at: dict[float, dict[str, list[tuple[float, float]]]] = {}
    for end_s in sorted(set(busiest.values())):
        answer = client.query(hour_buckets_query(scope.names, scope.matchers, keys), end_s)
        warnings += answer_warnings(answer)
        found: dict[str, list[tuple[float, float]]] = {}
        for sample in instant_vector(answer):
            key = route_key(sample.labels, scope.names)
            if key in names and math.isfinite(sample.value):
                found.setdefault(names[key], []).append((float(sample.labels.get("le", "nan")), sample.value))
        buckets_at[end_s] = found
    hours = {}
    for service in settings.services:
        if service.name not in busiest:
            continue
        end_s = busiest[service.name]
        served = {route.name for route in settings.routes_of(service.name)}
        hpa = (service.namespace, service.deployment)
        shares = at_max.get(hpa)
        hours[service.name] = ServiceHour(
            end_s=end_s,
            rates={route: points[end_s] for route, points in rates.items() if end_s in points and route in served},
            pods=pods.get(hpa, {}).get(end_s),
            buckets={route: found for route, found in buckets_at[end_s].items() if route in served},
            hours_at_max=sum(shares.values()) if shares else None,
        )
    return hours


@dataclass(frozen=True)
class SeasonContext:
    """What a past season is held against besides its plan: how far back Prometheus reaches, and the routes'
    peaks in the days before the season."""

    earliest_s: float | None
    """The earliest hour with the job's request rate from the days before the season to its end."""
    days_before_peaks: dict[str, float]
    """Route name -> its peak in the days before the season's first day."""
    first: TrackedDay
    """The season's first day."""
    warnings: tuple[str, ...]

    @property
    def needed_from_s(self) -> float:
        """Where the days before the season begin."""
        return self.first.start_s - DAYS_BEFORE * 86_400

    @property
    def holds_days_before(self) -> bool:
        """Prometheus's data reaches back to the first hour of the days before the season."""
        return self.earliest_s is not None and self.earliest_s <= self.needed_from_s + HOUR_S


def measure_season_context(
    client: PrometheusClient, settings: StackSettings, first: TrackedDay, last: TrackedDay
) -> SeasonContext:
    """Two queries: the earliest data from the days before the season's `first` day to the tracked span's
    `last`, and each route's peak in those days before."""
    scope = Scope.of_stack(settings, measure_cpu=False)
    reach = f"{math.ceil((last.end_s - first.start_s + DAYS_BEFORE * 86_400) / HOUR_S)}h"
    answer = client.query(earliest_data_query(scope.names, scope.matchers, reach), last.end_s)
    warnings = answer_warnings(answer)
    earliest = [s.value for s in instant_vector(answer) if math.isfinite(s.value)]
    keys = [route.key for route in scope.routes]
    names = _route_names(scope)
    promql = days_before_peak_query(scope.names, scope.matchers, keys, settings.metrics.rate_window)
    answer = client.query(promql, first.start_s)
    warnings += answer_warnings(answer)
    peaks = {
        names[key]: sample.value
        for sample in instant_vector(answer)
        if (key := route_key(sample.labels, scope.names)) in names and math.isfinite(sample.value) and sample.value > 0
    }
    return SeasonContext(min(earliest) if earliest else None, peaks, first, tuple(warnings))
