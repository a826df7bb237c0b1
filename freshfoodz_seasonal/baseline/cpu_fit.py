"""CPU per request (or job) and of an idle pod, fitted to a workload's measured CPU: pure, no I/O.

The model is capacity.cpu's: a pod's cores = idle cores + rate per pod x CPU seconds per unit. An
ordinary least-squares line of cores per pod against rate per pod, one point per step, gives both:
the slope is the CPU seconds one unit takes, the intercept the idle cores. A line is only refused
when the data cannot support it, each time with the reason:
- too few steps with traffic: a few hours do not show a pod's CPU across its load;
- a rate per pod that hardly varies: the points form a blob, so the slope cannot be told apart from
  the idle CPU (any split of the same mean CPU fits about equally well);
- a slope at or below zero: CPU that does not rise with the load is not CPU per unit;
- a poor fit (R^2 below MIN_R_SQUARED): the CPU follows something else (other traffic, batch
  work, throttling at the CPU limit);
- a bent line: the lower and the upper half of the steps (split at the median rate per pod of the
  steps with traffic) each fitted alone give slopes more than MAX_HALF_SLOPE_DIFFERENCE apart, beyond
  their noise. A CPU capped at the pod's limit (throttling) flattens the upper half, a code path that
  changes with the load bends the line either way; one straight line through both would plan the
  peak on a slope that holds for neither, and a high R^2 does not show it;
- a negative idle CPU beyond its noise: no pod uses less than nothing, so the line is not this model.
A negative intercept within its noise is an idle CPU too small to measure, and counts as zero.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MIN_STEPS_WITH_TRAFFIC = 100
# The rate per pod's 95th percentile must be this many times its 5th.
MIN_RATE_SPREAD = 1.5
MIN_R_SQUARED = 0.5
# A negative intercept no further below zero than this many standard errors, or this many cores
# (a millicore: the written precision), is noise around an idle CPU of about nothing.
INTERCEPT_NOISE_ERRORS = 2.0
INTERCEPT_NOISE_CORES = 0.001
# The two halves' slopes may differ by this share of the larger one, and by no more than this many standard
# errors of their difference (each half's own noise), before the line counts as bent.
MAX_HALF_SLOPE_DIFFERENCE = 0.2
HALF_SLOPE_NOISE_ERRORS = 3.0


@dataclass(frozen=True)
class CpuFit:
    seconds_per_unit: float
    """CPU seconds one request or job takes (the slope)."""
    idle_cores: float
    """Cores a pod uses without traffic (the intercept, never negative)."""
    r_squared: float
    points: int
    """Steps fitted: a CPU value, a rate and at least one pod."""
    peak_rate_per_pod: float
    """The highest rate per pod among the points: beyond it, the line is an extrapolation."""
    idle_clamped: bool = False
    """The fitted intercept was slightly negative, within its noise, and counts as zero."""
    half_slopes: tuple[float, float] | None = None
    """CPU seconds per unit of the lower and the upper half of the steps, each fitted alone (the linearity
    check); None where a half has no spread of its own to fit."""

    @property
    def ms_per_unit(self) -> float:
        return self.seconds_per_unit * 1000.0

    @property
    def idle_millicores(self) -> float:
        return self.idle_cores * 1000.0


class CpuFitRefused(ValueError):
    """The data cannot give CPU per unit; the message says why."""


def _least_squares(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float, float]:
    """Slope, intercept, sum of squared residuals and Sxx of the least-squares line (Sxx > 0 needed)."""
    mean_x, mean_y = float(x.mean()), float(y.mean())
    sxx = float(((x - mean_x) ** 2).sum())
    slope = float(((x - mean_x) * (y - mean_y)).sum()) / sxx
    intercept = mean_y - slope * mean_x
    return slope, intercept, float(((y - intercept - slope * x) ** 2).sum()), sxx


def _half_slopes(x: np.ndarray, y: np.ndarray) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """Each half's slope and its standard error: the steps up to the median rate per pod of the steps with
    traffic, and those above it. None where a half has fewer than three points or no spread of its own."""
    median = float(np.median(x[x > 0]))
    halves = []
    for half in (x <= median, x > median):
        hx, hy = x[half], y[half]
        if hx.size < 3 or float(np.ptp(hx)) <= 0:
            return None
        slope, _, residual, sxx = _least_squares(hx, hy)
        halves.append((slope, math.sqrt(residual / (hx.size - 2) / sxx)))
    return halves[0], halves[1]


def _check_straight(x: np.ndarray, y: np.ndarray, unit: str) -> tuple[float, float] | None:
    """The halves' slopes; CpuFitRefused when they differ beyond MAX_HALF_SLOPE_DIFFERENCE and their noise."""
    halves = _half_slopes(x, y)
    if halves is None:
        return None
    (low, low_error), (high, high_error) = halves
    difference = abs(high - low)
    larger = max(abs(low), abs(high))
    noise = HALF_SLOPE_NOISE_ERRORS * math.hypot(low_error, high_error)
    if difference > MAX_HALF_SLOPE_DIFFERENCE * larger and difference > noise:
        raise CpuFitRefused(
            f"the CPU is not a straight line of the rate: the lower half of the steps gives {low * 1000:.3g} ms per "
            f"{unit}, the upper half {high * 1000:.3g} ms (more than {MAX_HALF_SLOPE_DIFFERENCE:.0%} apart); "
            "likely throttling at the pod's CPU limit (the CPU flattens at the top) or a code path that changes "
            "with the load, so no single CPU per unit holds at the peak"
        )
    return low, high


