"""The queueing model's pod counts against a real HTTP server over real sockets.

Run from the repository root:

    .venv/bin/python -m bench.model_vs_real_server              # table and summary, about 10 minutes
    .venv/bin/python -m bench.model_vs_real_server --json       # the same as JSON
    .venv/bin/python -m bench.model_vs_real_server --only k4 --duration 30

Each scenario is a per-pod-routed pool sized by the model (`size_pool`, Method.MODEL) and by the
seed formula (Method.SEED). The reference service (`bench/reference_service.py`, its own process)
then plays N pods of k FCFS slots with the scenario's lognormal service times, and the open-loop
generator (`bench/open_loop.py`) sends the scenario's Poisson traffic to it, first at the model's N,
then at N - 1. Latency is measured by the client from each request's scheduled send time.

Verdict: the model's N should meet every SLO (measured p95 <= SLO), and N - 1 should miss one, or
at least have an SLO inside its p95 confidence interval (too close to call in a run this long).
The interval is a block bootstrap: waits of requests close in time are correlated (they share
queues), so blocks of BLOCK_S seconds of traffic are resampled rather than single requests.

Real-world costs the model leaves out (generator slip, HTTP on loopback, two event loops, sleep
overshoot) are measured, not corrected for: a calibration run at low load and with many slots shows
them without queueing, and each run reports, next to the client's p95, the server-side p95 and the
"replay" p95: the run's own requests (scheduled arrivals, the pods they went to, the service times the
server drew) pushed through the model's ideal FCFS queue. Replay against prediction is the luck of a
one-minute sample; client against replay is what the real server and client add. Scenarios use mean
service times of 30-100 ms, so a millisecond of overhead stays small, SLOs where latency (not the
utilization cap) decides N, and 150-300 rps, which the two processes of a 2-core machine carry. Other
work on the machine shows as generator slip, sleep overshoot and a load average above 2 per run.
The exit code is 1 if some scenario's N clearly misses its SLO.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
import zlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from bench.open_loop import LoadPlan, LoadReport, Outcome, quantile, run_load
from bench.reference_service import ServiceConfig, serve_in_subprocess
from capacity.pool_queue import PoolQueue
from capacity.pool_sizing import SLO_QUANTILE, Method, PoolSizing, size_pool
from capacity.pool_spec import PoolSpec, RouteLoad, Routing
from capacity.service_time import ServiceTime
from tests.support.des import fcfs_response_times

DEFAULT_DURATION_S = 60.0
DEFAULT_WARMUP_S = 10.0
# Block bootstrap: a pod's busy period at these loads lasts well under a second, so 2 s blocks
# keep correlated waits together while leaving about 30 blocks per minute to resample.
BLOCK_S = 2.0
RESAMPLES = 1000
CONFIDENCE = 0.95
# Calibration: one pod with far more slots than requests in flight, so nothing queues, at a low rate.
CALIBRATION_RPS = 50.0
CALIBRATION_SLOTS = 256
CALIBRATION_SERVICE = ServiceTime(0.05, 1.0)
CALIBRATION_DURATION_S = 15.0
CALIBRATION_WARMUP_S = 2.0


@dataclass(frozen=True)
class Scenario:
    name: str
    spec: PoolSpec


def _scenario(name: str, slots: int, *routes: tuple[str, float, float, float, float]) -> Scenario:
    """Per-pod routing at a 90 % utilization cap; routes as (name, rps, mean service s, CV, p95 SLO s)."""
    loads = tuple(RouteLoad(route, rps, ServiceTime(mean_s, cv), slo_s) for route, rps, mean_s, cv, slo_s in routes)
    return Scenario(name, PoolSpec(routes=loads, slots_per_pod=slots, target_utilization=0.9, routing=Routing.PER_POD))


# Chosen from the model alone, before any measurement: latency binds in each (the 90 % cap would allow
# fewer pods), and the model's p95 at N sits 5-8 % below the SLO and at N - 1 above it, so the runs
# can tell whether N is enough and N - 1 is not. One route per CV of 0.5, 1 and 1.5 and per slot count
# of 1, 4 and 8, and a fast read with a tight SLO sharing pods with a slow, variable write.
SCENARIOS: tuple[Scenario, ...] = (
    _scenario("pp k1 cv1", 1, ("api", 150.0, 0.05, 1.0, 0.40)),
    _scenario("pp k4 cv0.5", 4, ("api", 300.0, 0.05, 0.5, 0.12)),
    _scenario("pp k8 cv1.5", 8, ("api", 300.0, 0.10, 1.5, 0.37)),
    _scenario("pp k4 mix", 4, ("read", 200.0, 0.03, 0.5, 0.08), ("write", 40.0, 0.15, 1.0, 0.80)),
)


@dataclass(frozen=True)
class Timing:
    duration_s: float  # measured seconds per run
    warmup_s: float  # seconds sent before, not measured


@dataclass(frozen=True)
class RouteRun:
    """One route of one run: the model's p95 at that pod count and the measured one, with its interval."""

    route: str
    slo_s: float
    predicted_p95_s: float
    count: int
    errors: int
    p95_s: float
    p95_low_s: float
    p95_high_s: float
    server_p95_s: float  # wait + service as the server measured it: the client's p95 less transport
    replay_p95_s: float  # the same requests in the model's ideal queue: this sample without real-world costs
    mean_overhead_s: float  # client latency the server did not see: slip, HTTP, event loops
    mean_sleep_overshoot_s: float  # slot held beyond the drawn service time: timers, a busy or preempted loop
    max_sleep_overshoot_s: float

    @property
    def meets(self) -> bool:
        return self.errors == 0 and self.p95_s <= self.slo_s

    @property
    def clearly_meets(self) -> bool:
        """The whole p95 interval lies below the SLO."""
        return self.errors == 0 and self.p95_high_s < self.slo_s

    @property
    def clearly_misses(self) -> bool:
        """The whole p95 interval lies above the SLO (or requests failed)."""
        return self.errors > 0 or self.p95_low_s > self.slo_s


