"""Lognormal service times, described the way operators measure them: a mean and a spread.

A request's service time is the time a slot (a worker thread, a connection) is busy with it.
Latency histograms of web services are right-skewed and close to lognormal, so we describe a
route by its mean service time and either its coefficient of variation (CV = stddev / mean) or
its 95th percentile, and derive the lognormal parameters from those.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from statistics import NormalDist

_STANDARD_NORMAL = NormalDist()
Z_95 = _STANDARD_NORMAL.inv_cdf(0.95)

# A lognormal's p95 / mean ratio peaks at exp(z95^2 / 2) (about 3.87); above it no lognormal
# has the given pair, so `from_mean_and_p95` rejects it instead of inventing a shape.
MAX_P95_TO_MEAN_RATIO = math.exp(Z_95 * Z_95 / 2.0)

_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
# Below z = -8.5 a standard normal has mass 1e-17: nothing there changes a p95.
_Z_FLOOR = -8.5
# Simpson intervals per piece of `discounted_mass`; with the split described there this
# keeps the p95 of wait + service within 0.05 % of a 20,000-interval quadrature (see the tests).
_SIMPSON_INTERVALS = 128
# The piece next to S = t spans this many decay lengths of exp(-(t - S) / m).
_NEAR_DECAY_LENGTHS = 30.0


@dataclass(frozen=True)
class ServiceTime:
    """A lognormal service time with mean `mean_s` seconds and coefficient of variation `cv`."""

    mean_s: float
    cv: float

    def __post_init__(self) -> None:
        if not (self.mean_s > 0 and math.isfinite(self.mean_s)):
            raise ValueError(f"mean service time must be positive, got {self.mean_s}")
        if not (self.cv > 0 and math.isfinite(self.cv)):
            raise ValueError(f"service time CV must be positive, got {self.cv}")

    @classmethod
    def from_mean_and_p95(cls, mean_s: float, p95_s: float) -> ServiceTime:
        """The lognormal with this mean and 95th percentile.

        With log-scale parameters (mu, sigma): mean = exp(mu + sigma^2/2) and
        p95 = exp(mu + z95 sigma), so ln(p95/mean) = z95 sigma - sigma^2/2. Of the two roots
        we take the smaller sigma, the one on the branch where p95 grows with the spread.
        """
        ratio = p95_s / mean_s
        if not 1.0 < ratio <= MAX_P95_TO_MEAN_RATIO:
            raise ValueError(
                f"p95/mean = {ratio:.3g}; a lognormal service time needs 1 < p95/mean <= {MAX_P95_TO_MEAN_RATIO:.3f}"
            )
        sigma = Z_95 - math.sqrt(Z_95 * Z_95 - 2.0 * math.log(ratio))
        return cls(mean_s=mean_s, cv=math.sqrt(math.expm1(sigma * sigma)))

    @property
    def sigma(self) -> float:
        return math.sqrt(math.log1p(self.cv * self.cv))

    @property
    def mu(self) -> float:
        return math.log(self.mean_s) - self.sigma * self.sigma / 2.0

    def quantile_s(self, probability: float) -> float:
        return math.exp(self.mu + self.sigma * _STANDARD_NORMAL.inv_cdf(probability))

    def survival(self, t_s: float) -> float:
        """P(S > t)."""
        if t_s <= 0:
            return 1.0
        return 1.0 - _STANDARD_NORMAL.cdf((math.log(t_s) - self.mu) / self.sigma)

    def discounted_mass(self, t_s: float, scale_s: float) -> float:
        """E[exp(-(t - S) / scale); S < t]: the chance a request finishes service before t with
        an exponential wait of mean `scale_s` still ahead of it (see `queueing.response_time_survival`).

        Integrated over z = (ln S - mu) / sigma with the normal density, by Simpson's rule on two
        pieces: one next to S = t, where the exponential decays over about scale / (t sigma) in z,
        and the smooth rest below it. Each piece gets the same number of intervals, so a sharp
        decay (short waits) is resolved as well as a flat one (long waits).
        """
        if t_s <= 0:
            return 0.0
        z_t = (math.log(t_s) - self.mu) / self.sigma
        if z_t <= _Z_FLOOR:
            return 0.0
        near_width = min(z_t - _Z_FLOOR, _NEAR_DECAY_LENGTHS * scale_s / (t_s * self.sigma))
        mu, sigma = self.mu, self.sigma

        def integrand(z: float) -> float:
            # normal density x discount, as one exponential
            return math.exp(-0.5 * z * z - (t_s - math.exp(mu + sigma * z)) / scale_s)

        pieces = _simpson(integrand, z_t - near_width, z_t) + _simpson(integrand, _Z_FLOOR, z_t - near_width)
        return pieces * _INV_SQRT_2PI


def _simpson(function: Callable[[float], float], low: float, high: float) -> float:
    if high <= low:
        return 0.0
    n = _SIMPSON_INTERVALS
    step = (high - low) / n
    inner = math.fsum((4.0 if i % 2 else 2.0) * function(low + i * step) for i in range(1, n))
    return step / 3.0 * (function(low) + inner + function(high))


def mixture_moments(weighted: list[tuple[float, ServiceTime]]) -> tuple[float, float]:
    """Mean (s) and squared CV of the service time seen by a pool serving several routes.

    `weighted` pairs each route's arrival rate with its service time; the mixture's moments are
    the rate-weighted moments of its parts.
    """
    total_rate = sum(rate for rate, _ in weighted)
    mean_s = sum(rate * st.mean_s for rate, st in weighted) / total_rate
    second = sum(rate * st.mean_s**2 * (1.0 + st.cv**2) for rate, st in weighted) / total_rate
    return mean_s, second / (mean_s * mean_s) - 1.0
