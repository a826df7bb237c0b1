"""The real-server bench's tools: the reference service queues FCFS per pod, the open-loop generator
sends Poisson traffic and measures latency from each request's scheduled time, and the bench replays
a run through the ideal queue and puts a confidence interval on its p95.

Talks only to 127.0.0.1; every run is bounded by a timeout. About 10 s.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import random
import statistics
import time
from collections import Counter
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

import aiohttp
import pytest

from bench.model_vs_real_server import p95_interval, replay_p95s
from bench.open_loop import (
    START_LEAD_S,
    Arrival,
    LoadPlan,
    LoadReport,
    Outcome,
    drive,
    poisson_schedule,
    run_load,
    summarize,
)
from bench.reference_service import FifoSlots, ServiceConfig, parse_config, run_server, serve_in_subprocess
from capacity.service_time import ServiceTime

T = TypeVar("T")
TIMEOUT_S = 20.0
# Near-deterministic service: at CV 0.01 a 150 ms service time varies by about 1.5 ms.
STEADY = ServiceTime(0.15, 0.01)


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(asyncio.wait_for(coroutine, TIMEOUT_S))


@pytest.fixture(scope="module")
def one_slot_port() -> Iterator[int]:
    """One pod with one slot and a near-constant 150 ms service time, in its own process."""
    with serve_in_subprocess(ServiceConfig(pods=1, slots_per_pod=1, routes={"api": STEADY}, seed=1)) as port:
        yield port


# --- the FIFO slot gate -----------------------------------------------------------------------


def test_slots_go_to_waiters_in_arrival_order_even_against_a_newcomer_and_past_a_cancelled_one():
    async def scenario() -> list[int]:
        slots = FifoSlots(1)
        await slots.acquire()
        served: list[int] = []

        async def take_turn(label: int) -> None:
            await slots.acquire()
            served.append(label)
            await asyncio.sleep(0)
            slots.release()

        waiters = [asyncio.create_task(take_turn(label)) for label in range(5)]
        await asyncio.sleep(0)  # all five are queued now
        waiters[2].cancel()
        slots.release()
        # A newcomer asking right after the release, before the first waiter has woken, queues last.
        await take_turn(99)
        await asyncio.gather(*waiters, return_exceptions=True)
        return served

    assert run(scenario()) == [0, 1, 3, 4, 99]


def test_a_waiter_cancelled_after_being_handed_the_slot_passes_it_on():
    async def scenario() -> bool:
        slots = FifoSlots(1)
        await slots.acquire()
        first = asyncio.create_task(slots.acquire())
        second = asyncio.create_task(slots.acquire())
        await asyncio.sleep(0)
        slots.release()  # hands the slot to `first`, which has not run yet
        first.cancel()
        await asyncio.wait_for(second, 1.0)
        return first.cancelled()

    assert run(scenario())


# --- the reference service --------------------------------------------------------------------


def test_one_slot_serves_requests_strictly_in_arrival_order(one_slot_port: int):
    gap_s = 0.03
    schedule = [Arrival(at_s=i * gap_s, route="api") for i in range(4)]
    outcomes = run(drive(f"http://127.0.0.1:{one_slot_port}", schedule, TIMEOUT_S))

    assert all(outcome.error is None for outcome in outcomes)
    finished = [outcome.scheduled_s + outcome.latency_s for outcome in outcomes]
    assert finished == sorted(finished)
    # Request i waits for the i services before it, less the i gaps it arrived after the first.
    for i, outcome in enumerate(outcomes):
        assert outcome.server_wait_s == pytest.approx(i * (STEADY.mean_s - gap_s), abs=0.015)
        assert outcome.server_service_s == pytest.approx(STEADY.mean_s, abs=0.01)


def test_of_two_requests_sent_at_once_the_second_waits_one_service_time(one_slot_port: int):
    schedule = [Arrival(at_s=0.0, route="api"), Arrival(at_s=0.0, route="api")]
    outcomes = run(drive(f"http://127.0.0.1:{one_slot_port}", schedule, TIMEOUT_S))

    waits = sorted(outcome.server_wait_s for outcome in outcomes)
    assert waits[0] == pytest.approx(0.0, abs=0.01)
    assert waits[1] == pytest.approx(STEADY.mean_s, abs=0.015)


def test_requests_are_spread_over_all_pods_at_random_and_unknown_routes_are_not_found():
    async def scenario() -> tuple[Counter[int], int]:
        config = ServiceConfig(pods=4, slots_per_pod=1, routes={"api": ServiceTime(0.001, 0.5)}, seed=3)
        server = await run_server(config)
        try:
            async with aiohttp.ClientSession() as session:
                pods: Counter[int] = Counter()
                for _ in range(200):
                    async with session.get(f"http://127.0.0.1:{server.port}/r/api") as response:
                        pods[(await response.json())["pod"]] += 1
                async with session.get(f"http://127.0.0.1:{server.port}/r/nope") as response:
                    missing = response.status
        finally:
            await server.close()
        return pods, missing

    pods, missing = run(scenario())
    assert sorted(pods) == [0, 1, 2, 3]
    # 200 requests over 4 pods: 50 each, standard deviation about 6.
    assert all(30 <= count <= 70 for count in pods.values())
    assert missing == 404


def test_the_service_config_survives_the_command_line_round_trip():
    config = ServiceConfig(
        pods=3, slots_per_pod=2, routes={"read": ServiceTime(0.03, 0.5), "write": ServiceTime(0.2, 1.5)}, seed=7
    )
    assert parse_config(config.to_args()) == (config, 0)


# --- the open-loop generator ------------------------------------------------------------------


def test_arrivals_are_poisson_at_the_requested_rate_with_routes_by_share():
    rps, horizon_s = 200.0, 200.0
    schedule = poisson_schedule(rps, {"read": 3.0, "write": 1.0}, horizon_s, None, seed=11)
    gaps = [later.at_s - earlier.at_s for earlier, later in itertools.pairwise(schedule)]

    expected = rps * horizon_s  # 40,000; a Poisson count's standard deviation is 200
    assert abs(len(schedule) - expected) < 4 * math.sqrt(expected)
    assert statistics.fmean(gaps) == pytest.approx(1.0 / rps, rel=0.02)
    # Exponential gaps: standard deviation equal to the mean.
    assert statistics.stdev(gaps) / statistics.fmean(gaps) == pytest.approx(1.0, abs=0.03)
    assert sum(arrival.route == "read" for arrival in schedule) / len(schedule) == pytest.approx(0.75, abs=0.01)
    assert all(0.0 < arrival.at_s < horizon_s for arrival in schedule)


def test_the_request_count_bounds_the_schedule():
    assert len(poisson_schedule(100.0, {"api": 1.0}, 60.0, 250, seed=1)) == 250


def test_latency_from_a_slow_server_includes_the_wait_in_its_queue(one_slot_port: int):
    # 20 rps against one slot of 150 ms: arrivals outpace service three to one, so the queue grows.
    plan = LoadPlan(f"http://127.0.0.1:{one_slot_port}", total_rps=20.0, shares={"api": 1.0}, duration_s=1.0, seed=5)
    report = run(run_load(plan))

    assert report.sent == len(report.measured) > 10
    for outcome in report.measured:
        assert outcome.error is None
        assert outcome.latency_s >= outcome.server_wait_s + outcome.server_service_s
        # What the client adds (its loop, the sockets): small beside the 150 ms service time, even when
        # a busy 2-core machine runs other tests at the same time.
        assert outcome.overhead_s < 0.05
    assert report.routes[0].p95_s > 3 * STEADY.mean_s


def test_latency_counts_from_the_scheduled_time_when_the_generator_falls_behind():
    """A stall in the generator's own event loop delays the sends; the delay must show in the latency."""
    stall_s, stall_at_s = 0.3, 0.5

    async def stalled_run(port: int) -> LoadReport:
        plan = LoadPlan(f"http://127.0.0.1:{port}", total_rps=100.0, shares={"api": 1.0}, duration_s=1.5, seed=2)
        load = asyncio.create_task(run_load(plan))
        await asyncio.sleep(START_LEAD_S + stall_at_s)
        time.sleep(stall_s)  # blocks the loop the generator runs on, as a CPU-starved client would
        return await load

    fast = ServiceConfig(pods=1, slots_per_pod=64, routes={"api": ServiceTime(0.01, 0.1)}, seed=4)
    with serve_in_subprocess(fast) as port:
        report = run(stalled_run(port))

    stalled = [outcome for outcome in report.measured if outcome.lateness_s > 0.1]
    assert len(stalled) >= 10  # about 30 requests fall due during the stall
    assert report.max_lateness_s > 0.8 * stall_s
    for outcome in stalled:
        # Measured from the send, these would take about 12 ms; from the schedule they take the stall too.
        assert outcome.server_service_s < 0.05
        assert outcome.latency_s > outcome.lateness_s + outcome.server_service_s
    assert report.routes[0].p99_s > 0.2
    assert report.sent == len(poisson_schedule(100.0, {"api": 1.0}, 1.5, None, seed=2))


