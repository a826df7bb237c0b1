"""Pod counts: the utilization cap, the SLO, infeasibility, the seed formula, and monotonicity."""

from __future__ import annotations

import math
from statistics import NormalDist

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from capacity.errors import InfeasibleError
from capacity.pool_sizing import MAX_PODS, Binding, Method, describe_pool, size_pool
from capacity.pool_spec import PoolSpec, RouteLoad, Routing
from capacity.service_time import ServiceTime


def one_route(
    rps: float,
    mean_ms: float,
    slo_ms: float,
    slots: int,
    target: float,
    cv: float = 1.0,
    routing: Routing = Routing.PER_POD,
) -> PoolSpec:
    return PoolSpec((RouteLoad("r", rps, ServiceTime(mean_ms / 1000, cv), slo_ms / 1000),), slots, target, routing)


def test_utilization_cap_binds_with_a_loose_slo() -> None:
    """100 rps x 0.1 s = 10 busy slots; at 50 % of one slot per pod that is 20 pods."""
    sizing = size_pool(one_route(100, 100, 100_000, slots=1, target=0.5, routing=Routing.POOLED))
    assert sizing.busy_slots == pytest.approx(10.0)
    assert (sizing.pods, sizing.binding_constraint) == (20, Binding.UTILIZATION)
    assert sizing.utilization == pytest.approx(0.5)


def test_exact_utilization_does_not_round_up_by_float_noise() -> None:
    """3 rps x 0.1 s / (1 x 0.05) is 6 exactly; float arithmetic gives 6.000000000000001."""
    assert size_pool(one_route(3, 100, 100_000, slots=1, target=0.05)).pods_for_utilization == 6


@pytest.mark.parametrize("routing", list(Routing))
def test_latency_binds_with_a_tight_slo_and_the_count_is_minimal(routing: Routing) -> None:
    spec = one_route(100, 300, 1000, slots=4, target=0.9, cv=1.5, routing=routing)
    sizing = size_pool(spec)
    assert sizing.binding_constraint == Binding.LATENCY
    assert sizing.routes[0].predicted_p95_s <= 1.0
    one_fewer = describe_pool(spec, sizing.pods - 1, Method.MODEL, Binding.LATENCY, 0, None)
    assert one_fewer.routes[0].predicted_p95_s > 1.0


def test_slo_below_the_service_time_p95_is_infeasible() -> None:
    """Lognormal mean 100 ms, CV 1 has p95 of about 278 ms: a 250 ms p95 SLO cannot be met."""
    with pytest.raises(InfeasibleError, match=r"p95 278 ms.*250 ms SLO"):
        size_pool(one_route(10, 100, 250, slots=8, target=0.6))


def test_seed_formula_is_the_original_plans_arithmetic() -> None:
    """ceil(ceil(rps x p95) / utilization) with the lognormal's p95."""
    sigma = math.sqrt(math.log(2))
    p95_s = 0.1 * math.exp(NormalDist().inv_cdf(0.95) * sigma - sigma**2 / 2)
    expected = math.ceil(math.ceil(50 * p95_s) / 0.6)
    sizing = size_pool(one_route(50, 100, 2000, slots=8, target=0.6), Method.SEED)
    assert (sizing.pods, sizing.binding_constraint) == (expected, Binding.SEED_FORMULA)
    assert expected == 24  # 50 x 0.278 = 13.9 -> 14 -> 14 / 0.6 = 23.3 -> 24


def test_seed_formula_over_provisions_multi_slot_pods() -> None:
    spec = one_route(200, 100, 2000, slots=8, target=0.6)
    assert size_pool(spec, Method.SEED).pods > 3 * size_pool(spec).pods


def test_two_routes_each_meet_their_own_slo() -> None:
    spec = PoolSpec(
        (
            RouteLoad("fast", 80, ServiceTime(0.05, 1.0), 0.25),
            RouteLoad("slow", 20, ServiceTime(0.4, 0.8), 1.5),
        ),
        slots_per_pod=4,
        target_utilization=0.8,
    )
    sizing = size_pool(spec)
    assert all(route.predicted_p95_s <= route.p95_slo_s for route in sizing.routes)
    assert sizing.busy_slots == pytest.approx(80 * 0.05 + 20 * 0.4)


def test_one_hundred_thousand_rps_pooled() -> None:
    sizing = size_pool(one_route(100_000, 100, 500, slots=8, target=0.6, routing=Routing.POOLED))
    assert sizing.pods == math.ceil(10_000 / (8 * 0.6))
    assert sizing.routes[0].predicted_p95_s <= 0.5


# Hypothesis: monotonicity the operations team relies on when they change one number.
cases = st.fixed_dictionaries(
    {
        "rps": st.floats(0.5, 2000),
        "mean_ms": st.floats(5, 500),
        "cv": st.floats(0.3, 2.5),
        "slots": st.integers(1, 64),
        "target": st.floats(0.3, 0.9),
        "slo_factor": st.floats(1.02, 20),
        "routing": st.sampled_from(list(Routing)),
    }
)
hypothesis_settings = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def spec_of(case: dict, **changes: float) -> PoolSpec:  # type: ignore[type-arg]
    values = {**case, **changes}
    service = ServiceTime(values["mean_ms"] / 1000, values["cv"])
    slo_s = service.quantile_s(0.95) * values["slo_factor"]
    return PoolSpec(
        (RouteLoad("r", values["rps"], service, slo_s),), values["slots"], values["target"], values["routing"]
    )


def pods(spec: PoolSpec) -> int:
    """Planned pods, with an infeasible request counted as more than any pool may have."""
    try:
        return size_pool(spec).pods
    except InfeasibleError:
        return MAX_PODS + 1


@hypothesis_settings
@given(case=cases, more=st.floats(1.01, 5))
def test_more_load_never_fewer_pods(case: dict, more: float) -> None:  # type: ignore[type-arg]
    assert pods(spec_of(case, rps=case["rps"] * more)) >= pods(spec_of(case))


@hypothesis_settings
@given(case=cases, tighter=st.floats(0.3, 0.99))
def test_tighter_slo_never_fewer_pods(case: dict, tighter: float) -> None:  # type: ignore[type-arg]
    tight = max(1.01, case["slo_factor"] * tighter)
    assert pods(spec_of(case, slo_factor=tight)) >= pods(spec_of(case))


@hypothesis_settings
@given(case=cases, lower=st.floats(0.3, 0.99))
def test_lower_target_never_fewer_pods(case: dict, lower: float) -> None:  # type: ignore[type-arg]
    assert pods(spec_of(case, target=case["target"] * lower)) >= pods(spec_of(case))


@hypothesis_settings
@given(case=cases)
def test_planned_pods_meet_every_constraint(case: dict) -> None:  # type: ignore[type-arg]
    spec = spec_of(case)
    assume(pods(spec) <= MAX_PODS)
    sizing = size_pool(spec)
    assert sizing.utilization <= spec.target_utilization + 1e-9
    assert sizing.routes[0].predicted_p95_s <= spec.routes[0].p95_slo_s * (1 + 1e-6)
    assert sizing.pods == max(sizing.pods_for_utilization, sizing.pods_for_latency or 0)


@hypothesis_settings
@given(case=cases)
def test_a_shared_queue_never_needs_more_pods_than_random_spreading(case: dict) -> None:  # type: ignore[type-arg]
    assert pods(spec_of(case, routing=Routing.POOLED)) <= pods(spec_of(case, routing=Routing.PER_POD))
