"""Erlang B/C and M/G/k waiting and response times against published values and exact formulas."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pytest

from capacity.queueing import (
    WaitingTime,
    balanced_hyperexponential,
    conditional_wait_scv,
    erlang_b,
    erlang_c,
    mgk_waiting_time,
    response_time_quantile,
    response_time_survival,
)
from capacity.service_time import Moments, ServiceTime, lognormal_moments


def exponential(mean_s: float) -> Moments:
    return Moments(mean_s, 2 * mean_s**2, 6 * mean_s**3)


def with_scv(mean_s: float, scv: float) -> Moments:
    """Lognormal moments of this mean and squared CV."""
    return lognormal_moments(ServiceTime(mean_s, math.sqrt(scv)))


def erlang_b_closed_form(servers: int, offered: float) -> float:
    """B = (a^k / k!) / sum_i a^i / i!, in log space so it works for 100,000 servers."""
    logs = [i * math.log(offered) - math.lgamma(i + 1) for i in range(servers + 1)]
    top = max(logs)
    return math.exp(logs[-1] - top) / math.fsum(math.exp(x - top) for x in logs)


@pytest.mark.parametrize(
    ("servers", "offered", "published"),
    [
        (14, 10.0, 0.174),  # call-centre textbooks: 10 Erlangs on 14 agents
        (10000, 9900.0, 0.222777),
        (1, 0.3, 0.3),  # M/M/1: P(wait) = rho
        (1, 0.9, 0.9),
        (2, 1.0, 1.0 / 3.0),  # M/M/2 at a = 1: C = a^2 / (2 + a) ... = 1/3
    ],
)
def test_erlang_c_matches_published_values(servers: int, offered: float, published: float) -> None:
    places = 3 if published == 0.174 else 6
    assert erlang_c(servers, offered) == pytest.approx(published, abs=0.5 * 10**-places)


@pytest.mark.parametrize(
    ("servers", "offered"), [(1, 0.5), (14, 10.0), (300, 280.0), (5000, 4900.0), (100_000, 99_500.0)]
)
def test_erlang_b_recursion_equals_closed_form_up_to_100k_servers(servers: int, offered: float) -> None:
    assert erlang_b(servers, offered) == pytest.approx(erlang_b_closed_form(servers, offered), rel=1e-9)


def test_erlang_c_stays_a_probability_at_100k_slots() -> None:
    for offered in (50_000.0, 99_000.0, 99_990.0):
        assert 0.0 <= erlang_c(100_000, offered) <= 1.0
    assert erlang_c(100_000, 100_000.0) == 1.0  # saturated: every arrival waits


def test_overloaded_pool_has_no_steady_state() -> None:
    with pytest.raises(ValueError, match="grows forever"):
        mgk_waiting_time(arrival_rate_per_s=20.0, servers=2, service=exponential(0.1))


@pytest.mark.parametrize(("servers", "rate", "mean_s"), [(1, 5.0, 0.1), (4, 30.0, 0.1), (64, 500.0, 0.1)])
def test_littles_law_in_the_queue(servers: int, rate: float, mean_s: float) -> None:
    """Lq = lambda Wq, with the textbook M/M/c Lq = C a / (c - a)."""
    wait = mgk_waiting_time(rate, servers, exponential(mean_s))
    offered = rate * mean_s
    assert rate * wait.mean_s == pytest.approx(erlang_c(servers, offered) * offered / (servers - offered), rel=1e-12)


@pytest.mark.parametrize("scv", [0.25, 1.0, 4.0])
def test_single_slot_mean_wait_is_pollaczek_khinchine(scv: float) -> None:
    """M/G/1 exactly: Wq = rho / (1 - rho) x (1 + cs^2) / 2 x E[S]."""
    rate, mean_s = 6.0, 0.1
    rho = rate * mean_s
    wait = mgk_waiting_time(rate, 1, with_scv(mean_s, scv))
    assert wait.mean_s == pytest.approx(rho / (1 - rho) * (1 + scv) / 2 * mean_s, rel=1e-12)


def test_mm1_mean_response_time() -> None:
    """M/M/1: E[T] = 1 / (mu - lambda)."""
    rate, mean_s = 8.0, 0.1
    wait = mgk_waiting_time(rate, 1, exponential(mean_s))
    assert wait.mean_s + mean_s == pytest.approx(1.0 / (1.0 / mean_s - rate), rel=1e-12)


@dataclass(frozen=True)
class ExponentialService:
    """Exponential service time, so the M/M/c sojourn time has a closed form to compare with."""

    mean_s: float

    def survival(self, t_s: float) -> float:
        return math.exp(-max(t_s, 0.0) / self.mean_s)

    def quantile_s(self, probability: float) -> float:
        return -self.mean_s * math.log1p(-probability)

    def discounted_mass(self, t_s: float, scale_s: float, low_s: float = 0.0, high_s: float | None = None) -> float:
        """Integral of mu e^{-mu s} e^{-(t - s)/m} over [low, high]."""
        mu, k = 1.0 / self.mean_s, 1.0 / scale_s
        low, high = max(low_s, 0.0), t_s if high_s is None else min(high_s, t_s)
        if high <= low:
            return 0.0
        rate = k - mu
        return mu * math.exp(-k * t_s) * (math.exp(rate * high) - math.exp(rate * low)) / rate


def mmc_sojourn_survival(servers: int, rate: float, mean_s: float, t_s: float) -> float:
    """Exact P(T > t) of M/M/c FCFS: (1 - C) e^{-mu t} + C (theta e^{-mu t} - mu e^{-theta t}) / (theta - mu)."""
    mu = 1.0 / mean_s
    theta = servers * mu - rate
    c = erlang_c(servers, rate * mean_s)
    hypo = (theta * math.exp(-mu * t_s) - mu * math.exp(-theta * t_s)) / (theta - mu)
    return (1 - c) * math.exp(-mu * t_s) + c * hypo


def exact_quantile(survival, probability: float) -> float:  # type: ignore[no-untyped-def]
    low, high = 0.0, 1000.0
    for _ in range(200):
        middle = (low + high) / 2
        low, high = (middle, high) if survival(middle) > 1 - probability else (low, middle)
    return high


@pytest.mark.parametrize(
    ("servers", "rate", "mean_s"), [(1, 7.0, 0.1), (2, 15.0, 0.1), (8, 65.0, 0.1), (32, 300.0, 0.1)]
)
def test_mmc_response_time_p95_matches_closed_form(servers: int, rate: float, mean_s: float) -> None:
    wait = mgk_waiting_time(rate, servers, exponential(mean_s))
    service = ExponentialService(mean_s)
    exact = exact_quantile(lambda t: mmc_sojourn_survival(servers, rate, mean_s, t), 0.95)
    assert response_time_quantile(wait, service, 0.95) == pytest.approx(exact, rel=2e-3)
    assert response_time_survival(wait, service, exact) == pytest.approx(0.05, abs=1e-3)


def test_exponential_service_has_an_exponential_conditional_wait() -> None:
    """Takacs: SCV of W' is 2 rho - 1 + (1 - rho) r2 / r1^2, which is 1 for exponential service."""
    for rho in (0.1, 0.5, 0.9):
        assert conditional_wait_scv(rho, exponential(0.2)) == pytest.approx(1.0, rel=1e-12)
    wait = mgk_waiting_time(15.0, 2, exponential(0.1))
    assert len(wait.segments) == 1


