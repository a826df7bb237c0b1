"""Wall time of `seasonctl baseline` over 14 days, without and with a stack (target: under 5 s each, local Prometheus).

A real Prometheus (Debian package `prometheus`) on 127.0.0.1 serves one backfill (`promtool`, as in the
tests) of synthetic series scraped every 60 s, holding two 14-day windows one after the other:
- the first: 10 routes (histograms with 12 buckets, two status codes each), measured without `--stack`,
  so over every route the data holds;
- the second: the 10 routes go on, and the weihnachten stack's 6 routes (counted per pod), its 4
  Deployments' pods' CPU (cAdvisor and kube-state-metrics series; a canary Deployment beside api) and
  its workers' jobs counters join them, generated as tests/integration/test_baseline_prometheus.py
  generates them. It is measured with `--stack weihnachten`
  (a copy, each worker given a jobsMetric, in a temporary project folder), so with the CPU per request
  and per job.
The stack's series begin an hour after the first window ends: the run without a stack sees the 10 routes only.
Each run is a fresh `seasonctl baseline` process, start-up included; the query count and the slowest
query come from its JSON report.

Run from the project root: `.venv/bin/python -m bench.baseline_wall_time [--runs 5]`.
Backfilling takes about a minute and a half before the first run.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from capacity.service_time import ServiceTime
from tests.integration.test_baseline_prometheus import (
    TRUE_CPU,
    TRUE_ROUTES,
    stack_copy,
    synthetic_pods,
    with_jobs_metrics,
)
from tests.support.project import ROOT
from tests.support.prometheus_data import DAY_S, SyntheticRoute, SyntheticTraffic
from tests.support.prometheus_server import backfill, running_prometheus

TARGET_S = 5.0
ROUTES = 10
DAYS = 14
STACK = "weihnachten"
# History before each window's start, and the gap between the first window's end and the stack's series.
LEAD_S = 3600.0
GAP_S = 3600.0


def bench_routes() -> list[SyntheticRoute]:
    return [
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


def stack_start_s(end_s: float) -> float:
    """When the stack's series begin: a little before its window, which ends at `end_s`."""
    return end_s - DAYS * DAY_S - LEAD_S


def first_end_s(end_s: float) -> float:
    """The end of the window measured without a stack, before any of the stack's series."""
    return stack_start_s(end_s) - GAP_S


def traffic(end_s: float) -> SyntheticTraffic:
    start_s = stack_start_s(end_s)
    stack_routes = [dataclasses.replace(route, first_s=start_s) for route in TRUE_ROUTES.values()]
    # The stack's routes are counted per pod (pod and namespace labels), as the CPU measurement's rate needs.
    pods = synthetic_pods(start_s, end_s)
    return SyntheticTraffic(
        [*bench_routes(), *stack_routes],
        first_end_s(end_s) - DAYS * DAY_S - LEAD_S,
        end_s,
        scrape_interval_s=60.0,
        more=[pods],
        servers=pods,
    )


def stack_project(folder: Path) -> Path:
    """A project folder holding Pulumi.yaml and the stack's file, each worker given a jobsMetric."""
    project = folder / "project"
    project.mkdir()
    shutil.copy(ROOT / "Pulumi.yaml", project)
    stack_copy(project, with_jobs_metrics)
    return project


def utc(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def run_baseline(url: str, end: str, *options: str) -> tuple[float, dict[str, Any]]:
    seasonctl = str(Path(sys.executable).parent / "seasonctl")
    command = [seasonctl, "baseline", "--prometheus-url", url, "--end", end, "--window", f"{DAYS}d", "--format", "json"]
    started = time.perf_counter()
    done = subprocess.run([*command, *options], check=True, capture_output=True, text=True)
    return time.perf_counter() - started, json.loads(done.stdout)


def timed_runs(runs: int, url: str, end: str, *options: str) -> tuple[list[float], dict[str, Any]]:
    """The wall time of each of `runs` runs, after one that warms Prometheus's page cache and Python's bytecode;
    the last run's report."""
    run_baseline(url, end, *options)
    measured = [run_baseline(url, end, *options) for _ in range(runs)]
    return [seconds for seconds, _ in measured], measured[-1][1]


def summary(command: str, times: list[float], report: dict[str, Any]) -> str:
    queries = report["queries"]
    slowest = max(queries, key=lambda q: q["seconds"])
    return (
        f"{command} x {DAYS} days, {len(queries)} queries, {len(times)} runs: "
        f"median {statistics.median(times):.2f} s, worst {max(times):.2f} s (target {TARGET_S:g} s); "
        f"slowest query {slowest['measure']} {slowest['seconds']:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    end_s = (time.time() // 300) * 300 - 900
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        stack_options = ("--stack", STACK, "--project-dir", str(stack_project(workdir)))
        started = time.perf_counter()
        tsdb = backfill(traffic(end_s), workdir)
        print(
            f"backfilled 2 x {DAYS} days of {ROUTES} routes, the second with the {STACK} stack's routes, "
            f"pods' CPU and jobs, in {time.perf_counter() - started:.1f} s"
        )
        with running_prometheus(tsdb, workdir) as url:
            times, report = timed_runs(arguments.runs, url, utc(first_end_s(end_s)))
            stack_times, stack_report = timed_runs(arguments.runs, url, utc(end_s), *stack_options)
    assert len(report["routes"]) == ROUTES, report["problems"]
    assert [r["name"] for r in stack_report["routes"]] == list(TRUE_ROUTES), stack_report["problems"]
    assert [w["workload"] for w in stack_report["cpu"]] == list(TRUE_CPU), stack_report["cpu_not_measured"]
    assert stack_report["problems"] == stack_report["cpu_problems"] == [], stack_report
    print(summary(f"seasonctl baseline, {ROUTES} routes", times, report))
    measured = f"{len(stack_report['routes'])} routes, {len(stack_report['cpu'])} workloads with CPU"
    print(summary(f"seasonctl baseline --stack {STACK} ({measured})", stack_times, stack_report))
    if max(times + stack_times) >= TARGET_S:
        sys.exit(1)


if __name__ == "__main__":
    main()
