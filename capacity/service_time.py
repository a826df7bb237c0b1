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
# Simpson intervals per piece of `discounted_mass_below`; with the split described there this
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

    @property
    def second_moment_s2(self) -> float:
        return self.mean_s * self.mean_s * (1.0 + self.cv * self.cv)

    def quantile_s(self, probability: float) -> float:
        return math.exp(self.mu + self.sigma * _STANDARD_NORMAL.inv_cdf(probability))

    def survival(self, t_s: float) -> float:
        """P(S > t)."""
        if t_s <= 0:
            return 1.0
        return 1.0 - _STANDARD_NORMAL.cdf((math.log(t_s) - self.mu) / self.sigma)

    def discounted_mass(self, t_s: float, scale_s: float, low_s: float = 0.0, high_s: float | None = None) -> float:
        """E[exp(-(t - S) / scale); low <= S < high], with high <= t (default: t).

        The chance a request finishes service between `low_s` and `high_s` and still meets t
        after an exponential wait of mean `scale_s` (see `queueing.response_time_survival`).
        Integrated over z = (ln S - mu) / sigma with the normal density, by Simpson's rule on two
        pieces: one next to S = high, where the exponential decays over about scale / (high sigma)
        in z, and the smooth rest below it. Each piece gets the same number of intervals, so a
        sharp decay (short waits) is resolved as well as a flat one (long waits).
        """
        high_s = t_s if high_s is None else min(high_s, t_s)
        if high_s <= max(low_s, 0.0):
            return 0.0
        z_high = (math.log(high_s) - self.mu) / self.sigma
        z_low = max(_Z_FLOOR, (math.log(low_s) - self.mu) / self.sigma) if low_s > 0 else _Z_FLOOR
        if z_high <= z_low:
            return 0.0
        near_width = min(z_high - z_low, _NEAR_DECAY_LENGTHS * scale_s / (high_s * self.sigma))

        mu, sigma = self.mu, self.sigma

        def integrand(z: float) -> float:
            # normal density x discount, as one exponential
            return math.exp(-0.5 * z * z - (t_s - math.exp(mu + sigma * z)) / scale_s)

        pieces = _simpson(integrand, z_high - near_width, z_high) + _simpson(integrand, z_low, z_high - near_width)
        return pieces * _INV_SQRT_2PI


def _simpson(function: Callable[[float], float], low: float, high: float) -> float:
    if high <= low:
        return 0.0
    n = _SIMPSON_INTERVALS
    step = (high - low) / n
    inner = math.fsum((4.0 if i % 2 else 2.0) * function(low + i * step) for i in range(1, n))
    return step / 3.0 * (function(low) + inner + function(high))


@dataclass(frozen=True)
class Moments:
    """The first three raw moments of a service time: E[S] (s), E[S^2] (s^2), E[S^3] (s^3)."""

    mean_s: float
    second_s2: float
    third_s3: float

    @property
    def scv(self) -> float:
        """Squared coefficient of variation, Var[S] / E[S]^2."""
        return self.second_s2 / (self.mean_s * self.mean_s) - 1.0

    @property
    def residual_mean_s(self) -> float:
        """Mean remaining service seen at a random moment: E[S^2] / (2 E[S])."""
        return self.second_s2 / (2.0 * self.mean_s)

    @property
    def residual_second_s2(self) -> float:
        """Second moment of the remaining service: E[S^3] / (3 E[S])."""
        return self.third_s3 / (3.0 * self.mean_s)


def lognormal_moments(service: ServiceTime) -> Moments:
    """E[S^n] = mean^n (1 + cv^2)^(n (n - 1) / 2) for a lognormal."""
    spread = 1.0 + service.cv * service.cv
    return Moments(service.mean_s, service.mean_s**2 * spread, service.mean_s**3 * spread**3)


def mixture_moments(weighted: list[tuple[float, ServiceTime]]) -> Moments:
    """Moments of the service time seen by a pool serving several routes.

    `weighted` pairs each route's arrival rate with its service time; the mixture's raw moments
    are the rate-weighted raw moments of its parts.
    """
    total_rate = sum(rate for rate, _ in weighted)
    parts = [(rate / total_rate, lognormal_moments(st)) for rate, st in weighted]
    return Moments(
        mean_s=sum(w * m.mean_s for w, m in parts),
        second_s2=sum(w * m.second_s2 for w, m in parts),
        third_s3=sum(w * m.third_s3 for w, m in parts),
    )
