"""An exact discrete-event simulator of the pool model's assumptions, to check the formulas against.

Assumptions, the same as `capacity.pool_sizing`: Poisson arrivals; each request belongs to a route
chosen with probability proportional to the route's rps; lognormal service time given by the
route's mean (s) and CV; FCFS over identical slots.

FCFS over k slots needs no event list: requests start in arrival order, so each arrival takes the
slot that frees first (a min-heap of slot-free times): start = max(arrival, free), finish = start +
service. That is exact for M/G/k FCFS, and costs O(log k) per request.

Common random numbers: an `ArrivalStream` holds unit-rate arrival epochs and the route and service
time of each request. A pool of N pods replays the same stream with time stretched by 1 / rate, so
candidate pod counts are compared on the same requests and their difference is not sampling noise.

Units: times in seconds, rates in requests per second.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from capacity.pool_spec import PoolSpec, Routing

SLO_QUANTILE = 0.95
# Requests simulated before measuring, so the empty-and-idle start does not flatter the pool.
# At 0.75 load per slot and CV 2 the queue forgets its empty start within a few thousand
# requests; 20k is ample.
DEFAULT_WARMUP = 20_000
DEFAULT_MEASURED = 250_000
# Batch means: the measured requests are cut into this many consecutive batches, and the spread
# of the per-batch tail fractions gives the standard error despite correlated waits.
BATCHES = 25


def lognormal_parameters(mean_s: float, cv: float) -> tuple[float, float]:
    """Log-scale (mu, sigma) of the lognormal with mean `mean_s` seconds and this CV.

    Derived here rather than taken from `ServiceTime`, so a slip there would show up as a
    disagreement instead of being shared by model and simulator.
    """
    sigma2 = math.log1p(cv * cv)
    return math.log(mean_s) - sigma2 / 2.0, math.sqrt(sigma2)


@dataclass(frozen=True)
class SimRoute:
    """One route's traffic share and service time: rate (1/s), mean service (s), service CV."""

    name: str
    rps: float
    mean_s: float
    cv: float


@dataclass
class ArrivalStream:
    """Common random numbers for one case: a Poisson stream of unit rate, with route and service.

    `unit_epochs[i]` is the i-th arrival of a rate-1 Poisson process; at rate r it arrives at
    unit_epochs[i] / r seconds. Requests are drawn one at a time from one seeded generator, so a
    longer stream from the same seed extends, never changes, a shorter one.
    """

    routes: tuple[SimRoute, ...]
    seed: int
    unit_epochs: list[float] = field(default_factory=list)
    route_index: list[int] = field(default_factory=list)
    service_s: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        total = sum(route.rps for route in self.routes)
        # Cumulative route shares, to pick a route by one uniform draw.
        self._cumulative: list[float] = []
        running = 0.0
        for route in self.routes:
            running += route.rps / total
            self._cumulative.append(running)
        self._cumulative[-1] = 1.0
        self._params = [lognormal_parameters(route.mean_s, route.cv) for route in self.routes]

    @property
    def total_rps(self) -> float:
        return sum(route.rps for route in self.routes)

    def ensure(self, count: int) -> None:
        """Draw requests until the stream holds at least `count` of them."""
        rng, cumulative, params = self._rng, self._cumulative, self._params
        epoch = self.unit_epochs[-1] if self.unit_epochs else 0.0
        for _ in range(count - len(self.unit_epochs)):
            epoch += rng.expovariate(1.0)
            u = rng.random()
            index = 0
            while u > cumulative[index]:
                index += 1
            mu, sigma = params[index]
            self.unit_epochs.append(epoch)
            self.route_index.append(index)
            self.service_s.append(rng.lognormvariate(mu, sigma))


def fcfs_waits(
    unit_epochs: Sequence[float], service_s: Sequence[float], slots: int, seconds_per_unit: float = 1.0
) -> list[float]:
    """Waiting time (s) of each request of an FCFS queue with `slots` identical slots.

    Request i arrives at unit_epochs[i] x seconds_per_unit seconds and needs service_s[i] seconds.
    A request that finds a free slot waits exactly 0.0, so P(wait) can be counted without a
    rounding threshold.
    """
    free = [0.0] * slots  # a list of equal values is already a heap
    replace = heapq.heapreplace
    waits = []
    append = waits.append
    for unit_epoch, service in zip(unit_epochs, service_s, strict=True):
        arrival = unit_epoch * seconds_per_unit
        earliest = free[0]
        if earliest > arrival:
            append(earliest - arrival)
            replace(free, earliest + service)
        else:
            append(0.0)
            replace(free, arrival + service)
    return waits


