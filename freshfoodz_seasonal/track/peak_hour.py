"""Each service's busiest hour of a tracked day: the load and pods that ran then, and the model held to them.

The model's error is the original plan's "calculator within +-10 %" measured on production: at the hour's
observed request rates and the pods that ran (the HPA's current replicas, averaged over the hour and
rounded), the p95 the model predicts from the stack's service times, against the p95 the histogram
observed that hour. A drift of the service times shows here too: the stack's are what the plan uses.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from capacity.pool_queue import PoolQueue
from capacity.pool_sizing import SLO_QUANTILE
from freshfoodz_seasonal.config.model import Service, StackSettings
from freshfoodz_seasonal.plan.season_plan import pool_spec_of

# The original plan's promise: the calculator within 10 % of what production needs.
MODEL_TOLERANCE = 0.10


@dataclass(frozen=True)
class ServiceHour:
    """What one service's busiest hour of the day measured."""

    end_s: float
    """The hour's end (Unix seconds): it covers the hour before."""
    rates: Mapping[str, float]
    """Route name -> mean requests per second in the hour."""
    pods: float | None
    """The HPA's current replicas, averaged over the hour; None when kube-state-metrics had none."""
    buckets: Mapping[str, Sequence[tuple[float, float]]]
    """Route name -> the hour's (le, cumulative requests) buckets, +Inf included."""
    hours_at_max: float | None
    """Hours of the whole day the HPA ran at its maxReplicas; None when unknown."""


@dataclass(frozen=True)
class RouteAtPeakHour:
    rps: float
    observed_p95_s: float | None
    """The hour's p95 as Prometheus's histogram_quantile gives it (linear within the bucket)."""
    predicted_p95_s: float | None
    """The model's p95 at the hour's rates and pods; None without pods, when the pods were overloaded, or
    when the model puts it beyond the span it computes (4x the route's SLO)."""
    bucket: tuple[float, float] | None
    """The histogram bucket (lower, upper] the observed p95 lies in: the measurement's resolution."""

    @property
    def beyond_buckets(self) -> bool:
        """The observed p95 lies in the +Inf bucket: it is the largest finite bound, a lower bound."""
        return self.bucket is not None and math.isinf(self.bucket[1])

    @property
    def within_resolution(self) -> bool:
        """The prediction lies within the model's 10 % of the bucket that holds the observed p95: the histogram
        only knows the p95 to that bucket (Prometheus interpolates linearly inside it), so it cannot tell
        the two apart."""
        if self.bucket is None or self.predicted_p95_s is None:
            return False
        low, high = self.bucket
        return low * (1 - MODEL_TOLERANCE) < self.predicted_p95_s <= high * (1 + MODEL_TOLERANCE)

    @property
    def model_error(self) -> float | None:
        """(observed - predicted) / predicted: positive when production was slower than the model said."""
        if self.observed_p95_s is None or self.predicted_p95_s is None:
            return None
        return (self.observed_p95_s - self.predicted_p95_s) / self.predicted_p95_s


def rounded_pods(pods: float) -> int:
    """An hour's mean replicas as a pod count: to the nearest, halves up (not to the even one)."""
    return math.floor(pods + 0.5)


def busiest_hour(rates: Mapping[str, Mapping[float, float]], routes: list[str]) -> float | None:
    """The end of the hour with the most requests over `routes`, from each route's hourly rates."""
    totals: dict[float, float] = {}
    for route in routes:
        for end_s, rps in rates.get(route, {}).items():
            totals[end_s] = totals.get(end_s, 0.0) + rps
    return max(totals, key=lambda end_s: (totals[end_s], -end_s)) if totals else None


def held_to_the_model(settings: StackSettings, service: Service, hour: ServiceHour) -> dict[str, RouteAtPeakHour]:
    """Per route of `service` measured in its busiest hour, the observed and the predicted p95."""
    spec = pool_spec_of(settings, service, settings.season.load_multiplier)
    measured = [route for route in spec.routes if route.name in hour.rates]
    loads = tuple(dataclasses.replace(route, rps=hour.rates.get(route.name, 0.0)) for route in spec.routes)
    loads = tuple(route for route in loads if route.rps > 0)
    predicted: dict[str, float] = {}
    if hour.pods is not None and rounded_pods(hour.pods) >= 1 and loads:
        try:
            state = PoolQueue(dataclasses.replace(spec, routes=loads)).at(rounded_pods(hour.pods))
            quantiles = {route.name: state.response_quantile(i, SLO_QUANTILE) for i, route in enumerate(loads)}
            # Beyond the span the model computes (4x the route's SLO) it knows no value to compare with.
            predicted = {name: p95 for name, p95 in quantiles.items() if math.isfinite(p95)}
        except ValueError:  # the load passed what those pods serve: no steady state to predict
            predicted = {}
    lines = {}
    for route in measured:
        observed = bucket_quantile(hour.buckets.get(route.name, ()), SLO_QUANTILE)
        p95, bucket = (None, None) if observed is None else observed
        lines[route.name] = RouteAtPeakHour(hour.rates[route.name], p95, predicted.get(route.name), bucket)
    return lines


def bucket_quantile(
    buckets: Sequence[tuple[float, float]], quantile: float
) -> tuple[float, tuple[float, float]] | None:
    """The quantile of cumulative (le, count) buckets as Prometheus's histogram_quantile computes it (linear
    within the bucket, the first bucket from 0, capped at the largest finite bound), and that bucket; None
    without requests."""
    ordered = sorted(buckets)
    if not ordered or not math.isinf(ordered[-1][0]) or ordered[-1][1] <= 0:
        return None
    rank = quantile * ordered[-1][1]
    lower_bound, lower_count = 0.0, 0.0
    for bound, count in ordered:
        if count >= rank:
            if math.isinf(bound):
                return lower_bound, (lower_bound, math.inf)
            if count == lower_count:
                return bound, (lower_bound, bound)
            share = (rank - lower_count) / (count - lower_count)
            return lower_bound + (bound - lower_bound) * share, (lower_bound, bound)
        lower_bound, lower_count = bound, count
    return None
