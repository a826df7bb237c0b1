"""Lognormal service times from (mean, CV) or (mean, p95)."""

from __future__ import annotations

import math
from statistics import NormalDist

import pytest
from hypothesis import given
from hypothesis import strategies as st

from capacity.service_time import MAX_P95_TO_MEAN_RATIO, ServiceTime, mixture_moments


@pytest.mark.parametrize(("mean_s", "cv"), [(0.05, 0.5), (0.3, 1.0), (1.2, 2.0)])
def test_lognormal_parameters_reproduce_mean_and_cv(mean_s: float, cv: float) -> None:
    service = ServiceTime(mean_s, cv)
    mean = math.exp(service.mu + service.sigma**2 / 2)
    variance = (math.exp(service.sigma**2) - 1) * math.exp(2 * service.mu + service.sigma**2)
    assert mean == pytest.approx(mean_s, rel=1e-12)
    assert math.sqrt(variance) / mean == pytest.approx(cv, rel=1e-12)


def test_p95_of_a_unit_cv_lognormal() -> None:
    """CV 1: sigma^2 = ln 2, so p95 = mean x exp(z95 sigma - sigma^2 / 2)."""
    sigma = math.sqrt(math.log(2))
    expected = 0.3 * math.exp(NormalDist().inv_cdf(0.95) * sigma - sigma**2 / 2)
    assert ServiceTime(0.3, 1.0).quantile_s(0.95) == pytest.approx(expected, rel=1e-12)


@given(
    mean_s=st.floats(0.001, 10.0),
    ratio=st.floats(1.01, MAX_P95_TO_MEAN_RATIO - 0.01),
)
def test_mean_and_p95_round_trip(mean_s: float, ratio: float) -> None:
    service = ServiceTime.from_mean_and_p95(mean_s, mean_s * ratio)
    assert service.mean_s == mean_s
    assert service.quantile_s(0.95) == pytest.approx(mean_s * ratio, rel=1e-9)


@pytest.mark.parametrize("ratio", [0.9, 1.0, MAX_P95_TO_MEAN_RATIO * 1.01])
def test_impossible_mean_and_p95_pairs_are_refused(ratio: float) -> None:
    with pytest.raises(ValueError, match="p95/mean"):
        ServiceTime.from_mean_and_p95(0.1, 0.1 * ratio)


@pytest.mark.parametrize(("mean_s", "cv"), [(0.0, 1.0), (-1.0, 1.0), (0.1, 0.0), (0.1, math.nan)])
def test_nonsense_parameters_are_refused(mean_s: float, cv: float) -> None:
    with pytest.raises(ValueError, match="must be positive"):
        ServiceTime(mean_s, cv)


def test_survival_and_quantile_agree() -> None:
    service = ServiceTime(0.2, 1.5)
    for probability in (0.5, 0.9, 0.95, 0.99):
        assert service.survival(service.quantile_s(probability)) == pytest.approx(1 - probability, rel=1e-9)


def test_mixture_moments_of_two_routes() -> None:
    """Rate-weighted: mean = sum w m; E[S^2] = sum w m^2 (1 + cv^2)."""
    fast, slow = ServiceTime(0.1, 1.0), ServiceTime(0.5, 0.5)
    mean_s, scv = mixture_moments([(3.0, fast), (1.0, slow)])
    assert mean_s == pytest.approx(0.75 * 0.1 + 0.25 * 0.5)
    second = 0.75 * 0.01 * 2 + 0.25 * 0.25 * 1.25
    assert scv == pytest.approx(second / mean_s**2 - 1)


def reference_discounted_mass(
    service: ServiceTime, t_s: float, scale_s: float, low_s: float, high_s: float, intervals: int = 20_000
) -> float:
    """The same integral by another route: u = (t - s) / m, so it is the integral of
    e^{-u} f_S(t - m u) m over u in [(t - high)/m, (t - low)/m] (cut at u = 60), by Simpson."""
    normal = NormalDist()

    def density(s_s: float) -> float:
        if s_s <= 0:
            return 0.0
        return normal.pdf((math.log(s_s) - service.mu) / service.sigma) / (s_s * service.sigma)

    low_u, high_u = (t_s - high_s) / scale_s, min((t_s - low_s) / scale_s, 60.0)
    step = (high_u - low_u) / intervals

    def f(u: float) -> float:
        return math.exp(-u) * density(t_s - scale_s * u) * scale_s

    inner = math.fsum((4 if i % 2 else 2) * f(low_u + i * step) for i in range(1, intervals))
    return step / 3 * (f(low_u) + inner + f(high_u))


@pytest.mark.parametrize("cv", [0.5, 1.0, 2.0])
@pytest.mark.parametrize("scale_s", [0.001, 0.02, 0.1, 0.5, 5.0])
@pytest.mark.parametrize("t_over_mean", [0.5, 2.0, 6.0])
def test_discounted_mass_matches_a_fine_quadrature(cv: float, scale_s: float, t_over_mean: float) -> None:
    service = ServiceTime(0.2, cv)
    t_s = 0.2 * t_over_mean
    reference = reference_discounted_mass(service, t_s, scale_s, 0.0, t_s)
    assert service.discounted_mass(t_s, scale_s) == pytest.approx(reference, rel=5e-4, abs=1e-9)


def test_discounted_mass_limits() -> None:
    """A wait of mean 0 leaves nothing; an endless mean wait leaves P(S < t)."""
    service = ServiceTime(0.2, 1.0)
    assert service.discounted_mass(0.3, 1e-9) == pytest.approx(0.0, abs=1e-6)
    assert service.discounted_mass(0.3, 1e9) == pytest.approx(1 - service.survival(0.3), rel=1e-6)
    assert service.discounted_mass(0.0, 1.0) == 0.0