@dataclass(frozen=True)
class PodRun:
    pods: int
    routes: tuple[RouteRun, ...]
    max_lateness_s: float  # the generator's largest slip behind its schedule
    load_average: float  # the machine's 1-minute load average at the end; above 2 the cores were contended

    @property
    def meets(self) -> bool:
        return all(route.meets for route in self.routes)

    @property
    def clearly_meets(self) -> bool:
        return all(route.clearly_meets for route in self.routes)

    @property
    def clearly_misses(self) -> bool:
        return any(route.clearly_misses for route in self.routes)


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    model: PoolSizing
    seed_pods: int
    at_model: PodRun
    below_model: PodRun | None  # N - 1; none when the model plans one pod

    @property
    def verdict(self) -> str:
        """N meets and N - 1 misses: confirmed. Where an SLO lies inside a p95 interval, the run cannot
        tell meet from miss, and the verdict says so instead of counting it either way."""
        if not self.at_model.meets:
            return "UNDER-PLAN: N misses" if self.at_model.clearly_misses else "N misses, within noise"
        if self.below_model is None or not self.below_model.meets:
            return "confirmed"
        return "OVER-PLAN: N-1 meets" if self.below_model.clearly_meets else "confirmed, N-1 within noise"


@dataclass(frozen=True)
class Calibration:
    """Latency without queueing: what the service, HTTP and the generator add to the drawn service time."""

    rps: float
    count: int
    mean_extra_s: float  # client latency minus drawn service time
    p95_extra_s: float
    mean_sleep_overshoot_s: float  # realised minus drawn service time, inside the server
    p95_sleep_overshoot_s: float
    mean_transport_s: float  # client latency minus server wait and realised service
    p95_transport_s: float
    max_lateness_s: float


def p95_interval(outcomes: Sequence[Outcome], seed: int) -> tuple[float, float]:
    """A block-bootstrap CONFIDENCE interval (s) for the p95 latency of `outcomes`."""
    latencies = np.array([outcome.latency_s for outcome in outcomes])
    blocks = np.array([outcome.scheduled_s for outcome in outcomes]) // BLOCK_S
    groups = [latencies[blocks == block] for block in np.unique(blocks)]
    rng = np.random.default_rng(seed)
    estimates = [
        quantile(np.concatenate([groups[i] for i in rng.integers(len(groups), size=len(groups))]), SLO_QUANTILE)
        for _ in range(RESAMPLES)
    ]
    tail = (1.0 - CONFIDENCE) / 2.0
    low, high = np.quantile(estimates, [tail, 1.0 - tail])
    return float(low), float(high)


