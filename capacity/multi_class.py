"""The FCFS wait of a queue of k >= 2 identical slots serving several routes, as a distribution.

In FCFS every request waits the same wait W whatever its route, so route i's response is W + S_i.
W is 0 with probability 1 - C (C = `queueing.delay_probability`: Erlang C, raised for variable
service) and otherwise Wc, the wait of those who wait. A
two-moment model takes Wc exponential with the Allen-Cunneen mean (1 + cs^2) / 2 x E[S] / (k - a),
cs^2 the mixture's squared CV. For mixtures of fast and slow routes that mean is about twice the
simulated one and the exponential's shape is wrong too (the true Wc has many short waits and a
long tail), so tight SLOs of fast routes are over-planned. Here Wc comes from the whole mixture:

    P(Wc > t) = P_pool(t)^g x P_ind(t)^(1 - g),   g = POOLED_WEIGHT

- P_pool: the conditional wait of an M/G/1 queue whose service is S / k at the same load
  rho = a / k (the k slots as one slot k times as fast; the heavy-traffic limit of M/G/k, and the
  "S/c" reduction behind Tijms, van Hoorn and Federgruen's M/G/c approximation, Adv. Appl. Prob.
  13 (1981) 186-206). Its mean is the Allen-Cunneen mean; it is a geometric sum of the mixture's
  equilibrium residuals R / k (Pollaczek-Khinchine / Benes), computed by FFT as in `single_slot`.
- P_ind: P(Wc1 > t)^k, Wc1 the conditional wait of an M/G/1 queue with the mixture's own service
  S at load rho: a waiting request is served by the first of k slots to free, each slot taken as
  its own single-slot queue. Exact for M/G/1 (k = 1), for M/M/k (both factors are then
  exponential with rate k mu - lambda), and in light traffic, where the k residuals are
  independent equilibrium residuals (M/G/infinity; Burman and Smith, Math. Oper. Res. 8 (1983)).
- Both factors are exact for M/M/k and M/G/1 and both tend to the exponential with the
  Allen-Cunneen mean in heavy traffic (Kollerstrom 1974); for a variable mixture at moderate load
  P_pool is too long and P_ind too short (the shared queue correlates the queue length with the
  slow jobs in service, which P_ind ignores). The geometric interpolation between the two systems
  (in the spirit of Kimura's system interpolations, Queueing Systems 17 (1994) 347-382) uses a
  weight calibrated on the simulation grid of tests/support/sim_grid.py: no case under-plans for
  g >= 0.6; 0.7 keeps a margin.

Below cs^2 = 1 (low-variability mixtures) the current exponential wait with Cosmetatos' correction
is kept: both factors share Allen-Cunneen's optimism for nearly deterministic service at light load
with several slots (the grid's "pp k4 cv0.5 tight" under-plans with them).

Discretisation as in `single_slot`: every duration rounds up to the next grid point, so survival
probabilities err on the safe side. Each route has its own grid, HORIZON_FACTOR x its SLO in
GRID_POINTS steps, so a fast route's tight SLO is resolved as finely as a slow route's loose one.
Times in seconds, rates per second.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from capacity.lognormal_grid import (
    GRID_POINTS,
    HORIZON_FACTOR,
    TILT_EXPONENT,
    lognormal_cdf,
    lognormal_partial_mean,
    upward_pmf,
)
from capacity.queueing import (
    NEGLIGIBLE_WAIT_PROBABILITY,
    ErlangBTable,
    WaitingTime,
    delay_probability,
    response_time_quantile,
    response_time_survival,
    variability_factor,
)
from capacity.service_time import ServiceTime, mixture_moments

POOLED_WEIGHT = 0.7
# The FFT runs on 2 x the grid: a wait and a service time each on the grid convolve within it, and the
# tilt leaves the geometric sums that reach beyond it at e^-20 on the grid.
_FFT_FACTOR = 2
# When the mean of the scaled residual R / k spans fewer grid steps than this, P_pool is a geometric
# sum of residuals too fine for the grid (large pooled queues): it is then exponential (Renyi's
# theorem for geometric sums) with the same, Allen-Cunneen, mean.
_MIN_RESIDUAL_STEPS = 8.0
# `response_survival` returns the upper bound (1 - C) P(S > t) + C, without a grid, when that bound
# is at or below this: the sizing search compares with 1 - 0.95 = 0.05 and decides the same.
_TRIVIAL_TAIL = 0.05


@dataclass(frozen=True)
class RouteClass:
    """One route as the queue sees it: its arrival rate (1/s), service time and p95 SLO (s)."""

    rps: float
    service_time: ServiceTime
    slo_s: float


class _RouteGrid:
    """The grid of one SLO: x_j = j x step, j < GRID_POINTS, step = HORIZON_FACTOR x SLO / GRID_POINTS."""

    def __init__(self, slo_s: float, mix: MultiClassWait) -> None:
        self.step_s = HORIZON_FACTOR * slo_s / GRID_POINTS
        self.length = _FFT_FACTOR * GRID_POINTS
        self.x = self.step_s * np.arange(GRID_POINTS)
        self.tilt = math.exp(-TILT_EXPONENT / self.length) ** np.arange(self.length)
        self._mix = mix
        self._residual_hats: dict[int, np.ndarray] = {}
        self.service_pmfs: dict[int, np.ndarray] = {}

    def residual_hat(self, divisor: int) -> np.ndarray:
        """Tilted transform of R / divisor, R the mixture's equilibrium residual:
        P(R <= y) = sum_i w_i E[min(S_i, y)] / E[S]."""
        hat = self._residual_hats.get(divisor)
        if hat is None:
            mix = self._mix
            partial = np.zeros(GRID_POINTS)
            for w, s in zip(mix.weights, mix.services, strict=True):
                partial += w * lognormal_partial_mean(s, divisor * self.x)
            hat = np.fft.rfft(upward_pmf(partial / mix.mean_s, self.length) * self.tilt)
            if len(self._residual_hats) > 64:  # pooled searches visit O(log N) slot counts
                self._residual_hats.clear()
            self._residual_hats[divisor] = hat
        return hat

    def service_pmf(self, index: int) -> np.ndarray:
        pmf = self.service_pmfs.get(index)
        if pmf is None:
            pmf = self.service_pmfs[index] = upward_pmf(lognormal_cdf(self._mix.services[index], self.x), self.length)
        return pmf

    def geometric_survival(self, residual_hat: np.ndarray, load: float) -> np.ndarray:
        """P(R_1 + ... + R_N > x_j), N >= 1 with P(N = n) = (1 - load) load^(n - 1): the
        conditional wait of M/G/1 (transform (1 - rho) R / (1 - rho R))."""
        wait_hat = (1.0 - load) * residual_hat / (1.0 - load * residual_hat)
        pmf = np.clip(np.fft.irfft(wait_hat, self.length)[:GRID_POINTS] / self.tilt[:GRID_POINTS], 0.0, None)
        return np.clip(1.0 - np.cumsum(pmf), 0.0, 1.0)


class MultiClassWait:
    """Waits and responses of one FCFS queue of identical slots fed by several Poisson routes.

    Built once per pool (it caches grids and transforms); `at(slots, arrival_rps)` gives the queue
    with that many slots at that total arrival rate (per-pod: k slots at rps / N; pooled: N x k
    slots at rps). Route shares stay those of `routes` at every rate.
    """

    def __init__(self, routes: Sequence[RouteClass], pooled_weight: float = POOLED_WEIGHT) -> None:
        total = sum(r.rps for r in routes)
        self.routes = tuple(routes)
        self.weights = [r.rps / total for r in routes]
        self.services = [r.service_time for r in routes]
        self.mean_s, self.scv = mixture_moments([(r.rps, r.service_time) for r in routes])
        self.pooled_weight = pooled_weight
        self._grids: dict[float, _RouteGrid] = {}

    def grid(self, slo_s: float) -> _RouteGrid:
        grid = self._grids.get(slo_s)
        if grid is None:
            grid = self._grids[slo_s] = _RouteGrid(slo_s, self)
        return grid

    def at(self, slots: int, arrival_rps: float, table: ErlangBTable | None = None) -> MultiClassState:
        """The queue with `slots` slots (>= 2) at `arrival_rps`; ValueError when the load reaches
        the slots. `table`, if given, is the Erlang B table of this offered load (pooled search)."""
        offered = arrival_rps * self.mean_s
        if offered >= slots:
            raise ValueError(f"offered load {offered:.4g} Erlangs >= {slots} slots: the queue grows forever")
        return MultiClassState(self, slots, offered, delay_probability(slots, offered, self.scv, table))


@lru_cache(maxsize=64)
def _shared(shape: tuple[tuple[float, ServiceTime, float], ...], pooled_weight: float) -> MultiClassWait:
    return MultiClassWait([RouteClass(share, service, slo) for share, service, slo in shape], pooled_weight)


def forget_mixtures() -> None:
    """Drop the shared grids: the next sizing builds them as the first of a process does (benchmarks)."""
    _shared.cache_clear()


def mixture_for(routes: Sequence[RouteClass], pooled_weight: float = POOLED_WEIGHT) -> MultiClassWait:
    """A `MultiClassWait` for these routes, shared by every pool with the same route shares, service
    times and SLOs (a plan sizes the same services at several rates, and `describe_pool` rebuilds
    the queue the search used): the grids and transforms are built once. Only the shares matter,
    since `at` takes the total rate."""
    total = sum(r.rps for r in routes)
    shape = tuple((round(r.rps / total, 12), r.service_time, r.slo_s) for r in routes)
    return _shared(shape, pooled_weight)


class MultiClassState:
    """One slot count's queue; the `pool_queue.QueueState` protocol."""

    def __init__(self, mix: MultiClassWait, slots: int, offered: float, probability_of_wait: float) -> None:
        self._mix = mix
        self.slots = slots
        self.load = offered / slots
        self.probability_of_wait = probability_of_wait
        self.ac_mean_s = variability_factor(slots, self.load, mix.scv) * mix.mean_s / (slots - offered)
        # Below cs^2 = 1 (or when the wait is negligible) the exponential wait of the current model.
        self._exponential = mix.scv < 1.0 or probability_of_wait < NEGLIGIBLE_WAIT_PROBABILITY
        self._wait = WaitingTime(probability_of_wait, self.ac_mean_s)
        self._survivals: dict[float, np.ndarray] = {}
        if self._exponential:
            self.mean_wait_s = self._wait.mean_s
        else:
            longest = max(r.slo_s for r in mix.routes)
            grid = mix.grid(longest)
            # E[Wc] = sum of P(Wc > x_j) x step on the longest grid, plus the part beyond it: P(Wc > H) x
            # the Allen-Cunneen mean, the exponential tail both factors of the blend share in heavy traffic.
            survival = self.conditional_survival(longest)
            beyond = float(survival[-1]) * self.ac_mean_s
            self.mean_wait_s = probability_of_wait * (float(np.sum(survival)) * grid.step_s + beyond)

    def conditional_survival(self, slo_s: float) -> np.ndarray:
        """P(Wc > x_j) on the grid of this SLO (the blend of the module docstring)."""
        cached = self._survivals.get(slo_s)
        if cached is not None:
            return cached
        mix, grid, k = self._mix, self._mix.grid(slo_s), self.slots
        independent = grid.geometric_survival(grid.residual_hat(1), self.load) ** k
        residual_steps = mix.mean_s * (1.0 + mix.scv) / 2.0 / k / grid.step_s
        if residual_steps < _MIN_RESIDUAL_STEPS:
            pooled = np.exp(-grid.x / self.ac_mean_s)
        else:
            pooled = grid.geometric_survival(grid.residual_hat(k), self.load)
        g = mix.pooled_weight
        survival: np.ndarray = np.power(pooled, g) * np.power(independent, 1.0 - g)
        self._survivals[slo_s] = survival
        return survival

    def response_survival_grid(self, route_index: int) -> tuple[np.ndarray, float]:
        """(P(W + S_i > x_j) for j < GRID_POINTS, step) on the grid of route i's SLO."""
        mix = self._mix
        slo = mix.routes[route_index].slo_s
        grid = mix.grid(slo)
        service = grid.service_pmf(route_index)
        survival = self.conditional_survival(slo)
        wait_pmf = np.zeros(grid.length)
        wait_pmf[:GRID_POINTS] = -np.diff(survival, prepend=1.0)
        wait_pmf[GRID_POINTS] = survival[-1]
        both = np.fft.irfft(np.fft.rfft(wait_pmf * grid.tilt) * np.fft.rfft(service * grid.tilt), grid.length)
        waited = 1.0 - np.cumsum(np.clip(both[:GRID_POINTS] / grid.tilt[:GRID_POINTS], 0.0, None))
        alone = 1.0 - np.cumsum(service[:GRID_POINTS])
        c = self.probability_of_wait
        return np.clip((1.0 - c) * alone + c * waited, 0.0, 1.0), grid.step_s

    def response_survival(self, route_index: int, t_s: float) -> float:
        """P(W + S_i > t). At t = route i's SLO (what the sizing search asks) one dot product:
        sum_j P(S_i at x_j) P(Wc > x_T - x_j), x_T the grid point at or below t (safe side)."""
        route = self._mix.routes[route_index]
        if self._exponential:
            return response_time_survival(self._wait, route.service_time, t_s)
        alone_exact = route.service_time.survival(t_s)
        c = self.probability_of_wait
        if (1.0 - c) * alone_exact + c <= _TRIVIAL_TAIL:
            # Even if every request that waits missed t, the tail would meet a p95 SLO: return
            # that upper bound (never below the true value) without building a grid.
            return (1.0 - c) * alone_exact + c
        grid = self._mix.grid(route.slo_s)
        t_index = int(t_s / grid.step_s + 1e-9)
        if t_index >= GRID_POINTS:
            return float(self.response_survival_grid(route_index)[0][-1])
        service = grid.service_pmf(route_index)[: t_index + 1]
        survival = self.conditional_survival(route.slo_s)
        waited = float(np.dot(service, survival[t_index::-1])) + max(0.0, 1.0 - float(np.sum(service)))
        alone = max(0.0, 1.0 - float(np.sum(service)))
        return (1.0 - c) * alone + c * waited

    def response_quantile(self, route_index: int, probability: float) -> float:
        """The smallest grid point with P(W + S_i > x) <= 1 - probability; inf beyond the grid."""
        if self._exponential:
            return response_time_quantile(self._wait, self._mix.routes[route_index].service_time, probability)
        survival, step = self.response_survival_grid(route_index)
        meeting = np.nonzero(survival <= 1.0 - probability)[0]
        return float(meeting[0] * step) if meeting.size else math.inf
