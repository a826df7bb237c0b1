"""The spread of a service time, estimated from a latency histogram and its exact mean.

A Prometheus histogram gives cumulative counts per bucket bound (`le`) plus the exact sum and
count, so the mean is known exactly and only the shape must be estimated. We fit the lognormal the
capacity model assumes: with the mean fixed, mu = ln(mean) - sigma^2 / 2, and sigma maximises the
likelihood of the counts per bucket (interval-censored data). Using every bucket is steadier than
reading a p95 by linear interpolation inside one bucket, which is only as good as that bucket's width.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist

from capacity.service_time import ServiceTime

_STANDARD_NORMAL = NormalDist()
# sigma = 2.15 is a CV of 10, the largest the stack config accepts; 0.005 a CV of 0.005.
_SIGMA_RANGE = (0.005, 2.15)
_GRID_POINTS = 200
_REFINE_STEPS = 60


class HistogramTooCoarse(ValueError):
    """The buckets do not show the spread: fewer than two of them hold requests."""


def _cell_counts(buckets: Sequence[tuple[float, float]]) -> list[tuple[float, float, float]]:
    """(lower bound, upper bound, requests) per bucket from cumulative (le, count) pairs.

    `increase()` estimates each bucket's counter separately, so the cumulative counts can dip
    slightly; a negative difference is noise, read as an empty bucket.
    """
    cells, lower, below = [], 0.0, 0.0
    for upper, cumulative in sorted(buckets):
        cells.append((lower, upper, max(cumulative - below, 0.0)))
        lower, below = upper, max(cumulative, below)
    return cells


def _log_likelihood(sigma: float, mean_s: float, cells: Sequence[tuple[float, float, float]]) -> float:
    mu = math.log(mean_s) - sigma * sigma / 2.0

    def cdf(bound: float) -> float:
        if bound <= 0.0:
            return 0.0
        if math.isinf(bound):
            return 1.0
        return _STANDARD_NORMAL.cdf((math.log(bound) - mu) / sigma)

    total = 0.0
    for lower, upper, count in cells:
        if count > 0.0:
            total += count * math.log(max(cdf(upper) - cdf(lower), 1e-300))
    return total


def fit_service_time(mean_s: float, buckets: Sequence[tuple[float, float]]) -> ServiceTime:
    """The lognormal with this mean whose bucket shares best match the histogram.

    `buckets` are (upper bound in seconds, cumulative count), the last bound +Inf. A grid over
    log(sigma) finds the best region, a golden-section search refines it; the likelihood is
    smooth in sigma, so this finds the maximum without a numerical library.
    """
    if not (mean_s > 0 and math.isfinite(mean_s)):
        raise ValueError(f"the mean service time must be positive and finite, got {mean_s}")
    cells = _cell_counts(buckets)
    if sum(1 for *_, count in cells if count > 0.0) < 2:
        raise HistogramTooCoarse("fewer than two histogram buckets hold requests, so the spread cannot be read")
    low, high = (math.log(bound) for bound in _SIGMA_RANGE)
    grid = [low + (high - low) * i / (_GRID_POINTS - 1) for i in range(_GRID_POINTS)]
    scores = [_log_likelihood(math.exp(x), mean_s, cells) for x in grid]
    best = max(range(_GRID_POINTS), key=scores.__getitem__)
    left, right = grid[max(best - 1, 0)], grid[min(best + 1, _GRID_POINTS - 1)]
    ratio = (math.sqrt(5.0) - 1.0) / 2.0
    for _ in range(_REFINE_STEPS):
        a, b = right - ratio * (right - left), left + ratio * (right - left)
        if _log_likelihood(math.exp(a), mean_s, cells) >= _log_likelihood(math.exp(b), mean_s, cells):
            right = b
        else:
            left = a
    sigma = math.exp((left + right) / 2.0)
    return ServiceTime(mean_s=mean_s, cv=math.sqrt(math.expm1(sigma * sigma)))