# --- the bench's reading of a run ---------------------------------------------------------------


def _served(route: str, pod: int, at_s: float, service_s: float, latency_s: float = 0.0) -> Outcome:
    return Outcome(
        route=route, scheduled_s=at_s, lateness_s=0.0, latency_s=latency_s, pod=pod, requested_service_s=service_s
    )


def test_the_replay_queues_each_pods_requests_fcfs_and_counts_only_those_after_the_warm_up():
    outcomes = [
        _served("a", pod=0, at_s=0.00, service_s=0.1),  # warm-up, but it still holds pod 0's slot
        _served("a", pod=0, at_s=0.01, service_s=0.1),  # warm-up
        _served("b", pod=1, at_s=0.02, service_s=0.05),  # another pod: does not wait behind pod 0
        _served("a", pod=0, at_s=0.02, service_s=0.1),  # waits for the two before it: 0.18 s, then 0.1 s
    ]
    report = summarize(outcomes, warmup_s=0.015, routes=["a", "b"])

    replayed = replay_p95s(report, slots=1)
    assert replayed["a"] == pytest.approx(0.28)
    assert replayed["b"] == pytest.approx(0.05)
    assert replay_p95s(report, slots=3)["a"] == pytest.approx(0.1)


def test_the_p95_interval_covers_the_true_p95_of_independent_latencies():
    rng = random.Random(9)
    mean_s = 0.05
    outcomes = [_served("a", 0, i / 100, 0.0, latency_s=rng.expovariate(1 / mean_s)) for i in range(10_000)]
    low, high = p95_interval(outcomes, seed=1)

    true_p95 = mean_s * math.log(20.0)
    assert low < true_p95 < high
    # 10,000 exponential samples pin the p95 to about +-4 % at 95 % confidence.
    assert 0.04 < (high - low) / true_p95 < 0.15


@pytest.mark.parametrize(
    "url", ["http://10.0.0.1:8080", "http://example.com/", "http://127.0.0.1.example.com", "https://127.0.0.1:8443"]
)
def test_the_generator_refuses_targets_off_loopback(url: str):
    plan = LoadPlan(url, total_rps=10.0, shares={"api": 1.0}, duration_s=1.0)
    with pytest.raises(ValueError, match="only targets"):
        run(run_load(plan))


def test_the_service_refuses_to_listen_off_loopback():
    config = ServiceConfig(pods=1, slots_per_pod=1, routes={"api": STEADY})
    with pytest.raises(ValueError, match=r"127\.0\.0\.1 only"):
        run(run_server(config, host="0.0.0.0"))
