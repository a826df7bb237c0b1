"""Erlang B/C and M/G/k waiting and response times against published values and exact formulas."""

from __future__ import annotations

import math

import pytest

from capacity.queueing import (
    WaitingTime,
    delay_probability,
    erlang_b,
    erlang_c,
    mgk_waiting_time,
    response_time_quantile,
    response_time_survival,
    variability_factor,
)
from capacity.workers import ExponentialJobTime


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
        mgk_waiting_time(arrival_rate_per_s=20.0, servers=2, mean_service_s=0.1, service_scv=1.0)


@pytest.mark.parametrize("scv", [0.25, 1.0, 4.0])
def test_single_slot_mean_wait_is_pollaczek_khinchine(scv: float) -> None:
    """M/G/1 exactly: Wq = rho / (1 - rho) x (1 + cs^2) / 2 x E[S]."""
    rate, mean_s = 6.0, 0.1
    rho = rate * mean_s
    wait = mgk_waiting_time(rate, 1, mean_s, scv)
    assert wait.mean_s == pytest.approx(rho / (1 - rho) * (1 + scv) / 2 * mean_s, rel=1e-12)


def test_mm1_mean_response_time() -> None:
    """M/M/1: E[T] = 1 / (mu - lambda)."""
    rate, mean_s = 8.0, 0.1
    wait = mgk_waiting_time(rate, 1, mean_s, 1.0)
    assert wait.mean_s + mean_s == pytest.approx(1.0 / (1.0 / mean_s - rate), rel=1e-12)


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
    wait = mgk_waiting_time(rate, servers, mean_s, 1.0)
    service = ExponentialJobTime(mean_s)
    exact = exact_quantile(lambda t: mmc_sojourn_survival(servers, rate, mean_s, t), 0.95)
    assert response_time_quantile(wait, service, 0.95) == pytest.approx(exact, rel=2e-3)
    assert response_time_survival(wait, service, exact) == pytest.approx(0.05, abs=1e-3)


def test_cosmetatos_reduces_to_pollaczek_khinchine_for_one_slot() -> None:
    """One slot: the M/D/1 factor is exactly 1/2, so the wait is P-K's for any cs^2 < 1."""
    for scv in (0.0, 0.25, 0.81):
        assert variability_factor(1, 0.6, scv) == pytest.approx((1 + scv) / 2)


def test_cosmetatos_waits_longer_than_allen_cunneen_with_several_slots_at_light_load() -> None:
    """4 slots at 42 %, cs^2 0.25: Cosmetatos' M/D/4 factor is 0.595, so 0.696 against 0.625."""
    assert variability_factor(4, 0.4167, 0.25) == pytest.approx(0.25 + 0.75 * 0.595, abs=2e-3)
    assert variability_factor(4, 0.4167, 0.25) > (1 + 0.25) / 2


@pytest.mark.parametrize("scv", [1.0, 2.25, 4.0])
def test_allen_cunneen_above_exponential_variability(scv: float) -> None:
    assert variability_factor(8, 0.7, scv) == (1 + scv) / 2


def test_no_waiting_means_response_is_service() -> None:
    service = ExponentialJobTime(0.2)
    no_wait = WaitingTime(probability_of_wait=0.0, conditional_mean_s=1.0)
    assert response_time_quantile(no_wait, service, 0.95) == pytest.approx(service.quantile_s(0.95), rel=1e-5)


@pytest.mark.parametrize("scv", [0.0, 0.25, 1.0])
def test_delay_probability_is_erlang_c_for_service_no_more_variable_than_exponential(scv: float) -> None:
    # Exact for exponential service; M/D/k and other low-variability service wait less often.
    assert delay_probability(8, 5.0, scv) == erlang_c(8, 5.0)


def test_delay_probability_rises_with_variability_and_with_the_slots() -> None:
    by_scv = [delay_probability(8, 5.0, scv) for scv in (1.0, 2.25, 4.84, 16.0, 58.0)]
    assert by_scv == sorted(by_scv) and len(set(by_scv)) == len(by_scv)
    # Simulated, the excess over Erlang C is about nothing at 2 slots and grows with the slots.
    raise_by_slots = [delay_probability(k, 0.6 * k, 16.0) / erlang_c(k, 0.6 * k) for k in (2, 4, 16, 64)]
    assert raise_by_slots == sorted(raise_by_slots) and raise_by_slots[0] < 1.05 < raise_by_slots[-1]


def test_delay_probability_is_a_probability_and_one_when_overloaded() -> None:
    assert delay_probability(4, 3.9, 200.0) == 1.0  # 0.945 x 1.19, capped
    assert delay_probability(4, 4.0, 2.0) == 1.0
    assert delay_probability(1, 0.5, 9.0) == erlang_c(1, 0.5)  # one slot: waits exactly when busy