@pytest.mark.parametrize("rho", [0.2, 0.6, 0.95])
def test_conditional_wait_scv_of_deterministic_service(rho: float) -> None:
    """M/D/1: residual moments m/2 and m^2/3, so SCV(W') = 2 rho - 1 + (1 - rho) 4/3."""
    deterministic = Moments(0.1, 0.01, 0.001)
    assert conditional_wait_scv(rho, deterministic) == pytest.approx(2 * rho - 1 + (1 - rho) * 4 / 3)


def test_heavy_tailed_service_makes_a_heavier_wait_tail() -> None:
    """Lognormal CV 2 at 50 %: W' has SCV 2 rho - 1 + (1 - rho) 4 (1 + cv^2) / 3 = 3.33."""
    assert conditional_wait_scv(0.5, with_scv(0.05, 4.0)) == pytest.approx(2 * 0.5 - 1 + 0.5 * 4 * 5 / 3)


def test_cosmetatos_reduces_to_pollaczek_khinchine_for_one_slot() -> None:
    for scv in (0.0, 0.25, 0.81):
        wait = mgk_waiting_time(6.0, 1, with_scv(0.1, scv) if scv else Moments(0.1, 0.01, 0.001))
        assert wait.mean_s == pytest.approx(0.6 / 0.4 * (1 + scv) / 2 * 0.1, rel=1e-9)


