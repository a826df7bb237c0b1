"""The pool-sizing model against an exact simulation of its own assumptions.

First the simulator itself is checked against exact queueing results (M/M/1, M/M/c, M/G/1), so
that a disagreement on the grid is the model's, not the simulator's. Then the grid of
`tests/support/sim_grid.py` is sized by model and simulation, and the model must never plan fewer pods
than the simulation needs, nor more than 5 % too many on average (3 % on the cases with several
routes), and the same on the holdout cases no constant of the model was fitted on. The delay probability
is checked against the simulated share of requests that wait. Runs in about 4 minutes on 2 cores; the
grid is simulated once per module, in one process per core.
"""

from __future__ import annotations

import math
import os
import random
from statistics import NormalDist, fmean

import pytest

from capacity.multi_class import MultiClassWait, RouteClass
from capacity.pool_sizing import Binding, size_pool
from capacity.pool_spec import PoolSpec, RouteLoad, Routing
from capacity.queueing import delay_probability, erlang_c
from capacity.service_time import ServiceTime, mixture_moments
from tests.support.des import (
    ArrivalStream,
    SimRoute,
    empirical_quantile,
    fcfs_response_times,
    fcfs_waits,
    lognormal_parameters,
    simulate_pool,
    stream_for,
)
from tests.support.sim_grid import GRID, HOLDOUT, CaseResult, run_grid, summarize

MAX_MEAN_OVER_PLAN = 0.05
# Over the latency-bound cases alone: measured +5.0 % on the grid; a regression guard, not a target.
MAX_MEAN_OVER_PLAN_WHERE_LATENCY_BINDS = 0.07
# Over the cases with two or more routes (the multi-class issue's done criterion).
MAX_MEAN_OVER_PLAN_MULTI_ROUTE = 0.03


def exponential_queue(rate_per_s: float, mean_service_s: float, count: int, seed: int):
    """Arrival epochs (s) of a Poisson stream and exponential service times (s), for M/M/c checks."""
    rng = random.Random(seed)
    epochs, services, t = [], [], 0.0
    for _ in range(count):
        t += rng.expovariate(rate_per_s)
        epochs.append(t)
        services.append(rng.expovariate(1.0 / mean_service_s))
    return epochs, services


# --- the simulator against exact results ------------------------------------------------------


def test_lognormal_draws_have_the_requested_median_p95_and_mean():
    stream = ArrivalStream(routes=(SimRoute("r", 1.0, 0.05, 2.0),), seed=1)
    stream.ensure(200_000)
    mu, sigma = lognormal_parameters(0.05, 2.0)
    # Quantiles rather than the sample CV: at CV 2 the sample variance converges very slowly.
    assert empirical_quantile(stream.service_s, 0.5) == pytest.approx(math.exp(mu), rel=0.01)
    p95 = math.exp(mu + sigma * NormalDist().inv_cdf(0.95))
    assert empirical_quantile(stream.service_s, 0.95) == pytest.approx(p95, rel=0.01)
    assert fmean(stream.service_s) == pytest.approx(0.05, rel=0.02)


def test_mm1_mean_response_time_is_one_over_mu_minus_lambda():
    arrival_rate, service_rate = 0.5, 1.0
    epochs, services = exponential_queue(arrival_rate, 1.0 / service_rate, 400_000, seed=2)
    responses = fcfs_response_times(epochs, services, slots=1)[20_000:]
    assert fmean(responses) == pytest.approx(1.0 / (service_rate - arrival_rate), rel=0.03)


def test_mmc_probability_of_wait_is_erlang_c():
    slots, offered = 4, 3.0
    epochs, services = exponential_queue(offered, 1.0, 400_000, seed=3)
    waits = fcfs_waits(epochs, services, slots)[20_000:]
    waited = sum(w > 0.0 for w in waits) / len(waits)
    assert waited == pytest.approx(erlang_c(slots, offered), rel=0.03)


def mmc_response_survival(t_s: float, slots: int, arrival_rate: float, service_rate: float) -> float:
    """Exact P(R > t) in M/M/c FCFS: wait is 0 w.p. 1 - C, else Exp(c mu - lambda), plus Exp(mu)."""
    waited = erlang_c(slots, arrival_rate / service_rate)
    theta = slots * service_rate - arrival_rate
    service_tail = math.exp(-service_rate * t_s)
    # Hypoexponential tail of Exp(theta) + Exp(mu), theta != mu.
    sum_tail = (service_rate * math.exp(-theta * t_s) - theta * service_tail) / (service_rate - theta)
    return (1.0 - waited) * service_tail + waited * sum_tail


