"""Queueing formulas for a pool of identical slots fed by Poisson arrivals (M/G/k, FCFS).

Sources: Erlang B recursion and Erlang C from it (Kleinrock, Queueing Systems vol. 1, 3.10);
the Allen-Cunneen correction for non-exponential service (Allen, Probability, Statistics and
Queueing Theory, 2nd ed., 6.4) with Cosmetatos' refinement for service less variable than
exponential (Cosmetatos 1976, "Some approximate equilibrium results for the multi-server queue
(M/G/r)"); the moments of the M/G/1 waiting time (Takacs; Kleinrock 5.7).
All times in seconds, rates per second, load in Erlangs (busy slots on average).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

from capacity.service_time import Moments


class ServiceDistribution(Protocol):
    """What the response-time formulas need of a service time (lognormal in production)."""

    def survival(self, t_s: float) -> float: ...

    def quantile_s(self, probability: float) -> float: ...

    def discounted_mass(self, t_s: float, scale_s: float, low_s: float = 0.0, high_s: float | None = None) -> float: ...


def erlang_b(servers: int, offered_erlangs: float) -> float:
    """Blocking probability of M/M/k/k, by the recursion B(k) = a B(k-1) / (k + a B(k-1)).

    Every step stays in [0, 1], so it is stable for any number of servers (no factorials, no
    powers); cost is O(servers).
    """
    if servers < 0 or offered_erlangs < 0:
        raise ValueError("servers and offered load must be non-negative")
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = offered_erlangs * blocking / (k + offered_erlangs * blocking)
    return blocking


class ErlangBTable:
    """Erlang B of one offered load for any number of servers, each recursion step done once.

    Searching a pooled queue for its pod count asks for B at many server counts with the same
    load; the table makes the whole search O(largest server count) instead of O(k log k).
    """

    def __init__(self, offered_erlangs: float) -> None:
        if offered_erlangs < 0:
            raise ValueError("offered load must be non-negative")
        self.offered_erlangs = offered_erlangs
        self._values = [1.0]

    def blocking(self, servers: int) -> float:
        a = self.offered_erlangs
        for k in range(len(self._values), servers + 1):
            previous = self._values[-1]
            self._values.append(a * previous / (k + a * previous))
        return self._values[servers]


def erlang_c(servers: int, offered_erlangs: float, table: ErlangBTable | None = None) -> float:
    """P(an arrival waits) in M/M/k: C = k B / (k - a (1 - B)); 1.0 when the pool is overloaded."""
    if servers < 1:
        raise ValueError("a pool needs at least one server")
    if offered_erlangs >= servers:
        return 1.0
    blocking = table.blocking(servers) if table is not None else erlang_b(servers, offered_erlangs)
    return servers * blocking / (servers - offered_erlangs * (1.0 - blocking))


Phases = tuple[tuple[float, float], ...]
# Below this P(wait) the wait moves a survival probability by less than 1e-12: skip the integral
# (large pooled queues reach 1e-300).
_NEGLIGIBLE_WAIT_PROBABILITY = 1e-12


@dataclass(frozen=True)
class TailSegment:
    """On [start, end) the survival of W' is sum p exp(-x / m) over the (p, m) phases."""

    start_s: float
    end_s: float
    phases: Phases

    def survival(self, x_s: float) -> float:
        return math.fsum(p * math.exp(-x_s / m) for p, m in self.phases)


def balanced_hyperexponential(mean_s: float, scv: float) -> Phases:
    """(probability, mean) of the two phases of the balanced-means H2 with this mean and SCV > 1.

    Whitt (1982): p1 = (1 + sqrt((c^2 - 1) / (c^2 + 1))) / 2; phase i has mean m / (2 p_i).
    """
    first = (1.0 + math.sqrt((scv - 1.0) / (scv + 1.0))) / 2.0
    return tuple((p, mean_s / (2.0 * p)) for p in (first, 1.0 - first))


def _crossing_s(exponential: TailSegment, hyper: TailSegment, mean_s: float) -> float:
    """Where the H2 survival, below the exponential's near 0, rises above it (they cross once)."""
    low, high = 0.0, mean_s
    while hyper.survival(high) <= exponential.survival(high):
        low, high = high, 2.0 * high
    while high - low > 1e-9 * high:
        middle = (low + high) / 2.0
        low, high = (middle, high) if hyper.survival(middle) <= exponential.survival(middle) else (low, middle)
    return high


@dataclass(frozen=True)
class WaitingTime:
    """Queueing delay before a slot frees up: 0 with probability 1 - P(wait), else W'.

    W', the wait of those who wait, has mean `conditional_mean_s` and squared coefficient of
    variation `conditional_scv`. With SCV <= 1 it is exponential (exact for M/M/k). Above 1 the
    true shape is unknown for k > 1 and heavy-tailed for k = 1 (a geometric sum of residual
    service times); two-moment fits such as the balanced H2 put more mass near 0 and more in the
    far tail than the exponential of the same mean. We take, at every x, the larger of the two
    survival functions: never lighter than either, so no p95 comes out optimistic for lack of
    knowing the shape. `segments` describes that survival piecewise as mixes of exponentials.
    """

    probability_of_wait: float
    conditional_mean_s: float
    conditional_scv: float = 1.0

    @property
    def mean_s(self) -> float:
        """Mean wait of all requests, C x E[W'] (the conservative shape is not counted here)."""
        return self.probability_of_wait * self.conditional_mean_s

    @cached_property
    def segments(self) -> tuple[TailSegment, ...]:
        exponential = TailSegment(0.0, math.inf, ((1.0, self.conditional_mean_s),))
        if self.conditional_scv <= 1.0 or not math.isfinite(self.conditional_mean_s):
            return (exponential,)
        hyper = TailSegment(0.0, math.inf, balanced_hyperexponential(self.conditional_mean_s, self.conditional_scv))
        crossing = _crossing_s(exponential, hyper, self.conditional_mean_s)
        return (TailSegment(0.0, crossing, exponential.phases), TailSegment(crossing, math.inf, hyper.phases))

    @property
    def slowest_phase_mean_s(self) -> float:
        return max(m for segment in self.segments for _, m in segment.phases)

    def survival(self, t_s: float) -> float:
        """P(W > t)."""
        if self.probability_of_wait == 0.0:
            return 0.0
        x_s = max(t_s, 0.0)
        segment = next(s for s in self.segments if x_s < s.end_s)
        return self.probability_of_wait * segment.survival(x_s)


