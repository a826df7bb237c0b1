"""Wall time of `seasonctl track` over a 60-day season of 10 routes (target: under 10 s, local Prometheus).

A real Prometheus (Debian package `prometheus`) on 127.0.0.1 serves 60 days of synthetic traffic for 10
routes (histograms with 12 buckets, scraped every 60 s) and the two services' HPA series, backfilled with
`promtool` as in the tests. The stack is the weihnachten stack with those 10 routes in place of its own.
Each run is a fresh `seasonctl track --from --to` process over the 60 days, start-up included.

Run from the project root: `.venv/bin/python -m bench.track_wall_time [--runs 3]`.
Backfilling takes a few minutes before the first run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from bench.baseline_wall_time import bench_routes
from tests.support.hpa_data import SyntheticHpa, SyntheticHpas
from tests.support.project import ROOT
from tests.support.prometheus_data import DAY_S, SyntheticTraffic
from tests.support.prometheus_server import backfill, running_prometheus

TARGET_S = 10.0
DAYS = 60
BERLIN = ZoneInfo("Europe/Berlin")
NS = "freshfoodz-seasonal"


def stack_project(folder: Path) -> Path:
    """The weihnachten stack with the bench's routes, the first half served by api, the rest by event-catering."""
    project = folder / "project"
    project.mkdir()
    shutil.copy(ROOT / "Pulumi.yaml", project)
    document = yaml.safe_load((ROOT / "Pulumi.weihnachten.yaml").read_text(encoding="utf-8"))
    routes = bench_routes()
    document["config"][f"{NS}:routes"] = [
        {
            "name": f"route-{i}",
            "method": route.method,
            "path": route.uri,
            "service": "api" if i < len(routes) // 2 else "event-catering",
            # The season's 5x of this baseline is the route's busiest 5 minutes: a plan the traffic fits.
            "baselineRps": round(route.mean_rps * (1 + route.amplitude) / 5, 2),
            "meanServiceTimeMs": round(route.service_time.mean_s * 1000, 1),
            "serviceTimeCv": route.service_time.cv,
            "p95SloMs": 5000,
        }
        for i, route in enumerate(routes)
    ]
    document["config"][f"{NS}:metrics"] = {"sampleRoute": "route-0"}
    (project / "Pulumi.weihnachten.yaml").write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return project


def run_track(url: str, project: Path, first: dt.date, last: dt.date) -> tuple[float, dict[str, Any]]:
    seasonctl = str(Path(sys.executable).parent / "seasonctl")
    command = [seasonctl, "track", "weihnachten", "--prometheus-url", url, "--project-dir", str(project)]
    command += ["--from", first.isoformat(), "--to", last.isoformat(), "--format", "json"]
    started = time.perf_counter()
    done = subprocess.run(command, check=False, capture_output=True, text=True)
    if done.returncode not in (0, 7):
        raise SystemExit(f"seasonctl track failed ({done.returncode}): {done.stderr}")
    return time.perf_counter() - started, json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    end_s = (time.time() // 300) * 300 - 900
    midnight = dt.datetime.fromtimestamp(end_s, BERLIN).replace(hour=0, minute=0, second=0, microsecond=0)
    last = (midnight - dt.timedelta(days=1)).date()
    first = last - dt.timedelta(days=DAYS - 1)
    start_s = dt.datetime.combine(first, dt.time(), BERLIN).timestamp() - DAY_S
    hpas = SyntheticHpas(
        (SyntheticHpa("freshfoodz", "freshfoodz-api", 7, 11), SyntheticHpa("freshfoodz", "event-catering-api", 5, 8))
    )
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        project = stack_project(workdir)
        started = time.perf_counter()
        tsdb = backfill(SyntheticTraffic(bench_routes(), start_s, end_s, more=(hpas,)), workdir)
        print(f"backfilled {DAYS + 1} days of {len(bench_routes())} routes in {time.perf_counter() - started:.1f} s")
        with running_prometheus(tsdb, workdir) as url:
            run_track(url, project, first, last)  # warm Prometheus's page cache and Python's bytecode
            measured = [run_track(url, project, first, last) for _ in range(arguments.runs)]
    times = [seconds for seconds, _ in measured]
    report = measured[-1][1]
    days = report["days"]
    assert len(days) == DAYS and all(day["routes"][0]["observed_peak_rps"] is not None for day in days), report
    print(
        f"seasonctl track --from {first} --to {last} ({DAYS} days x {len(bench_routes())} routes), "
        f"{arguments.runs} runs: "
        f"median {statistics.median(times):.2f} s, worst {max(times):.2f} s (target {TARGET_S:g} s)"
    )
    if max(times) >= TARGET_S:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