def test_mmc_response_time_p95_matches_the_exact_distribution():
    slots, arrival_rate, service_rate = 4, 2.5, 1.0
    epochs, services = exponential_queue(arrival_rate, 1.0 / service_rate, 400_000, seed=4)
    simulated = empirical_quantile(fcfs_response_times(epochs, services, slots)[20_000:], 0.95)
    low, high = 0.0, 50.0
    while high - low > 1e-9:
        middle = (low + high) / 2.0
        if mmc_response_survival(middle, slots, arrival_rate, service_rate) > 0.05:
            low = middle
        else:
            high = middle
    assert simulated == pytest.approx(high, rel=0.02)


def test_mg1_lognormal_waits_match_pollaczek_khinchine():
    # M/G/1: P(wait) = load exactly; mean wait = lambda E[S^2] / (2 (1 - load)).
    rate, mean_s, cv = 0.6, 1.0, 1.5
    stream = ArrivalStream(routes=(SimRoute("r", rate, mean_s, cv),), seed=5)
    stream.ensure(600_000)
    waits = fcfs_waits(stream.unit_epochs, stream.service_s, 1, seconds_per_unit=1.0 / rate)[20_000:]
    load = rate * mean_s
    assert sum(w > 0.0 for w in waits) / len(waits) == pytest.approx(load, rel=0.02)
    second_moment = mean_s * mean_s * (1.0 + cv * cv)
    assert fmean(waits) == pytest.approx(rate * second_moment / (2.0 * (1.0 - load)), rel=0.05)


def test_longer_stream_from_the_same_seed_extends_the_shorter_one():
    routes = (SimRoute("a", 3.0, 0.1, 0.5), SimRoute("b", 1.0, 1.0, 2.0))
    short, long = ArrivalStream(routes, seed=6), ArrivalStream(routes, seed=6)
    short.ensure(1_000)
    long.ensure(500)
    long.ensure(3_000)
    assert long.unit_epochs[:1_000] == short.unit_epochs
    assert long.service_s[:1_000] == short.service_s
    assert long.route_index[:1_000] == short.route_index


def test_one_pod_is_the_same_queue_under_either_routing():
    routes = (
        RouteLoad("fast", 60.0, ServiceTime(0.02, 0.5), 0.1),
        RouteLoad("slow", 5.0, ServiceTime(0.3, 2.0), 2.0),
    )
    per_pod = PoolSpec(routes, slots_per_pod=4, target_utilization=0.7, routing=Routing.PER_POD)
    pooled = PoolSpec(routes, slots_per_pod=4, target_utilization=0.7, routing=Routing.POOLED)
    per_pod_tails = simulate_pool(per_pod, 1, stream_for(per_pod, 7), measured=20_000, warmup=1_000)
    pooled_tails = simulate_pool(pooled, 1, stream_for(pooled, 7), measured=20_000, warmup=1_000)
    assert per_pod_tails == pooled_tails
    assert sum(tail.requests for tail in per_pod_tails) == 20_000


# --- the model against the simulation on the grid -----------------------------------------------


@pytest.fixture(scope="module")
def grid_results() -> list[CaseResult]:
    return run_grid(GRID, workers=os.cpu_count() or 1)


def test_grid_covers_routings_cvs_slots_and_both_binding_constraints():
    # Coverage is a property of the cases and the model's answers, so it needs no simulation.
    assert len(GRID) >= 60
    specs = [case.spec for case in GRID]
    assert {spec.routing for spec in specs} == {Routing.PER_POD, Routing.POOLED}
    cvs = [route.service_time.cv for spec in specs for route in spec.routes]
    assert min(cvs) == 0.5 and max(cvs) == 2.2
    slots = {spec.slots_per_pod for spec in specs}
    assert min(slots) == 1 and max(slots) == 64 and len(slots) >= 5
    assert {len(spec.routes) for spec in specs} == {1, 2, 3, 4}
    # multi-route cases: 2 to 4 routes, means 15 to 700 ms, 1 to 16 slots, both routings
    multi = [spec for spec in specs if len(spec.routes) >= 3]
    means = [route.service_time.mean_s for spec in multi for route in spec.routes]
    assert min(means) == 0.015 and max(means) == 0.7
    assert {spec.slots_per_pod for spec in multi} == {1, 2, 4, 8, 16}
    assert {spec.routing for spec in multi} == {Routing.PER_POD, Routing.POOLED}
    utilizations = [spec.target_utilization for spec in specs]
    assert min(utilizations) >= 0.5 and max(utilizations) <= 0.75
    binding = {(spec.routing, size_pool(spec).binding_constraint) for spec in specs}
    for routing in (Routing.PER_POD, Routing.POOLED):
        assert (routing, Binding.LATENCY) in binding
        assert (routing, Binding.UTILIZATION) in binding


