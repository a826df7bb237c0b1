"""Wall time of `seasonctl baseline` over 14 days of 10 routes (target: under 5 s, local Prometheus).

A real Prometheus (Debian package `prometheus`) on 127.0.0.1 serves 14 days of synthetic traffic
for 10 routes (histograms with 12 buckets, two status codes each, scraped every 60 s), backfilled
with `promtool` as in the tests. Each run is a fresh `seasonctl baseline` process, start-up
included; the query count and the slowest query come from its JSON report.

Run from the project root: `.venv/bin/python -m bench.baseline_wall_time [--runs 5]`.
Backfilling takes about a minute before the first run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from capacity.service_time import ServiceTime
from tests.support.prometheus_data import SyntheticRoute, SyntheticTraffic
from tests.support.prometheus_server import backfill, running_prometheus

TARGET_S = 5.0
ROUTES = 10
DAYS = 14


def traffic(end_s: float) -> SyntheticTraffic:
    routes = [
        SyntheticRoute(
            "GET" if i % 2 else "POST",
            f"/api/route-{i}/{{id}}",
            mean_rps=2.0 + 3.0 * i,
            amplitude=0.6,
            service_time=ServiceTime(0.03 + 0.04 * i, 0.6 + 0.1 * i),
            error_share=0.01,
        )
        for i in range(ROUTES)
    ]
    return SyntheticTraffic(routes, end_s - DAYS * 86_400 - 3600, end_s, scrape_interval_s=60.0)


def run_baseline(url: str, end: str) -> tuple[float, dict[str, object]]:
    seasonctl = Path(sys.executable).parent / "seasonctl"
    command = [seasonctl, "baseline", "--prometheus-url", url, "--end", end, "--window", f"{DAYS}d", "--format", "json"]
    started = time.perf_counter()
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return time.perf_counter() - started, json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    end_s = (time.time() // 300) * 300 - 900
    end = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(end_s))
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        started = time.perf_counter()
        tsdb = backfill(traffic(end_s), workdir)
        print(f"backfilled {DAYS} days of {ROUTES} routes in {time.perf_counter() - started:.1f} s")
        with running_prometheus(tsdb, workdir) as url:
            run_baseline(url, end)  # warm Prometheus's page cache and Python's bytecode
            times, report = [], {}
            for _ in range(arguments.runs):
                seconds, report = run_baseline(url, end)
                times.append(seconds)
    queries = report["queries"]
    assert isinstance(queries, list)
    routes = report["routes"]
    assert isinstance(routes, list) and len(routes) == ROUTES, report.get("problems")
    slowest = max(queries, key=lambda q: q["seconds"])
    print(
        f"seasonctl baseline, {ROUTES} routes x {DAYS} days, {len(queries)} queries, {arguments.runs} runs: "
        f"median {statistics.median(times):.2f} s, worst {max(times):.2f} s (target {TARGET_S:g} s); "
        f"slowest query {slowest['measure']} {slowest['seconds']:.2f} s"
    )
    if max(times) >= TARGET_S:
        sys.exit(1)


if __name__ == "__main__":
    main()