def test_cosmetatos_waits_longer_than_allen_cunneen_with_several_slots_at_light_load() -> None:
    moments = with_scv(0.05, 0.25)
    wait = mgk_waiting_time(1.667 / 0.05, 4, moments)
    allen_cunneen = (1 + 0.25) / 2 * 0.05 / (4 - 1.667)
    assert wait.conditional_mean_s > allen_cunneen * 1.05


@pytest.mark.parametrize("scv", [1.5, 3.0, 10.0])
def test_balanced_hyperexponential_has_the_asked_moments(scv: float) -> None:
    phases = balanced_hyperexponential(0.2, scv)
    assert sum(p for p, _ in phases) == pytest.approx(1.0)
    mean = sum(p * m for p, m in phases)
    second = sum(p * 2 * m * m for p, m in phases)
    assert mean == pytest.approx(0.2)
    assert second / mean**2 - 1 == pytest.approx(scv)
    assert phases[0][0] * phases[0][1] == pytest.approx(phases[1][0] * phases[1][1])  # balanced means


@pytest.mark.parametrize("scv", [1.2, 3.0, 8.0])
def test_wait_tail_is_never_lighter_than_either_fit(scv: float) -> None:
    wait = WaitingTime(probability_of_wait=0.4, conditional_mean_s=0.1, conditional_scv=scv)
    phases = balanced_hyperexponential(0.1, scv)
    for x in [i * 0.01 for i in range(200)]:
        exponential_tail = 0.4 * math.exp(-x / 0.1)
        hyper_tail = 0.4 * sum(p * math.exp(-x / m) for p, m in phases)
        assert wait.survival(x) == pytest.approx(max(exponential_tail, hyper_tail), rel=1e-9, abs=1e-15)
    crossing = wait.segments[0].end_s
    assert wait.segments[0].survival(crossing) == pytest.approx(wait.segments[1].survival(crossing), rel=1e-6)


def test_response_tail_over_wait_segments_matches_direct_integration() -> None:
    """P(W + S > t) by segments against a brute-force convolution with the exponential service."""
    service = ExponentialService(0.1)
    wait = WaitingTime(probability_of_wait=0.5, conditional_mean_s=0.2, conditional_scv=4.0)
    t_s, steps = 0.6, 20_000
    step = t_s / steps
    # P(W' + S > t) = P(S > t) + integral over s < t of f_S(s) G(t - s)
    inner = math.fsum(
        (1 / 0.1) * math.exp(-(i + 0.5) * step / 0.1) * wait.survival(t_s - (i + 0.5) * step) / 0.5 * step
        for i in range(steps)
    )
    direct = service.survival(t_s) + 0.5 * inner
    assert response_time_survival(wait, service, t_s) == pytest.approx(direct, rel=1e-5)


def test_no_waiting_means_response_is_service() -> None:
    service = ExponentialService(0.2)
    no_wait = WaitingTime(probability_of_wait=0.0, conditional_mean_s=1.0)
    assert response_time_quantile(no_wait, service, 0.95) == pytest.approx(service.quantile_s(0.95), rel=1e-5)