def predicted_p95s(spec: PoolSpec, pods: int) -> list[float]:
    state = PoolQueue(spec).at(pods)
    return [state.response_quantile(index, SLO_QUANTILE) for index in range(len(spec.routes))]


def replay_p95s(report: LoadReport, slots: int) -> dict[str, float]:
    """Each route's p95 for the very requests of `report` in the model's ideal system.

    Every request keeps its scheduled arrival, the pod the server chose and the service time the
    server drew; FCFS over the pod's slots (the simulator of `tests/support/des.py`) gives the latency it would
    have had without generator slip, transport or sleep overshoot. Measured minus replayed p95 is
    what the real server and client add; replayed minus predicted is the luck of this sample.
    """
    by_pod: dict[int, list[Outcome]] = defaultdict(list)
    for outcome in report.outcomes:
        if outcome.error is None:
            by_pod[outcome.pod].append(outcome)
    latencies: dict[str, list[float]] = defaultdict(list)
    for outcomes in by_pod.values():
        arrivals = [outcome.scheduled_s for outcome in outcomes]
        responses = fcfs_response_times(arrivals, [outcome.requested_service_s for outcome in outcomes], slots)
        for outcome, response in zip(outcomes, responses, strict=True):
            if outcome.scheduled_s >= report.warmup_s:
                latencies[outcome.route].append(response)
    return {route: quantile(values, SLO_QUANTILE) for route, values in latencies.items()}


def run_seed(name: str, pods: int) -> int:
    """Seeds fixed by scenario and pod count, so a rerun draws the same arrivals and service times."""
    return zlib.crc32(f"{name}/{pods}".encode())


def measure(
    routes: dict[str, ServiceTime], rps_by_route: dict[str, float], pods: int, slots: int, seed: int, timing: Timing
) -> LoadReport:
    """Serve `pods` x `slots` in a child process and run the open-loop load against it."""
    config = ServiceConfig(pods=pods, slots_per_pod=slots, routes=routes, seed=seed)
    with serve_in_subprocess(config) as port:
        plan = LoadPlan(
            base_url=f"http://127.0.0.1:{port}",
            total_rps=sum(rps_by_route.values()),
            shares=rps_by_route,
            duration_s=timing.duration_s,
            warmup_s=timing.warmup_s,
            seed=seed,
        )
        return asyncio.run(run_load(plan))


def run_pods(scenario: Scenario, pods: int, timing: Timing) -> PodRun:
    spec = scenario.spec
    seed = run_seed(scenario.name, pods)
    print(f"  {scenario.name}: {pods} pods, {timing.warmup_s + timing.duration_s:.0f} s", file=sys.stderr, flush=True)
    report = measure(
        {route.name: route.service_time for route in spec.routes},
        {route.name: route.rps for route in spec.routes},
        pods,
        spec.slots_per_pod,
        seed,
        timing,
    )
    replayed = replay_p95s(report, spec.slots_per_pod)
    runs = []
    for route, predicted, measured in zip(spec.routes, predicted_p95s(spec, pods), report.routes, strict=True):
        answered = [o for o in report.measured if o.route == route.name and o.error is None]
        low, high = p95_interval(answered, seed)
        runs.append(
            RouteRun(
                route=route.name,
                slo_s=route.p95_slo_s,
                predicted_p95_s=predicted,
                count=measured.count,
                errors=measured.errors,
                p95_s=measured.p95_s,
                p95_low_s=low,
                p95_high_s=high,
                server_p95_s=measured.server_p95_s,
                replay_p95_s=replayed[route.name],
                mean_overhead_s=measured.mean_overhead_s,
                mean_sleep_overshoot_s=measured.mean_sleep_overshoot_s,
                max_sleep_overshoot_s=measured.max_sleep_overshoot_s,
            )
        )
    return PodRun(pods=pods, routes=tuple(runs), max_lateness_s=report.max_lateness_s, load_average=os.getloadavg()[0])


