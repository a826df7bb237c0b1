"""The spread of a service time, estimated from a latency histogram and its exact mean.

A Prometheus histogram gives cumulative counts per bucket bound (`le`) plus the exact sum and
count, so the mean is known exactly and only the shape must be estimated. We fit the lognormal the
capacity model assumes: with the mean fixed, mu = ln(mean) - sigma^2 / 2, and sigma maximises the
likelihood of the counts per bucket (interval-censored data). Using every bucket is steadier than
reading a p95 by linear interpolation inside one bucket, which is only as good as that bucket's width.

The likelihood follows the body of the distribution, where most requests are. A histogram that is
not lognormal (a slow minority, a power-law tail) can therefore get a CV far below its real one,
and an under-stated CV plans too few pods. `estimate_service_time` checks the fit against the
histogram two ways and, where it does not describe it, uses the larger, moment-based CV.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

from capacity.service_time import ServiceTime

_STANDARD_NORMAL = NormalDist()
# The largest CV the stack config accepts. CV^2 = exp(sigma^2) - 1, so sigma = sqrt(ln(1 + 10^2)).
MAX_CV = 10.0
# 0.005 is a CV of 0.005; the upper end is exactly MAX_CV, so a fit there means "at least MAX_CV".
_SIGMA_RANGE = (0.005, math.sqrt(math.log1p(MAX_CV * MAX_CV)))
_GRID_POINTS = 200
_REFINE_STEPS = 60
# A fit whose log(sigma) ends this close to the range's top has been stopped by it.
_AT_BOUND = 1e-6
# The fit does not describe the histogram when its CDF is further than this from the histogram's at a
# bucket bound (an absolute share of the requests), or when the buckets' moments show this much more
# spread than the same computation shows on the fitted lognormal's own bucket shares.
MAX_CDF_GAP = 0.01
MAX_MOMENT_CV_RATIO = 1.25
# All requests in one bucket give both moment CVs as rounding noise (1e-8 against 1e-9): no spread to compare.
MOMENT_CV_ROUNDING = 1e-6


class HistogramTooCoarse(ValueError):
    """The buckets do not show the spread: fewer than two of them hold requests."""


class SpreadBeyondLimit(ValueError):
    """The histogram's spread is beyond the largest CV the capacity model accepts."""


@dataclass(frozen=True)
class ServiceTimeEstimate:
    """The service time to plan with, and the figures that chose its CV.

    `moment_cv` comes from the buckets alone (midpoints, the +Inf bucket at the largest finite bound,
    so it under-states a tail beyond that bound); `cdf_gap` is the largest distance between the fitted
    lognormal's CDF and the histogram's at the finite bounds. When the fit does not describe the
    histogram, `service_time.cv` is the larger of `fitted_cv` and `moment_cv`.
    """

    service_time: ServiceTime
    fitted_cv: float
    moment_cv: float
    cdf_gap: float
    lognormal_fits: bool


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


def _lognormal_cdf(bound: float, mu: float, sigma: float) -> float:
    if bound <= 0.0:
        return 0.0
    if math.isinf(bound):
        return 1.0
    return _STANDARD_NORMAL.cdf((math.log(bound) - mu) / sigma)


def _log_likelihood(sigma: float, mean_s: float, cells: Sequence[tuple[float, float, float]]) -> float:
    mu = math.log(mean_s) - sigma * sigma / 2.0
    total = 0.0
    for lower, upper, count in cells:
        if count > 0.0:
            share = _lognormal_cdf(upper, mu, sigma) - _lognormal_cdf(lower, mu, sigma)
            total += count * math.log(max(share, 1e-300))
    return total


def _checked_cells(mean_s: float, buckets: Sequence[tuple[float, float]]) -> list[tuple[float, float, float]]:
    if not (mean_s > 0 and math.isfinite(mean_s)):
        raise ValueError(f"the mean service time must be positive and finite, got {mean_s}")
    cells = _cell_counts(buckets)
    if sum(1 for *_, count in cells if count > 0.0) < 2:
        raise HistogramTooCoarse("fewer than two histogram buckets hold requests, so the spread cannot be read")
    return cells