def describe_under_plan(result: CaseResult) -> str:
    """The case, both answers and the predicted vs simulated p95 (ms) at the model's pod count."""
    spec = result.case.spec
    routes = "; ".join(
        f"{route.name}: {route.rps:g} rps, mean {route.service_time.mean_s * 1000:g} ms, "
        f"CV {route.service_time.cv:g}, SLO {route.p95_slo_s * 1000:g} ms, "
        f"p95 predicted {pred.predicted_p95_s * 1000:.2f} vs simulated {tail.p95_s * 1000:.2f} ms "
        f"({tail.fraction_over_slo:.5f} +- {tail.fraction_stderr:.5f} of {tail.requests} over the SLO"
        f"{', within 2 s.e. of 5 % in this run' if tail in result.ties_at_model() else ''})"
        for route, pred, tail in zip(spec.routes, result.model.routes, result.sim_at_model, strict=True)
    )
    return (
        f"{result.case.name} ({spec.routing}, K={spec.slots_per_pod} slots per pod, U={spec.target_utilization}): "
        f"model {result.model.pods} pods, simulation needs {result.sim_pods}; {routes}"
    )


def assert_no_under_plan_and_little_over_plan(results: list[CaseResult]) -> None:
    under = [describe_under_plan(r) for r in results if r.model.pods < r.sim_pods]
    assert not under, "model under-plans:\n" + "\n".join(under)
    summary = summarize(results)
    assert summary.model_mean_over_plan <= MAX_MEAN_OVER_PLAN, summary


def test_model_never_plans_fewer_pods_than_the_simulation_needs_nor_five_percent_more_on_average(grid_results):
    assert_no_under_plan_and_little_over_plan(grid_results)


def test_model_over_plans_little_where_latency_decides(grid_results):
    # Where the cap binds, model and simulation share the answer by construction; this bound is on
    # the cases the queueing model actually decides, so a less accurate model cannot hide there.
    decided = [r for r in grid_results if r.model.binding_constraint == Binding.LATENCY]
    mean_over_plan = sum(r.model_over_plan for r in decided) / len(decided)
    assert len(decided) >= 15
    assert mean_over_plan <= MAX_MEAN_OVER_PLAN_WHERE_LATENCY_BINDS, f"{mean_over_plan:+.1%} over {len(decided)} cases"


def test_model_over_plans_by_at_most_three_percent_on_multi_route_cases(grid_results):
    # The multi-class issue's criterion: with one FCFS wait shared by routes of different speed and
    # variability, a wait modelled from the whole mixture (capacity/multi_class.py) instead of an
    # exponential with the mixture's two-moment mean. Fails with the two-moment wait (+8.7 %
    # measured) until the multi-class wait is wired into capacity/pool_queue.py (+1.1 % measured).
    multi = [r for r in grid_results if len(r.case.spec.routes) > 1]
    mean_over_plan = sum(r.model_over_plan for r in multi) / len(multi)
    assert mean_over_plan <= MAX_MEAN_OVER_PLAN_MULTI_ROUTE, f"{mean_over_plan:+.1%} over {len(multi)} cases"


def test_single_slot_predictions_match_the_simulation(grid_results):
    # One slot is computed exactly (up to the grid), so its p95 must agree with the simulation
    # within the simulation's own noise for heavy-tailed waits (a few per cent).
    for result in grid_results:
        if result.case.spec.slots_per_pod != 1 or result.case.spec.routing is not Routing.PER_POD:
            continue
        for predicted, simulated in zip(result.model.routes, result.sim_at_model, strict=True):
            assert predicted.predicted_p95_s == pytest.approx(simulated.p95_s, rel=0.08), result.case.name


# --- outside the grid: cases nothing was fitted on ----------------------------------------------