def run_scenario(scenario: Scenario, timing: Timing) -> ScenarioResult:
    model = size_pool(scenario.spec, Method.MODEL)
    at_model = run_pods(scenario, model.pods, timing)
    return ScenarioResult(
        scenario=scenario,
        model=model,
        seed_pods=size_pool(scenario.spec, Method.SEED).pods,
        at_model=at_model,
        below_model=run_pods(scenario, model.pods - 1, timing) if model.pods > 1 else None,
    )


def _mean_and_p95(values: Sequence[float]) -> tuple[float, float]:
    return float(np.mean(values)), quantile(values, SLO_QUANTILE)


def calibrate() -> Calibration:
    """Low load on one pod with many slots: every request is served at once, so latency = service + costs."""
    print(f"  calibration: {CALIBRATION_WARMUP_S + CALIBRATION_DURATION_S:.0f} s", file=sys.stderr, flush=True)
    timing = Timing(duration_s=CALIBRATION_DURATION_S, warmup_s=CALIBRATION_WARMUP_S)
    report = measure(
        {"calibration": CALIBRATION_SERVICE}, {"calibration": CALIBRATION_RPS}, 1, CALIBRATION_SLOTS, 0, timing
    )
    answered = [outcome for outcome in report.measured if outcome.error is None]
    extra = _mean_and_p95([o.latency_s - o.requested_service_s for o in answered])
    overshoot = _mean_and_p95([o.sleep_overshoot_s for o in answered])
    transport = _mean_and_p95([o.overhead_s for o in answered])
    return Calibration(
        rps=CALIBRATION_RPS,
        count=len(answered),
        mean_extra_s=extra[0],
        p95_extra_s=extra[1],
        mean_sleep_overshoot_s=overshoot[0],
        p95_sleep_overshoot_s=overshoot[1],
        mean_transport_s=transport[0],
        p95_transport_s=transport[1],
        max_lateness_s=report.max_lateness_s,
    )


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def _interval(route: RouteRun) -> str:
    return f"{_ms(route.p95_s)} [{_ms(route.p95_low_s)}, {_ms(route.p95_high_s)}]"


def print_calibration(calibration: Calibration) -> None:
    print(
        f"calibration ({calibration.rps:g} rps, no queueing, {calibration.count} requests): "
        f"latency - drawn service mean {_ms(calibration.mean_extra_s)} ms, p95 {_ms(calibration.p95_extra_s)} ms; "
        f"of which sleep overshoot mean {_ms(calibration.mean_sleep_overshoot_s)} ms, "
        f"p95 {_ms(calibration.p95_sleep_overshoot_s)} ms, and HTTP + generator + event loops mean "
        f"{_ms(calibration.mean_transport_s)} ms, p95 {_ms(calibration.p95_transport_s)} ms; "
        f"largest generator slip {_ms(calibration.max_lateness_s)} ms"
    )
    print()


def print_table(results: Sequence[ScenarioResult]) -> None:
    header = (
        f"{'scenario':12} {'route':6} {'K':>2} {'CV':>4} {'rps':>5} {'SLO ms':>6} {'binds':>7} {'N':>3} {'seed':>4} "
        f"{'pred@N':>7} {'meas@N [95% CI]':>24} {'pred@N-1':>8} {'meas@N-1 [95% CI]':>24}  verdict"
    )
    print(header)
    print("-" * len(header))
    for result in results:
        spec = result.scenario.spec
        below_routes = result.below_model.routes if result.below_model else (None,) * len(spec.routes)
        for index, (load, at_n, below) in enumerate(
            zip(spec.routes, result.at_model.routes, below_routes, strict=True)
        ):
            first = index == 0
            print(
                f"{result.scenario.name if first else '':12} {load.name:6} {spec.slots_per_pod:>2} "
                f"{load.service_time.cv:>4g} {load.rps:>5g} {load.p95_slo_s * 1000:>6g} "
                f"{result.model.binding_constraint if first else '':>7} {result.model.pods if first else '':>3} "
                f"{result.seed_pods if first else '':>4} {_ms(at_n.predicted_p95_s):>7} {_interval(at_n):>24} "
                f"{_ms(below.predicted_p95_s) if below else '-':>8} {_interval(below) if below else '-':>24}  "
                f"{result.verdict if first else ''}"
            )


