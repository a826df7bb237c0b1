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

    @property
    def ms_per_unit(self) -> float:
        return self.seconds_per_unit * 1000.0

    @property
    def idle_millicores(self) -> float:
        return self.idle_cores * 1000.0


class CpuFitRefused(ValueError):
    """The data cannot give CPU per unit; the message says why."""


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
    mean_x, mean_y = float(x.mean()), float(y.mean())
    sxx = float(((x - mean_x) ** 2).sum())
    slope = float(((x - mean_x) * (y - mean_y)).sum()) / sxx
    intercept = mean_y - slope * mean_x
    residual = float(((y - intercept - slope * x) ** 2).sum())
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
    return CpuFit(slope, intercept, r_squared, int(x.size), float(x.max()), clamped)