@pytest.fixture(scope="module")
def holdout_results() -> list[CaseResult]:
    return run_grid(HOLDOUT, workers=os.cpu_count() or 1)


def test_model_never_plans_fewer_pods_than_the_simulation_needs_on_the_holdout(holdout_results):
    # With Erlang C as the delay probability three cases came out short: "pp k8 r2 heavy cv2.2" 133
    # where 134 do, "pp k8 r2 heavy cv4" 136 where 137 do, "pp k16 r2 heavy cv4" 90 where 92 do.
    assert_no_under_plan_and_little_over_plan(holdout_results)


# --- the delay probability against simulated waiting -------------------------------------------


@pytest.mark.parametrize(
    ("slots", "load", "routes", "requests"),
    [
        # from the sweep the envelope was fitted on (bench/wait_probability.py)
        (16, 0.7, ((1.0, 0.05, 2.2),), 400_000),  # lognormal CV 2.2: 1.065 x Erlang C simulated
        (8, 0.5, ((1.0, 0.05, 4.0),), 400_000),  # lognormal CV 4: 1.098 x
        (8, 0.5, ((0.95, 0.015, 0.5), (0.05, 0.7, 2.2)), 400_000),  # a fast route beside a slow one: 1.163 x
        (4, 0.6, ((0.5, 0.015, 0.5), (0.5, 0.7, 2.2)), 400_000),  # 1.047 x
        # outside it: where an independent sweep found the excess still growing past 32 slots
        (64, 0.85, ((0.98, 0.005, 0.5), (0.02, 0.4, 0.5)), 1_000_000),  # two peaks: 1.18 x
        (48, 0.65, ((0.7, 0.015, 0.5), (0.3, 0.7, 2.2)), 1_000_000),
    ],
)
def test_delay_probability_is_at_or_above_the_simulated_share_that_waits(slots, load, routes, requests):
    # Erlang C alone is below the simulation at each of these points (the excess is noted per case);
    # the model's delay probability must not be, within two standard errors, nor be more than 20 %
    # above it (an envelope that loose would cost pods everywhere).
    sim_routes = tuple(SimRoute(f"r{i}", share, mean, cv) for i, (share, mean, cv) in enumerate(routes))
    mean_s, scv = mixture_moments([(share, ServiceTime(mean, cv)) for share, mean, cv in routes])
    rate = load * slots / mean_s
    shares = []
    for seed in (21, 22, 23):
        stream = ArrivalStream(sim_routes, seed=seed)
        stream.ensure(20_000 + requests)
        waits = fcfs_waits(stream.unit_epochs, stream.service_s, slots, seconds_per_unit=1.0 / rate)[20_000:]
        shares.append(sum(wait > 0.0 for wait in waits) / len(waits))
    simulated = fmean(shares)
    stderr = math.sqrt(sum((x - simulated) ** 2 for x in shares) / (len(shares) - 1) / len(shares))
    model = delay_probability(slots, load * slots, scv)
    assert erlang_c(slots, load * slots) < simulated
    assert model >= simulated - 2.0 * stderr, (model, simulated, stderr)
    assert model <= 1.2 * simulated, (model, simulated)


def test_mean_wait_counts_the_waits_beyond_the_longest_slo_grid():
    # Four slots at 0.9 load, a 20 ms route beside a 300 ms one of CV 2 with tight SLOs: one in four
    # waiting requests waits beyond 4 x the longest SLO, the end of the grid. Summing the grid alone gave
    # 0.52 s against 0.76 s simulated; the tail beyond it is counted now.
    mix = MultiClassWait([RouteClass(36.0, ServiceTime(0.02, 0.5), 0.05), RouteClass(4.0, ServiceTime(0.3, 2.0), 0.3)])
    rate = 0.9 * 4 / mix.mean_s
    stream = ArrivalStream((SimRoute("fast", 36.0, 0.02, 0.5), SimRoute("slow", 4.0, 0.3, 2.0)), seed=3)
    stream.ensure(1_020_000)
    simulated = fmean(fcfs_waits(stream.unit_epochs, stream.service_s, 4, seconds_per_unit=1.0 / rate)[20_000:])
    assert simulated == pytest.approx(0.756, rel=0.05)  # this stream's mean wait
    assert 0.95 * simulated <= mix.at(4, rate).mean_wait_s <= 1.15 * simulated