def fcfs_response_times(
    unit_epochs: Sequence[float], service_s: Sequence[float], slots: int, seconds_per_unit: float = 1.0
) -> list[float]:
    """Response time (wait + service, s) of each request; arguments as for `fcfs_waits`."""
    waits = fcfs_waits(unit_epochs, service_s, slots, seconds_per_unit)
    return [wait + service for wait, service in zip(waits, service_s, strict=True)]


def empirical_quantile(values: Sequence[float], probability: float) -> float:
    """The smallest x with at most (1 - probability) of `values` above it.

    With this definition, quantile <= slo exactly when the fraction above slo is <= 1 - probability,
    so the p95 check and the tail-fraction check never disagree.
    """
    ordered = sorted(values)
    return ordered[max(0, math.ceil(probability * len(ordered) - 1e-9) - 1)]


@dataclass(frozen=True)
class RouteTail:
    """Simulated response time of one route: its p95 (s) and the share of requests over the SLO."""

    name: str
    requests: int
    p95_s: float
    slo_s: float
    fraction_over_slo: float
    fraction_stderr: float  # batch-means standard error of fraction_over_slo

    @property
    def meets_slo(self) -> bool:
        return self.fraction_over_slo <= 1.0 - SLO_QUANTILE

    @property
    def z_from_boundary(self) -> float:
        """How many standard errors the tail fraction sits from the 5 % boundary (inf if no spread)."""
        gap = abs(self.fraction_over_slo - (1.0 - SLO_QUANTILE))
        return math.inf if self.fraction_stderr == 0.0 else gap / self.fraction_stderr


def batch_means_stderr(flags: Sequence[bool], batches: int = BATCHES) -> float:
    """Standard error of the mean of `flags`, from the spread of the means of consecutive batches."""
    size = len(flags) // batches
    if size == 0:
        return math.inf
    means = [sum(flags[b * size : (b + 1) * size]) / size for b in range(batches)]
    average = sum(means) / batches
    variance = sum((m - average) ** 2 for m in means) / (batches - 1)
    return math.sqrt(variance / batches)


def route_tails(
    stream: ArrivalStream,
    responses: Sequence[float],
    slos_s: Sequence[float],
    warmup: int,
) -> tuple[RouteTail, ...]:
    """Split measured responses (those after `warmup`) by route and summarise each route's tail."""
    per_route: list[list[float]] = [[] for _ in stream.routes]
    measured_routes = stream.route_index[warmup : len(responses)]
    for index, response in zip(measured_routes, responses[warmup:], strict=True):
        per_route[index].append(response)
    tails = []
    for route, slo, values in zip(stream.routes, slos_s, per_route, strict=True):
        over = [value > slo for value in values]
        tails.append(
            RouteTail(
                name=route.name,
                requests=len(values),
                p95_s=empirical_quantile(values, SLO_QUANTILE),
                slo_s=slo,
                fraction_over_slo=sum(over) / len(values),
                fraction_stderr=batch_means_stderr(over),
            )
        )
    return tuple(tails)


def stream_for(spec: PoolSpec, seed: int) -> ArrivalStream:
    """An empty stream of the spec's routes; draw requests with `ensure`."""
    routes = tuple(
        SimRoute(route.name, route.rps, route.service_time.mean_s, route.service_time.cv) for route in spec.routes
    )
    return ArrivalStream(routes=routes, seed=seed)


def simulate_pool(
    spec: PoolSpec,
    pods: int,
    stream: ArrivalStream,
    measured: int = DEFAULT_MEASURED,
    warmup: int = DEFAULT_WARMUP,
) -> tuple[RouteTail, ...]:
    """Per-route simulated p95 and SLO tail of `spec` served by `pods` pods.

    Per-pod routing: random spreading splits the Poisson stream into N independent Poisson streams
    of rate rps / N, so one pod with its k slots at that rate has the distribution of every pod.
    Pooled routing: one FCFS queue over N x k slots at the full rate.
    """
    stream.ensure(warmup + measured)
    if spec.routing is Routing.POOLED:
        slots, rate = pods * spec.slots_per_pod, stream.total_rps
    else:
        slots, rate = spec.slots_per_pod, stream.total_rps / pods
    count = warmup + measured
    responses = fcfs_response_times(
        stream.unit_epochs[:count], stream.service_s[:count], slots, seconds_per_unit=1.0 / rate
    )
    return route_tails(stream, responses, [route.p95_slo_s for route in spec.routes], warmup)
