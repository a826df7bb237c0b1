"""In-process time of sizing 100,000 rps at 100 ms mean service (target: under 50 ms, pooled).

Run from the project root: `.venv/bin/python bench/size_in_process.py [--runs 20]`.
Every run sizes a pool as the first of a process would, its wait's grids built anew; numpy is imported
before the first run (its import, about 90 ms once per process, is start-up, as in `plan_wall_time`).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

import numpy  # noqa: F401 - imported before timing: see the docstring

from capacity.multi_class import forget_mixtures
from capacity.pool_sizing import size_pool
from capacity.pool_spec import PoolSpec, RouteLoad, Routing
from capacity.service_time import ServiceTime

TARGET_S = 0.050


def mixed_routes() -> tuple[RouteLoad, ...]:
    shapes = ((0.04, 0.5, 0.09), (0.08, 1.0, 0.25), (0.15, 1.5, 0.55), (0.30, 2.2, 1.20))
    # Rates in proportion 4:3:2:1 that make the mean service time 100 ms: 100,000 rps in all.
    return tuple(
        RouteLoad(f"r{index}", 100_000 * share / 10, ServiceTime(mean_s, cv), slo_s)
        for index, ((mean_s, cv, slo_s), share) in enumerate(zip(shapes, (4, 3, 2, 1), strict=True), start=1)
    )


MIXED = mixed_routes()
CASES = {
    "pooled, 8 slots, SLO 500 ms": PoolSpec(
        (RouteLoad("r", 100_000, ServiceTime(0.1, 1.0), 0.5),), 8, 0.6, Routing.POOLED
    ),
    "pooled, 1 slot, SLO 300 ms": PoolSpec(
        (RouteLoad("r", 100_000, ServiceTime(0.1, 1.0), 0.3),), 1, 0.6, Routing.POOLED
    ),
    # Service p95 278.1 ms, SLO 278.5 ms, cap 99.9 %: latency binds, the search gallops past the cap.
    "pooled, 1 slot, SLO 278.5 ms, U 0.999": PoolSpec(
        (RouteLoad("r", 100_000, ServiceTime(0.1, 1.0), 0.2785),), 1, 0.999, Routing.POOLED
    ),
    "per-pod, 8 slots, SLO 300 ms": PoolSpec(
        (RouteLoad("r", 100_000, ServiceTime(0.1, 1.0), 0.3),), 8, 0.6, Routing.PER_POD
    ),
    # Four routes of 40 to 300 ms (100,000 rps in all, 100 ms on average), tight SLOs: the wait's distribution
    # for the mixture on each route's grid.
    "pooled, 4 routes, 8 slots, tight": PoolSpec(MIXED, 8, 0.75, Routing.POOLED),
    "per-pod, 4 routes, 8 slots, tight": PoolSpec(MIXED, 8, 0.75, Routing.PER_POD),
}


def time_case(spec: PoolSpec) -> tuple[float, int]:
    forget_mixtures()
    started = time.perf_counter()
    pods = size_pool(spec).pods
    return time.perf_counter() - started, pods


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    figures = {}
    for name, spec in CASES.items():
        runs = [time_case(spec) for _ in range(arguments.runs)]
        times = [t for t, _ in runs]
        figures[name] = {
            "pods": runs[0][1],
            "binding": size_pool(spec).binding_constraint.value,
            "median_ms": round(statistics.median(times) * 1000, 1),
            "max_ms": round(max(times) * 1000, 1),
        }
    pooled_worst = max(f["max_ms"] for name, f in figures.items() if name.startswith("pooled")) / 1000
    if arguments.json:
        print(json.dumps({"runs": arguments.runs, "target_ms": TARGET_S * 1000, "figures": figures}, indent=2))
    else:
        for name, figure in figures.items():
            timing = f"median {figure['median_ms']:6.1f} ms  max {figure['max_ms']:6.1f} ms"
            print(f"{name:36} {figure['pods']:6} pods ({figure['binding']:11})  {timing}")
        verdict = "met" if pooled_worst < TARGET_S else "MISSED"
        print(f"pooled worst {pooled_worst * 1000:.1f} ms; target {TARGET_S * 1000:.0f} ms: {verdict}")
    sys.exit(0 if pooled_worst < TARGET_S else 1)


if __name__ == "__main__":
    main()
