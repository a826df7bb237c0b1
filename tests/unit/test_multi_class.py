"""The multi-class wait (capacity/multi_class.py) against exact results in its limits: one slot (the exact
single-slot queue), exponential service on k slots (M/M/k in closed form); its two ways to a route's tail
agree; beyond its grid it says so."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import numpy.typing as npt
import pytest

import capacity.multi_class as mc
from capacity.queueing import erlang_c
from capacity.service_time import ServiceTime
from capacity.single_slot import SingleSlotQueue, SingleSlotRoute

# A fast, steady route with a tight SLO beside a slow, variable one: squared CV of the mixture 19.
ROUTES = [mc.RouteClass(12.0, ServiceTime(0.02, 0.5), 0.4), mc.RouteClass(1.2, ServiceTime(0.3, 2.0), 2.0)]


@pytest.fixture(autouse=True)
def fresh_mixtures() -> Iterator[None]:
    mc.forget_mixtures()
    yield
    mc.forget_mixtures()


def test_one_slot_agrees_with_the_exact_single_slot_queue() -> None:
    mix = mc.MultiClassWait(ROUTES)
    rate = sum(route.rps for route in ROUTES)
    state = mix.at(1, rate)
    exact = SingleSlotQueue(tuple(SingleSlotRoute(str(i), r.rps, r.service_time) for i, r in enumerate(ROUTES)), 2.0)
    load = rate * mix.mean_s
    for index, route in enumerate(ROUTES):
        # Within a grid step of the route's own SLO grid: 0.3 % of the tail here.
        assert state.response_survival(index, route.slo_s) == pytest.approx(
            exact.response_survival(load, index, route.slo_s), abs=0.002
        )


def _exponential_cdf(service: ServiceTime, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return np.where(x > 0, 1.0 - np.exp(-np.maximum(x, 0.0) / service.mean_s), 0.0)


def _exponential_partial_mean(service: ServiceTime, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return np.where(x > 0, service.mean_s * (1.0 - np.exp(-np.maximum(x, 0.0) / service.mean_s)), 0.0)


@pytest.mark.parametrize(("slots", "offered"), [(2, 1.5), (4, 3.0), (8, 7.0), (16, 12.0)])
def test_exponential_service_on_k_slots_is_m_m_k_to_the_safe_side(
    monkeypatch: pytest.MonkeyPatch, slots: int, offered: float
) -> None:
    # The grid's service time made exponential (CV 1, which keeps the grid path): the model is then M/M/k,
    # whose response tail is known in closed form.
    monkeypatch.setattr(mc, "lognormal_cdf", _exponential_cdf)
    monkeypatch.setattr(mc, "lognormal_partial_mean", _exponential_partial_mean)
    mean_s, slo_s = 0.1, 0.6
    route = mc.RouteClass(offered / mean_s, ServiceTime(mean_s, 1.0), slo_s)
    mix = mc.MultiClassWait([route])
    mix.scv = 1.0
    state = mix.at(slots, offered / mean_s)
    mu, theta, waits = 1.0 / mean_s, (slots - offered) / mean_s, erlang_c(slots, offered)
    # P(W + S > t) given a wait: two exponentials' sum, an Erlang-2 where their rates are equal.
    if math.isclose(theta, mu):
        both = (1.0 + mu * slo_s) * math.exp(-mu * slo_s)
    else:
        both = (theta * math.exp(-mu * slo_s) - mu * math.exp(-theta * slo_s)) / (theta - mu)
    exact = (1.0 - waits) * math.exp(-mu * slo_s) + waits * both
    modelled = state.response_survival(0, slo_s)
    assert exact <= modelled <= exact * 1.05 + 1e-4


def test_the_quick_tail_and_the_grid_agree() -> None:
    mix = mc.MultiClassWait(ROUTES)
    state = mix.at(4, 4 * 0.8 / mix.mean_s)
    for index, route in enumerate(ROUTES):
        survival, step = state.response_survival_grid(index)
        at_slo = int(route.slo_s / step + 1e-9)
        assert state.response_survival(index, route.slo_s) == pytest.approx(float(survival[at_slo]), abs=1e-6)


def test_a_p95_beyond_the_grid_is_infinite_not_a_number_on_it() -> None:
    mix = mc.MultiClassWait(ROUTES)
    state = mix.at(2, 2 * 0.97 / mix.mean_s)  # near saturation: the fast route's p95 lies past 4 x 0.4 s
    assert math.isinf(state.response_quantile(0, 0.95))
    assert math.isfinite(mix.at(2, 2 * 0.5 / mix.mean_s).response_quantile(0, 0.95))
