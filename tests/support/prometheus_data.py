"""Known HTTP traffic as OpenMetrics text, for backfilling a real Prometheus with `promtool`.

Each synthetic route follows a smooth daily cycle, and its counters are the exact integrals of
that rate (no sampling noise), so the truth a baseline must recover is known in closed form:
- the request rate at any time, hence the 99th percentile of 5-minute rates over the window;
- the mean service time (the lognormal's mean: `_sum` grows by mean x requests);
- the service-time distribution (each `le` bucket holds requests x CDF(le)), hence p95 and CV;
  a lognormal, or a mixture of two (a slow minority) that no single lognormal describes;
- the error rate (a share of the requests is recorded under status 500).
A route may start late: its series appear only then, as Micrometer's do on a route's first request.
A route served by pods (`SyntheticTraffic.servers`: tests/support/cpu_data.py's Deployments) has one
set of series per pod, labelled with the pod's `namespace` and `pod` as a kube-prometheus ServiceMonitor
scrapes them, each counting that pod's share of the requests from its start; the others have one set,
without pod labels.

The series look like Quarkus/Micrometer's `http_server_requests_seconds` histogram, with the
labels `method`, `uri`, `status` and `outcome`. Units: seconds, requests per second. Other families
over the same scrape times go into the same backfill through `SyntheticTraffic.more`
(tests/support/cpu_data.py: pods' CPU, their owners, jobs counters).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from capacity.service_time import ServiceTime

DAY_S = 86_400.0
# Bucket bounds in seconds, a coarse version of Micrometer's percentile-histogram layout.
BUCKETS_S = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
HISTOGRAM = "http_server_requests_seconds"


@dataclass(frozen=True)
class DailyCycle:
    """A rate with a daily cycle: rate(t) = mean x (1 + amplitude x sin(2 pi (t - shift) / day)), peaking at
    `peak_hour` (UTC); units are requests or jobs."""

    mean_per_s: float
    amplitude: float
    peak_hour: float = 11.0

    def _phase(self, t_s: np.ndarray) -> np.ndarray:
        # sin peaks at a quarter period: shift so the peak falls on peak_hour (UTC).
        return 2 * math.pi * (t_s - (self.peak_hour * 3600 - DAY_S / 4)) / DAY_S

    def rate(self, t_s: np.ndarray) -> np.ndarray:
        return self.mean_per_s * (1 + self.amplitude * np.sin(self._phase(t_s)))

    def units_since(self, start_s: float, t_s: np.ndarray) -> np.ndarray:
        """Units done in (start, t]: the integral of the rate."""
        start = np.asarray(start_s, dtype=float)
        swing = self.mean_per_s * self.amplitude * DAY_S / (2 * math.pi)
        return self.mean_per_s * (t_s - start) - swing * (np.cos(self._phase(t_s)) - np.cos(self._phase(start)))


@dataclass(frozen=True)
class PodCounter:
    """One pod's count of a route's requests: its labels (`namespace="...",pod="..."`), its scrape times and
    the requests it served from its start to each of them."""

    labels: str
    times: np.ndarray
    counts: np.ndarray


class RouteServers(Protocol):
    """Who serves a route: one counter per pod, none if no pods do (the route's series then have no pod)."""

    def route_counters(self, method: str, uri: str, times: np.ndarray) -> list[PodCounter]: ...


class MetricFamilies(Protocol):
    """More series for the same backfill: whole OpenMetrics families (each `# TYPE` once), each series'
    points contiguous and in time order."""

    def openmetrics_lines(self, times: np.ndarray) -> Iterator[str]: ...


@dataclass(frozen=True)
class SyntheticRoute:
    method: str
    uri: str
    mean_rps: float
    # The daily cycle: rate(t) = mean_rps x (1 + amplitude x sin(2 pi (t - peak_hour_shift) / day)).
    amplitude: float
    service_time: ServiceTime
    error_share: float = 0.0
    peak_hour: float = 11.0
    # A slow minority: this share of the requests takes `slow_time` instead of `service_time`.
    slow_share: float = 0.0
    slow_time: ServiceTime | None = None
    # The series exist from this time on (Unix seconds); None: from the traffic's start.
    first_s: float | None = None

    @property
    def mean_s(self) -> float:
        if self.slow_time is None:
            return self.service_time.mean_s
        return (1 - self.slow_share) * self.service_time.mean_s + self.slow_share * self.slow_time.mean_s

    @property
    def cv(self) -> float:
        """The true coefficient of variation, from the mixture's first two moments."""
        if self.slow_time is None:
            return self.service_time.cv

        def second_moment(service: ServiceTime) -> float:
            return service.mean_s**2 * (1 + service.cv**2)

        second = (1 - self.slow_share) * second_moment(self.service_time) + self.slow_share * second_moment(
            self.slow_time
        )
        return math.sqrt(second - self.mean_s**2) / self.mean_s

    @property
    def cycle(self) -> DailyCycle:
        return DailyCycle(self.mean_rps, self.amplitude, self.peak_hour)

    def rate(self, t_s: np.ndarray) -> np.ndarray:
        return self.cycle.rate(t_s)

    def requests_since(self, start_s: float, t_s: np.ndarray) -> np.ndarray:
        """Requests served in (start, t]: the integral of the rate."""
        return self.cycle.units_since(start_s, t_s)

    def share_below(self, bound_s: float) -> float:
        """P(service time <= bound): what a cumulative `le` bucket holds."""
        below = 1.0 - self.service_time.survival(bound_s)
        if self.slow_time is None:
            return below
        return (1 - self.slow_share) * below + self.slow_share * (1.0 - self.slow_time.survival(bound_s))

    def peak_rate(self, end_s: float, window_s: float, step_s: float = 300.0, quantile: float = 0.99) -> float:
        """The quantile of the mean rates over (t - step, t] at the step-aligned times of (end - window, end]."""
        first = math.floor((end_s - window_s) / step_s + 1) * step_s
        times = np.arange(first, end_s + step_s / 2, step_s)
        rates = (self.requests_since(0.0, times) - self.requests_since(0.0, times - step_s)) / step_s
        return float(np.quantile(rates, quantile))


@dataclass(frozen=True)
class SyntheticTraffic:
    routes: Sequence[SyntheticRoute]
    start_s: float
    end_s: float
    scrape_interval_s: float = 60.0
    # Series that exist but never count a request (a route deployed and never called).
    idle_routes: Sequence[tuple[str, str]] = ()
    # Further families over the same scrape times (tests/support/cpu_data.py: pods' CPU, owners, jobs).
    more: Sequence[MetricFamilies] = ()
    # The pods that serve the routes (tests/support/cpu_data.py's SyntheticPods): their series get pod labels.
    servers: RouteServers | None = None

    def scrape_times(self) -> np.ndarray:
        return np.arange(self.start_s, self.end_s + 1e-9, self.scrape_interval_s)


def _labels(method: str, uri: str, status: str) -> str:
    outcome = "SERVER_ERROR" if status.startswith("5") else "SUCCESS"
    return f'method="{method}",outcome="{outcome}",status="{status}",uri="{uri}"'


def series_lines(name: str, labels: str, times: np.ndarray, values: np.ndarray) -> Iterator[str]:
    for t, value in zip(times.tolist(), values.tolist(), strict=True):
        yield f"{name}{{{labels}}} {value:.6f} {t:.3f}\n"


def openmetrics_lines(traffic: SyntheticTraffic) -> Iterator[str]:
    """One histogram family; each label set's points contiguous and in time order."""
    times = traffic.scrape_times()
    yield f"# TYPE {HISTOGRAM} histogram\n"
    yield f"# HELP {HISTOGRAM} HTTP server request processing time\n"
    for route in traffic.routes:
        start_s = traffic.start_s if route.first_s is None else route.first_s
        route_times = times[times >= start_s]
        servers = traffic.servers.route_counters(route.method, route.uri, route_times) if traffic.servers else []
        counters = servers or [PodCounter("", route_times, route.requests_since(start_s, route_times))]
        for status, share in (("200", 1.0 - route.error_share), ("500", route.error_share)):
            if share == 0.0:
                continue
            for counter in counters:
                labels = _labels(route.method, route.uri, status) + (f",{counter.labels}" if counter.labels else "")
                yield from _histogram_lines(labels, counter.times, counter.counts * share, route)
    zero = np.zeros_like(times)
    for method, uri in traffic.idle_routes:
        labels = _labels(method, uri, "200")
        for bound in (*BUCKETS_S, math.inf):
            yield from series_lines(f"{HISTOGRAM}_bucket", f'{labels},le="{_le(bound)}"', times, zero)
        yield from series_lines(f"{HISTOGRAM}_count", labels, times, zero)
        yield from series_lines(f"{HISTOGRAM}_sum", labels, times, zero)
    for families in traffic.more:
        yield from families.openmetrics_lines(times)
    yield "# EOF\n"


def _histogram_lines(labels: str, times: np.ndarray, count: np.ndarray, route: SyntheticRoute) -> Iterator[str]:
    for bound in BUCKETS_S:
        share = route.share_below(bound)
        yield from series_lines(f"{HISTOGRAM}_bucket", f'{labels},le="{_le(bound)}"', times, count * share)
    yield from series_lines(f"{HISTOGRAM}_bucket", f'{labels},le="+Inf"', times, count)
    yield from series_lines(f"{HISTOGRAM}_count", labels, times, count)
    yield from series_lines(f"{HISTOGRAM}_sum", labels, times, count * route.mean_s)


def _le(bound: float) -> str:
    return "+Inf" if math.isinf(bound) else repr(bound)


def write_openmetrics(traffic: SyntheticTraffic, path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.writelines(openmetrics_lines(traffic))
