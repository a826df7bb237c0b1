"""In-process time of sizing 100,000 rps at 100 ms mean service (target: under 50 ms, pooled).

Run from the project root: `.venv/bin/python bench/size_in_process.py [--runs 20]`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

from capacity.pool_sizing import size_pool
from capacity.pool_spec import PoolSpec, RouteLoad, Routing
from capacity.service_time import ServiceTime

TARGET_S = 0.050
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
}


def time_case(spec: PoolSpec) -> tuple[float, int]:
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