def _deterministic_wait_factor(servers: int, utilization: float) -> float:
    """Wq(M/D/k) / Wq(M/M/k) after Cosmetatos: 1/2 for one server, more for several at light load."""
    correction = (1.0 - utilization) * (servers - 1) * (math.sqrt(4.0 + 5.0 * servers) - 2.0)
    return 0.5 * (1.0 + correction / (16.0 * utilization * servers))


def conditional_wait_scv(utilization: float, service: Moments) -> float:
    """SCV of the wait of those who wait in M/G/1, from the first three service moments.

    With r1 and r2 the first two moments of the residual service, W' has mean r1 / (1 - rho) and
    second moment 2 rho r1^2 / (1 - rho)^2 + r2 / (1 - rho) (Takacs), so its SCV is
    2 rho - 1 + (1 - rho) r2 / r1^2: the residual's own SCV at light load, 1 in heavy traffic,
    exactly 1 for exponential service. Used for k slots at the per-slot utilisation; several slots
    make the tail lighter, so this errs on the safe side.
    """
    r1, r2 = service.residual_mean_s, service.residual_second_s2
    return 2.0 * utilization - 1.0 + (1.0 - utilization) * r2 / (r1 * r1)


def mgk_waiting_time(
    arrival_rate_per_s: float,
    servers: int,
    service: Moments,
    table: ErlangBTable | None = None,
) -> WaitingTime:
    """Waiting time of M/G/k FCFS; raises ValueError when load >= servers (no steady state).

    P(wait) is Erlang C. The mean wait of those who wait is E[S] / (k - a) (M/M/k) times a
    variability factor: (1 + cs^2) / 2 (Allen-Cunneen) for cs^2 >= 1, and for less variable service
    Cosmetatos' interpolation cs^2 + (1 - cs^2) x the M/D/k factor, which Allen-Cunneen (a fixed 1/2
    for M/D/k) underestimates at light load with several slots. `table`, if given, must be the
    Erlang B table of this offered load (rate x mean service).
    """
    offered = arrival_rate_per_s * service.mean_s
    if offered >= servers:
        raise ValueError(f"offered load {offered:.4g} Erlangs >= {servers} slots: the queue grows forever")
    scv = service.scv
    utilization = offered / servers
    if scv >= 1.0:
        variability = (1.0 + scv) / 2.0
    else:
        variability = scv + (1.0 - scv) * _deterministic_wait_factor(servers, utilization)
    return WaitingTime(
        probability_of_wait=erlang_c(servers, offered, table),
        conditional_mean_s=variability * service.mean_s / (servers - offered),
        conditional_scv=conditional_wait_scv(utilization, service),
    )


def response_time_survival(wait: WaitingTime, service: ServiceDistribution, t_s: float) -> float:
    """P(W + S > t) for a request of this service time behind this waiting time.

    P(R > t) = (1 - C) P(S > t) + C P(W' + S > t) and P(W' + S > t) = P(S >= t) +
    E[G(t - S); S < t] with G the survival of W'. On each segment [a, b) of G, a mix of
    exponentials, that expectation is a sum of p E[exp(-(t - S) / m); t - b < S <= t - a].
    """
    tail_of_service = service.survival(t_s)
    if wait.probability_of_wait < _NEGLIGIBLE_WAIT_PROBABILITY:
        return tail_of_service
    behind_wait = math.fsum(
        p * service.discounted_mass(t_s, m, low_s=t_s - segment.end_s, high_s=t_s - segment.start_s)
        for segment in wait.segments
        if segment.start_s < t_s
        for p, m in segment.phases
    )
    return tail_of_service + wait.probability_of_wait * behind_wait


def response_time_quantile(wait: WaitingTime, service: ServiceDistribution, probability: float = 0.95) -> float:
    """The `probability` quantile of W + S, by bisection on `response_time_survival`.

    Bracket: R >= S gives the S quantile as a lower bound; P(W + S > tw + ts) <= P(W > tw) +
    P(S > ts), with each side at half the allowed tail, gives an upper bound.
    """
    tail = 1.0 - probability
    low = service.quantile_s(probability)
    high = service.quantile_s(1.0 - tail / 2.0)
    if wait.probability_of_wait > tail / 2.0:
        # Every phase decays at least as fast as the slowest one.
        high += wait.slowest_phase_mean_s * math.log(2.0 * wait.probability_of_wait / tail)
    while high - low > 1e-6 * high:
        middle = (low + high) / 2.0
        if response_time_survival(wait, service, middle) > tail:
            low = middle
        else:
            high = middle
    return high