def fit_service_time(mean_s: float, buckets: Sequence[tuple[float, float]]) -> ServiceTime:
    """The lognormal with this mean whose bucket shares best match the histogram.

    `buckets` are (upper bound in seconds, cumulative count), the last bound +Inf. A grid over
    log(sigma) finds the best region, a golden-section search refines it; the likelihood is
    smooth in sigma, so this finds the maximum without a numerical library. A best fit at the top
    of the range means the spread is at least that large, not that it is that large, so it is
    refused (SpreadBeyondLimit) rather than returned.
    """
    cells = _checked_cells(mean_s, buckets)
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
    log_sigma = (left + right) / 2.0
    if log_sigma >= high - _AT_BOUND:
        raise SpreadBeyondLimit(f"the spread is beyond CV {MAX_CV:g}: the fitted lognormal reaches the largest CV")
    sigma = math.exp(log_sigma)
    return ServiceTime(mean_s=mean_s, cv=math.sqrt(math.expm1(sigma * sigma)))


def _moment_cv(cells: Sequence[tuple[float, float, float]]) -> float:
    """The CV of the bucket midpoints weighted by their counts, the +Inf bucket at the largest finite bound."""
    largest = max((upper for _, upper, _ in cells if math.isfinite(upper)), default=0.0)
    total = sum(count for *_, count in cells)
    first = second = 0.0
    for lower, upper, count in cells:
        point = largest if math.isinf(upper) else (lower + upper) / 2.0
        first += count / total * point
        second += count / total * point * point
    return math.sqrt(max(second - first * first, 0.0)) / first


def _model_cells(service: ServiceTime, cells: Sequence[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """The fitted lognormal's own expected counts in the same buckets."""
    total = sum(count for *_, count in cells)
    return [
        (
            lower,
            upper,
            total
            * (_lognormal_cdf(upper, service.mu, service.sigma) - _lognormal_cdf(lower, service.mu, service.sigma)),
        )
        for lower, upper, _ in cells
    ]


def _cdf_gap(service: ServiceTime, cells: Sequence[tuple[float, float, float]]) -> float:
    total = sum(count for *_, count in cells)
    gap, below = 0.0, 0.0
    for _, upper, count in cells:
        below += count
        if math.isfinite(upper):
            gap = max(gap, abs(below / total - _lognormal_cdf(upper, service.mu, service.sigma)))
    return gap


def estimate_service_time(mean_s: float, buckets: Sequence[tuple[float, float]]) -> ServiceTimeEstimate:
    """The fitted lognormal, checked against the histogram; a moment-based CV where the fit does not describe it.

    Two checks: (a) the largest gap between the fitted CDF and the histogram's at the finite bounds,
    beyond MAX_CDF_GAP; (b) the buckets' moment CV beyond MAX_MOMENT_CV_RATIO times the moment CV of the
    fitted lognormal's own bucket shares. Comparing the same computation on both cancels what coarse
    buckets do to it (midpoints of wide buckets overstate a narrow spread), so an exactly lognormal
    histogram never fails (b). Either failing means the CV used is max(fitted, moment): planning with
    too small a CV plans too few pods, too large a one only costs pods. Raises SpreadBeyondLimit when
    the CV used would be beyond MAX_CV.
    """
    cells = _checked_cells(mean_s, buckets)
    fitted = fit_service_time(mean_s, buckets)
    moment_cv = _moment_cv(cells)
    gap = _cdf_gap(fitted, cells)
    model_moment_cv = _moment_cv(_model_cells(fitted, cells))
    fits = gap <= MAX_CDF_GAP and moment_cv <= MAX_MOMENT_CV_RATIO * model_moment_cv + MOMENT_CV_ROUNDING
    used = fitted if fits else ServiceTime(mean_s, max(fitted.cv, moment_cv))
    if used.cv > MAX_CV:
        raise SpreadBeyondLimit(
            f"the spread is beyond CV {MAX_CV:g}: the buckets' moments give CV {moment_cv:.2f} (fitted lognormal "
            f"{fitted.cv:.2f})"
        )
    return ServiceTimeEstimate(used, fitted.cv, moment_cv, gap, fits)
