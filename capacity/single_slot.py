"""Response times of a single-slot FCFS queue (M/G/1), exact up to a grid step.

With one slot the waiting time is known exactly (Pollaczek-Khinchine, Benes): W is a geometric
sum of residual service times, P(N = n) = (1 - rho) rho^n, with the residual's density
P(S > x) / E[S]. Its transform is (1 - rho) / (1 - rho R(s)), so on a grid one FFT gives W, a
second convolution adds a route's own service time. Heavy-tailed service (CV 2) makes the wait
heavy-tailed too, which no two-moment formula captures; this is why one slot is computed, not
approximated.

Discretisation rounds every duration up to the next grid point, so the computed response time is
stochastically larger than the true one: survival probabilities and quantiles err on the safe
side, by at most a grid step per convolution. The grid covers `HORIZON_FACTOR` times the largest
SLO in `GRID_POINTS` steps; exponential tilting (Grubel and Hermesmeier 1999) keeps the FFT's
wrap-around below 1e-9.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from capacity.lognormal_grid import (
    GRID_POINTS,
    HORIZON_FACTOR,
    TILT_EXPONENT,
    lognormal_cdf,
    lognormal_partial_mean,
    upward_pmf,
)
from capacity.service_time import ServiceTime

# The FFT runs on 4 x the grid: the tilt leaves the sums that reach beyond it at e^-30 on the grid.
_FFT_FACTOR = 4


@dataclass(frozen=True)
class SingleSlotRoute:
    name: str
    rps: float
    service_time: ServiceTime


class SingleSlotQueue:
    """One slot fed by several Poisson routes; the tilted transforms are built once per pool."""

    def __init__(self, routes: tuple[SingleSlotRoute, ...], longest_slo_s: float) -> None:
        total_rps = sum(route.rps for route in routes)
        self._weights = [route.rps / total_rps for route in routes]
        self._routes = routes
        self.mean_service_s = sum(w * r.service_time.mean_s for w, r in zip(self._weights, routes, strict=True))
        self.step_s = HORIZON_FACTOR * longest_slo_s / GRID_POINTS
        self._length = _FFT_FACTOR * GRID_POINTS
        grid = self.step_s * np.arange(GRID_POINTS)
        theta = math.exp(-TILT_EXPONENT / self._length)
        self._tilt = theta ** np.arange(self._length)
        self._residual_hat = np.fft.rfft(upward_pmf(self._residual_cdf(grid), self._length) * self._tilt)
        self._service_hats = [
            np.fft.rfft(upward_pmf(lognormal_cdf(r.service_time, grid), self._length) * self._tilt) for r in routes
        ]

    def _residual_cdf(self, grid: np.ndarray) -> np.ndarray:
        """P(R <= x) = (1 / E[S]) integral_0^x P(S > u) du = E[min(S, x)] / E[S], over the mix."""
        partial = sum(
            w * lognormal_partial_mean(r.service_time, grid) for w, r in zip(self._weights, self._routes, strict=True)
        )
        return np.asarray(partial) / self.mean_service_s

    def response_survival_grid(self, utilization: float, route_index: int) -> np.ndarray:
        """P(W + S > x_j) for the grid points x_j = j x step, j < GRID_POINTS."""
        if not 0.0 <= utilization < 1.0:
            raise ValueError(f"utilization {utilization:.4g} of a single slot must be below 1")
        wait_hat = (1.0 - utilization) / (1.0 - utilization * self._residual_hat)
        tilted = np.fft.irfft(wait_hat * self._service_hats[route_index], self._length)
        pmf = np.clip(tilted[:GRID_POINTS] / self._tilt[:GRID_POINTS], 0.0, None)
        return np.clip(1.0 - np.cumsum(pmf), 0.0, 1.0)

    def response_survival(self, utilization: float, route_index: int, t_s: float) -> float:
        """P(W + S > t), rounded to the safe side (the grid point at or below t)."""
        survival = self.response_survival_grid(utilization, route_index)
        index = min(int(t_s / self.step_s), len(survival) - 1)
        return float(survival[index])

    def response_quantile(self, utilization: float, route_index: int, probability: float) -> float:
        """The smallest grid point with P(W + S > x) <= 1 - probability; inf beyond the grid."""
        survival = self.response_survival_grid(utilization, route_index)
        meeting = np.nonzero(survival <= 1.0 - probability)[0]
        return float(meeting[0] * self.step_s) if meeting.size else math.inf