def fit_cpu(rate_per_pod: Sequence[float], cores_per_pod: Sequence[float], unit: str) -> CpuFit:
    """The least-squares line of cores per pod against units per second per pod, one point per step
    (finite, non-negative values); CpuFitRefused when the data cannot support it. `unit` names what
    is counted ("request", "job") in the messages."""
    x, y = np.asarray(rate_per_pod, dtype=float), np.asarray(cores_per_pod, dtype=float)
    if x.shape != y.shape:
        raise ValueError(f"{x.size} rates and {y.size} CPU values: one of each per step")
    with_traffic = int(np.count_nonzero(x > 0))
    if with_traffic < MIN_STEPS_WITH_TRAFFIC:
        raise CpuFitRefused(
            f"only {with_traffic} steps have both CPU and traffic; at least {MIN_STEPS_WITH_TRAFFIC} are needed "
            "(a longer --window, or check that the pods and their traffic are in the same window)"
        )
    low, high = (float(value) for value in np.percentile(x, [5, 95]))
    # Steps without traffic spread the points too (idle against busy): only a band of busy steps is refused.
    if high < MIN_RATE_SPREAD * low:
        raise CpuFitRefused(
            f"the rate per pod hardly varies (5th percentile {low:.3g}/s, 95th {high:.3g}/s, less than "
            f"{MIN_RATE_SPREAD:g}x apart): the CPU per {unit} cannot be told from the idle CPU"
        )
    slope, intercept, residual, sxx = _least_squares(x, y)
    mean_x, mean_y = float(x.mean()), float(y.mean())
    total = float(((y - mean_y) ** 2).sum())
    r_squared = 1.0 - residual / total if total > 0 else 0.0
    if slope <= 0:
        raise CpuFitRefused(
            f"the CPU does not rise with the rate (slope {slope * 1000:.3g} ms per {unit}, R^2 {r_squared:.2f})"
        )
    if r_squared < MIN_R_SQUARED:
        raise CpuFitRefused(
            f"the rate explains little of the CPU (R^2 {r_squared:.2f}, at least {MIN_R_SQUARED:g} needed): the CPU "
            "follows something else (other traffic, batch work, throttling at the CPU limit)"
        )
    halves = _check_straight(x, y, unit)
    clamped = False
    if intercept < 0:
        n = x.size
        error = math.sqrt(residual / (n - 2) * (1 / n + mean_x**2 / sxx))
        noise = max(INTERCEPT_NOISE_ERRORS * error, INTERCEPT_NOISE_CORES)
        if intercept < -noise:
            raise CpuFitRefused(
                f"the line gives an idle pod {intercept * 1000:.0f} millicores, below zero by more than its noise "
                f"({noise * 1000:.1f}): the CPU is not an idle part plus a fixed CPU time per {unit}"
            )
        intercept, clamped = 0.0, True
    return CpuFit(slope, intercept, r_squared, int(x.size), float(x.max()), clamped, halves)