def print_diagnostics(results: Sequence[ScenarioResult]) -> None:
    print()
    print(
        "per run, ms: client p95 less server p95 is transport; replay = the same requests (arrivals, pods, drawn "
        "service times) in the model's ideal queue; overhead = client latency the server did not see; "
        "overshoot = slot held beyond the drawn service time; slip = the generator's largest lateness; "
        "load = 1-minute load average"
    )
    header = (
        f"{'scenario':12} {'pods':>4} {'route':6} {'count':>6} {'errors':>6} {'client p95':>10} {'server p95':>10} "
        f"{'replay p95':>10} "
        f"{'overhead':>8} {'overshoot mean/max':>18} {'max slip':>8} {'load':>5}"
    )
    print(header)
    print("-" * len(header))
    for result in results:
        for run in (result.at_model, result.below_model):
            if run is None:
                continue
            for route in run.routes:
                overshoot = f"{_ms(route.mean_sleep_overshoot_s)}/{_ms(route.max_sleep_overshoot_s)}"
                print(
                    f"{result.scenario.name:12} {run.pods:>4} {route.route:6} {route.count:>6} {route.errors:>6} "
                    f"{_ms(route.p95_s):>10} {_ms(route.server_p95_s):>10} {_ms(route.replay_p95_s):>10} "
                    f"{_ms(route.mean_overhead_s):>8} "
                    f"{overshoot:>18} {_ms(run.max_lateness_s):>8} {run.load_average:>5.2f}"
                )


def print_summary(results: Sequence[ScenarioResult], seconds: float) -> None:
    print()
    counts: dict[str, int] = {}
    for result in results:
        counts[result.verdict] = counts.get(result.verdict, 0) + 1
    print(f"scenarios: {len(results)}, {seconds:.0f} s; " + ", ".join(f"{v}: {n}" for v, n in counts.items()))
    print(
        f"meas: the client's p95 from scheduled send to answer, ms [{CONFIDENCE:.0%} block-bootstrap interval]; "
        "pred: the model's p95 at that pod count"
    )


def result_row(result: ScenarioResult) -> dict[str, object]:
    spec = result.scenario.spec
    return {
        "scenario": result.scenario.name,
        "slots_per_pod": spec.slots_per_pod,
        "target_utilization": spec.target_utilization,
        "routes": [
            {
                "name": r.name,
                "rps": r.rps,
                "mean_s": r.service_time.mean_s,
                "cv": r.service_time.cv,
                "slo_s": r.p95_slo_s,
            }
            for r in spec.routes
        ],
        "model_pods": result.model.pods,
        "model_binding": str(result.model.binding_constraint),
        "model_pods_for_utilization": result.model.pods_for_utilization,
        "seed_pods": result.seed_pods,
        "at_model": asdict(result.at_model),
        "below_model": asdict(result.below_model) if result.below_model else None,
        "verdict": result.verdict,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.add_argument("--duration", type=float, default=DEFAULT_DURATION_S, help="measured seconds per run")
    parser.add_argument("--warmup", type=float, default=DEFAULT_WARMUP_S, help="seconds sent but not measured")
    parser.add_argument("--only", default="", help="run only scenarios whose name contains this text")
    args = parser.parse_args(argv)
    scenarios = [scenario for scenario in SCENARIOS if args.only in scenario.name]
    if not scenarios:
        parser.error(f"no scenario name contains {args.only!r}")
    timing = Timing(duration_s=args.duration, warmup_s=args.warmup)
    started = time.perf_counter()
    calibration = calibrate()
    results = [run_scenario(scenario, timing) for scenario in scenarios]
    seconds = time.perf_counter() - started
    if args.json:
        rows = [result_row(result) for result in results]
        document = {"calibration": asdict(calibration), "timing": asdict(timing), "scenarios": rows, "seconds": seconds}
        print(json.dumps(document, indent=2, allow_nan=True))
    else:
        print_calibration(calibration)
        print_table(results)
        print_diagnostics(results)
        print_summary(results, seconds)
    return 1 if any(result.verdict.startswith("UNDER-PLAN") for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
