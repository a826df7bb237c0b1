"""Queueing formulas for a pool of identical slots fed by Poisson arrivals (M/G/k, FCFS).

Sources: Erlang B recursion and Erlang C from it (Kleinrock, Queueing Systems vol. 1, 3.10);
the Allen-Cunneen correction for non-exponential service (Allen, Probability, Statistics and
Queueing Theory, 2nd ed., 6.4) with Cosmetatos' refinement for service less variable than
exponential (Cosmetatos 1976, "Some approximate equilibrium results for the multi-server queue
(M/G/r)"); the exponential conditional wait of M/M/k (Kleinrock 3.9). A single slot is not
approximated: see `single_slot`. All times in seconds, rates per second, load in Erlangs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol


class ServiceDistribution(Protocol):
    """What the response-time formulas need of a service time (lognormal in production)."""

    def survival(self, t_s: float) -> float: ...

    def quantile_s(self, probability: float) -> float: ...

    def discounted_mass(self, t_s: float, scale_s: float) -> float: ...


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


# How much more often than Erlang C an arrival waits when service times vary more than exponential
# ones: P(wait) = C x (1 + slope x ln(cs^2) x min(1.5, log2(k) / 4)). A safe-side envelope, not a
# derived formula: M/G/k's delay probability depends on the whole service distribution (for cs^2 = 1,
# lognormal service waits less often than exponential), and none of the classical two-moment
# approximations moves it with cs^2. Fitted on simulated P(wait) of lognormal and lognormal-mixture
# service (bench/wait_probability.py: k 4 to 32, load per slot 0.4 to 0.8, cs^2 2.25 to 171, each point
# 4 x 1 million requests): the excess grows with ln(cs^2) and with the slots, about zero at 2 slots;
# 1.23 x Erlang C at 32 slots and cs^2 58 (envelope 1.36). An independent sweep outside it (2 to 192
# slots, load 0.3 to 0.95, other mixtures) found the excess still growing past 32 slots (1.17 to 1.27
# at 48 to 192 slots, cs^2 23 to 58), hence the slot factor's reach to 64 slots. Over both sweeps' 354
# points with cs^2 <= 60 and P(wait) > 0.001 the envelope lies 1.00 to 1.38 x the simulated share
# that waits, never more than 2 standard errors below it. Fitted on P(wait) alone; the pod grid and
# its holdout check the plans it makes. Checked up to cs^2 = VARIABILITY_CHECKED_SCV: beyond (one
# route hundreds of times slower than the rest, carrying most of the load) runs disagree.
VARIABILITY_DELAY_SLOPE = 0.07
_SLOTS_LOG2_SCALE = 4.0
_MOST_SLOTS_REACH = 1.5  # reached at 64 slots
VARIABILITY_CHECKED_SCV = 60.0


def delay_probability(
    servers: int, offered_erlangs: float, service_scv: float, table: ErlangBTable | None = None
) -> float:
    """P(an arrival waits) in M/G/k: Erlang C, raised by the envelope above where cs^2 > 1.

    At or below cs^2 = 1 Erlang C itself, which is exact for exponential service and on the safe side
    for less variable service (M/D/k waits less often)."""
    waits = erlang_c(servers, offered_erlangs, table)
    if service_scv <= 1.0 or servers < 2:
        return waits
    reach = min(_MOST_SLOTS_REACH, math.log2(servers) / _SLOTS_LOG2_SCALE)
    return min(1.0, waits * (1.0 + VARIABILITY_DELAY_SLOPE * math.log(service_scv) * reach))


# Below this P(wait) the wait moves a survival probability by less than 1e-12: skip the integral
# (large pooled queues reach 1e-300).
NEGLIGIBLE_WAIT_PROBABILITY = 1e-12


@dataclass(frozen=True)
class WaitingTime:
    """Queueing delay before a slot frees up: 0 with probability 1 - P(wait), else exponential.

    The exponential conditional wait is exact for M/M/k; with several slots, non-exponential
    service changes mostly its mean, which `mgk_waiting_time` corrects (the simulation grid in
    tests/ measures what is left).
    """

    probability_of_wait: float
    conditional_mean_s: float

    @property
    def mean_s(self) -> float:
        return self.probability_of_wait * self.conditional_mean_s

    def survival(self, t_s: float) -> float:
        """P(W > t)."""
        if self.probability_of_wait == 0.0:
            return 0.0
        return self.probability_of_wait * math.exp(-max(t_s, 0.0) / self.conditional_mean_s)


def _deterministic_wait_factor(servers: int, utilization: float) -> float:
    """Wq(M/D/k) / Wq(M/M/k) after Cosmetatos: 1/2 for one server, more for several at light load."""
    correction = (1.0 - utilization) * (servers - 1) * (math.sqrt(4.0 + 5.0 * servers) - 2.0)
    return 0.5 * (1.0 + correction / (16.0 * utilization * servers))


def variability_factor(servers: int, utilization: float, service_scv: float) -> float:
    """Wq(M/G/k) / Wq(M/M/k): (1 + cs^2) / 2 (Allen-Cunneen) for cs^2 >= 1; below, Cosmetatos'
    interpolation cs^2 + (1 - cs^2) x the M/D/k factor, since Allen-Cunneen's fixed 1/2 for M/D/k
    waits too short at light load with several slots."""
    if service_scv >= 1.0:
        return (1.0 + service_scv) / 2.0
    return service_scv + (1.0 - service_scv) * _deterministic_wait_factor(servers, utilization)


def mgk_waiting_time(
    arrival_rate_per_s: float,
    servers: int,
    mean_service_s: float,
    service_scv: float,
    table: ErlangBTable | None = None,
) -> WaitingTime:
    """Waiting time of M/G/k FCFS; raises ValueError when load >= servers (no steady state).

    P(wait) is `delay_probability`; the mean wait of those who wait is E[S] / (k - a) (M/M/k) times
    `variability_factor`. `table`, if given, must be the Erlang B table of this offered load.
    """
    offered = arrival_rate_per_s * mean_service_s
    if offered >= servers:
        raise ValueError(f"offered load {offered:.4g} Erlangs >= {servers} slots: the queue grows forever")
    factor = variability_factor(servers, offered / servers, service_scv)
    return WaitingTime(
        probability_of_wait=delay_probability(servers, offered, service_scv, table),
        conditional_mean_s=factor * mean_service_s / (servers - offered),
    )


def response_time_survival(wait: WaitingTime, service: ServiceDistribution, t_s: float) -> float:
    """P(W + S > t) for a request of this service time behind this waiting time.

    P(R > t) = (1 - C) P(S > t) + C P(W' + S > t) with W' exponential of mean m, and
    P(W' + S > t) = P(S >= t) + E[exp(-(t - S) / m); S < t].
    """
    tail_of_service = service.survival(t_s)
    if wait.probability_of_wait < NEGLIGIBLE_WAIT_PROBABILITY:
        return tail_of_service
    return tail_of_service + wait.probability_of_wait * service.discounted_mass(t_s, wait.conditional_mean_s)


def response_time_quantile(wait: WaitingTime, service: ServiceDistribution, probability: float = 0.95) -> float:
    """The `probability` quantile of W + S, by bisection on `response_time_survival`.

    Bracket: R >= S gives the S quantile as a lower bound; P(W + S > tw + ts) <= P(W > tw) +
    P(S > ts), with each side at half the allowed tail, gives an upper bound.
    """
    tail = 1.0 - probability
    low = service.quantile_s(probability)
    high = service.quantile_s(1.0 - tail / 2.0)
    if wait.probability_of_wait > tail / 2.0:
        high += wait.conditional_mean_s * math.log(2.0 * wait.probability_of_wait / tail)
    while high - low > 1e-6 * high:
        middle = (low + high) / 2.0
        if response_time_survival(wait, service, middle) > tail:
            low = middle
        else:
            high = middle
    return high
