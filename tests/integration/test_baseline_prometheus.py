"""`seasonctl baseline` against a real Prometheus holding 14 days of known traffic, and its faults.

The server (Debian package `prometheus`) is started on 127.0.0.1 on history backfilled with
`promtool`; the truth is the synthetic traffic of `tests/support/prometheus_data.py` and, in the same
backfill, the pods' CPU of `tests/support/cpu_data.py` (a known CPU per request and job). Faults the real
server cannot produce on demand (timeouts, HTTP errors, TLS, credentials, NaN answers) come from
small local HTTP servers. Every fault must leave the stack file byte-identical.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import itertools
import json
import math
import re
import socket
import ssl
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import trustme
import yaml
from click.testing import Result

from capacity.service_time import ServiceTime
from tests.support.cli_runner import invoke
from tests.support.cpu_data import QUEUE, ReplicaSet, Share, SyntheticDeployment, SyntheticJobs, SyntheticPods
from tests.support.project import frozen_stack
from tests.support.prometheus_data import BUCKETS_S, DAY_S, DailyCycle, SyntheticRoute, SyntheticTraffic
from tests.support.prometheus_server import backfill, free_port, running_prometheus
from tests.support.stand_in_http import serving

WINDOW_S = 14 * DAY_S
# The weihnachten stack's routes, with true values that differ from the file's.
TRUE_ROUTES = {
    "catalog-browse": SyntheticRoute("GET", "/api/products", 24.0, 0.6, ServiceTime(0.072, 1.1), 0.005),
    "customer-lookup": SyntheticRoute("GET", "/api/customers/{id}", 7.0, 0.5, ServiceTime(0.035, 0.7)),
    "order-submit": SyntheticRoute("POST", "/api/orders", 9.0, 0.7, ServiceTime(0.21, 0.9), 0.01, peak_hour=9.0),
    "sample-request": SyntheticRoute("POST", "/api/samples/request", 5.0, 0.4, ServiceTime(0.33, 1.0)),
    "event-availability": SyntheticRoute("GET", "/api/events/availability", 7.0, 0.5, ServiceTime(0.31, 0.8)),
    "event-booking": SyntheticRoute("POST", "/api/events/bookings", 2.5, 0.3, ServiceTime(0.45, 0.7)),
}
# More than 5 % of its requests are slower than the largest finite bucket (10 s): Prometheus caps its p95.
SLOW_ROUTE = SyntheticRoute("GET", "/api/reports/export", 0.2, 0.2, ServiceTime(20.0, 0.5))
IDLE_ROUTE = ("GET", "/api/idle")
# 97 % of requests around 40 ms, 3 % around 800 ms: a lognormal fitted to the buckets under-states the CV.
MIXED_ROUTE = SyntheticRoute(
    "GET", "/api/recommendations", 3.0, 0.4, ServiceTime(0.04, 0.5), slow_share=0.03, slow_time=ServiceTime(0.8, 0.3)
)
# Its series appear a week into the window (a route deployed then): a gap in the route, not in the history.
LATE_ROUTE_DAYS = 7.0


@dataclass(frozen=True)
class CpuTruth:
    deployment: str
    seconds_per_unit: float
    idle_cores: float
    pods: tuple[int, ...]  # per ReplicaSet, one rollout after another (repeated if there are more)
    serves: tuple[Share, ...]
    rollout_every_s: float = 5 * DAY_S
    surge_interval_s: float = 0.0  # a surge rollout: one pod at a time, this far apart
    warmup_cores: float = 0.0  # a new pod's extra CPU for its first warmup_s
    warmup_s: float = 0.0


def part(name: str, share: float = 1.0) -> Share:
    """`share` of a route's requests."""
    route = TRUE_ROUTES[name]
    return Share((route.method, route.uri), DailyCycle(route.mean_rps * share, route.amplitude, route.peak_hour))


NAMESPACE = "freshfoodz"
JOBS_METRIC = "freshfoodz_jobs_completed"
# The queue broker's own count of the jobs done: no pod labels, so no Deployment's.
BROKER_JOBS_METRIC = "freshfoodz_broker_acked"
JOBS = {"order-fulfilment": DailyCycle(4.0, 0.5, 14.0), "sample-dispatch": DailyCycle(1.5, 0.6, 10.0)}
# A canary Deployment, named like api's with a suffix, serves this share of two of api's routes with its own,
# costlier, build: neither its requests nor its CPU are api's.
CANARY_SHARE = 0.2
CANARY_ROUTES = ("catalog-browse", "customer-lookup")
CANARY = CpuTruth("freshfoodz-api-canary", 0.020, 0.100, (1,), tuple(part(r, CANARY_SHARE) for r in CANARY_ROUTES))
# The weihnachten stack's workloads: services serve their routes, workers their queue's jobs.
TRUE_CPU = {
    "api": CpuTruth(
        "freshfoodz-api",
        0.012,
        0.080,
        (2, 3, 2),
        (
            *(part(r, 1 - CANARY_SHARE) for r in CANARY_ROUTES),
            *(part(r) for r in ("order-submit", "sample-request")),
        ),
    ),
    # Two surge rollouts a day, each new pod warming up: the steps around them are left out.
    "event-catering": CpuTruth(
        "event-catering-api",
        0.025,
        0.060,
        (2,),
        (part("event-availability"), part("event-booking")),
        rollout_every_s=DAY_S / 2,
        surge_interval_s=90.0,
        warmup_cores=0.4,
        warmup_s=150.0,
    ),
    "order-fulfilment": CpuTruth(
        "order-fulfilment-worker",
        0.040,
        0.030,
        (2, 3, 2),
        (Share((QUEUE, "order-fulfilment"), JOBS["order-fulfilment"]),),
    ),
    "sample-dispatch": CpuTruth(
        "sample-dispatch-worker", 0.015, 0.020, (1, 2, 1), (Share((QUEUE, "sample-dispatch"), JOBS["sample-dispatch"]),)
    ),
}
WORKERS = ("order-fulfilment", "sample-dispatch")


def synthetic_deployment(truth: CpuTruth, start_s: float, end_s: float) -> SyntheticDeployment:
    """The Deployment rolled out every `rollout_every_s` (on the scrape grid), its pods' CPU following `truth`."""
    bounds = [*np.arange(start_s, end_s, truth.rollout_every_s).tolist(), end_s]
    replicasets = [
        ReplicaSet(
            f"{7 * index + 3:x}b9d{len(truth.deployment):x}f",
            truth.pods[index % len(truth.pods)],
            bounds[index],
            bounds[index + 1],
            truth.surge_interval_s,
        )
        for index in range(len(bounds) - 1)
    ]
    return SyntheticDeployment(
        NAMESPACE,
        truth.deployment,
        truth.seconds_per_unit,
        truth.idle_cores,
        truth.serves,
        replicasets,
        truth.warmup_cores,
        truth.warmup_s,
    )


def synthetic_pods(start_s: float, end_s: float) -> SyntheticPods:
    """Each Deployment of TRUE_CPU and the canary, rolled out in the window, its pods' CPU following its truth;
    the routes' requests and the queues' jobs counted per pod (`SyntheticTraffic.servers`)."""
    deployments = [synthetic_deployment(truth, start_s, end_s) for truth in (*TRUE_CPU.values(), CANARY)]
    jobs = [
        SyntheticJobs(JOBS_METRIC, queue, cycle, BROKER_JOBS_METRIC if queue == "sample-dispatch" else None)
        for queue, cycle in JOBS.items()
    ]
    return SyntheticPods(deployments, jobs)


def with_jobs_metrics(text: str, workers: tuple[str, ...] = WORKERS) -> str:
    """The stack's text with a jobsMetric for each of `workers` (placed after its unique maxReplicasCap line)."""
    caps = {"order-fulfilment": "30", "sample-dispatch": "20"}
    for worker in workers:
        line = f"      maxReplicasCap: {caps[worker]}\n"
        assert text.count(line) == 1
        text = text.replace(
            line,
            f"{line}      jobsMetric:\n        name: {JOBS_METRIC}_total\n"
            f"        matchers:\n          queue: {worker}\n",
        )
    return text


@dataclass(frozen=True)
class Backfilled:
    url: str
    end: str  # the window's end as --end takes it

    @property
    def end_s(self) -> float:
        return time.mktime(time.strptime(self.end, "%Y-%m-%dT%H:%M:%SZ")) - time.timezone


@pytest.fixture(scope="module")
def prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backfilled]:
    workdir = tmp_path_factory.mktemp("prometheus")
    # The history ends before now (a backfill may not reach into the head block) on a 5-minute mark.
    end_s = (time.time() // 300) * 300 - 900
    late_route = SyntheticRoute(
        "GET", "/api/wishlist", 2.0, 0.5, ServiceTime(0.05, 0.8), first_s=end_s - LATE_ROUTE_DAYS * DAY_S
    )
    start_s = end_s - WINDOW_S - 7200
    pods = synthetic_pods(start_s, end_s)
    traffic = SyntheticTraffic(
        routes=[*TRUE_ROUTES.values(), SLOW_ROUTE, MIXED_ROUTE, late_route],
        start_s=start_s,
        end_s=end_s,
        scrape_interval_s=120.0,
        idle_routes=[IDLE_ROUTE],
        more=[pods],
        servers=pods,
    )
    tsdb = backfill(traffic, workdir)
    with running_prometheus(tsdb, workdir) as url:
        yield Backfilled(url, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(end_s)))


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return invoke(*args, env=env)


def stack_copy(tmp_path: Path, edit: Callable[[str], str] = lambda text: text) -> Path:
    path = tmp_path / "Pulumi.weihnachten.yaml"
    path.write_text(edit((frozen_stack("weihnachten")).read_text(encoding="utf-8")), encoding="utf-8")
    return path


def baseline(server: Backfilled, *args: str) -> Result:
    return run("baseline", "--prometheus-url", server.url, "--end", server.end, *args)


# --- the numbers -----------------------------------------------------------------------------------


def expected_quiet_hour(end_s: float) -> int:
    """The Europe/Berlin hour whose mean true rate (every route of the backfill, read every hour over the
    window as the range query reads it) is lowest."""
    routes = [*TRUE_ROUTES.values(), SLOW_ROUTE, MIXED_ROUTE]
    totals, counts = [0.0] * 24, [0] * 24
    last = end_s // 3600 * 3600
    for k in range(int(WINDOW_S // 3600)):
        # Each point on a full hour is the mean rate of the hour before it: about the rate at its middle.
        at = last - k * 3600 - 1800
        rate = sum(float(route.rate(np.array([at]))[0]) for route in routes)
        late = at >= end_s - LATE_ROUTE_DAYS * DAY_S
        rate += 2.0 * (1 + 0.5 * math.sin(2 * math.pi * (at - (11 * 3600 - DAY_S / 4)) / DAY_S)) if late else 0.0
        hour = dt.datetime.fromtimestamp(at, dt.UTC).astimezone(ZoneInfo("Europe/Berlin")).hour
        totals[hour] += rate
        counts[hour] += 1
    means = [total / count for total, count in zip(totals, counts, strict=True)]
    return means.index(min(means))


def bucket_around(value_s: float) -> tuple[float, float]:
    bounds = (0.0, *BUCKETS_S, math.inf)
    return next((low, high) for low, high in itertools.pairwise(bounds) if low < value_s <= high)


def test_the_baseline_matches_the_generated_truth(prometheus: Backfilled, tmp_path: Path) -> None:
    result = baseline(prometheus, "--stack", str(stack_copy(tmp_path)), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [r["name"] for r in report["routes"]] == list(TRUE_ROUTES)
    for measured in report["routes"]:
        truth = TRUE_ROUTES[measured["name"]]
        assert measured["peak_rps"] == pytest.approx(truth.peak_rate(prometheus.end_s, WINDOW_S), rel=0.02)
        assert measured["mean_service_time_ms"] == pytest.approx(truth.service_time.mean_s * 1000, rel=0.02)
        # histogram_quantile interpolates linearly inside the bucket that holds the p95.
        true_p95 = truth.service_time.quantile_s(0.95)
        low, high = bucket_around(true_p95)
        assert abs(measured["p95_service_time_ms"] / 1000 - true_p95) <= high - low, (measured["name"], true_p95)
        assert measured["service_time_cv"] == pytest.approx(truth.service_time.cv, rel=0.03)
        assert measured["error_rate"] == pytest.approx(truth.error_share, abs=1e-4)
        assert measured["covered_days"] == pytest.approx(14.0, abs=0.02)
        assert measured["notes"] == []  # lognormal buckets: the fitted CV stands
    assert report["history_days"] == pytest.approx(14.0, abs=0.02)
    assert report["warnings"] == []
    assert [q["measure"] for q in report["queries"]] == [
        "peak_rate",
        "history",
        "coverage",
        "requests",
        "seconds",
        "buckets",
        "errors",
        "p95",
        "hourly_profile",
        "cpu_cores",
        "cpu_pods",
        "cpu_rate",
    ]
    assert report["written"] is None
    # The job's rate by Europe/Berlin hour: the sum of the routes' daily cycles, quietest where they dip.
    assert report["quiet_hour"] == expected_quiet_hour(prometheus.end_s)
    assert len(report["hourly_rps"]) == 24 and all(rate > 0 for rate in report["hourly_rps"])


def test_write_updates_the_routes_values_and_nothing_else(prometheus: Backfilled, tmp_path: Path) -> None:
    path = stack_copy(tmp_path)
    before = path.read_text(encoding="utf-8")
    result = baseline(prometheus, "--stack", str(path), "--write")
    assert result.exit_code == 0, result.output
    after = path.read_text(encoding="utf-8")
    added = {"quietHour", "cpu", "msPerRequest", "idleMillicores", "peakRatePerPod"}
    kept = [line for line in after.splitlines() if line.strip().split(":")[0] not in added]
    changed = [(old, new) for old, new in zip(before.splitlines(), kept, strict=True) if old != new]
    keys = {new.split(":")[0].strip() for _, new in changed}
    # Only these keys change (a value measured equal to the file's stays as it was); the quiet hour and each
    # service's CPU come in as new lines, at the end of their mapping, before the comments on what follows.
    assert keys == {"baselineRps", "meanServiceTimeMs", "serviceTimeCv"}
    assert "      database: 0.60\n    quietHour: " in after
    number = r"[0-9]+(\.[0-9]+)?"
    assert re.search(
        rf"\n      baselineCpuTargetPercent: 70\n      cpu:\n        msPerRequest: {number}\n        idleMillicores: "
        rf"{number}\n        peakRatePerPod: {number}\n    - name: event-catering\n",
        after,
    )
    season = yaml.safe_load(after)["config"]["freshfoodz-seasonal:season"]
    assert season["quietHour"] == expected_quiet_hour(prometheus.end_s)
    routes = {r["name"]: r for r in yaml.safe_load(after)["config"]["freshfoodz-seasonal:routes"]}
    for name, truth in TRUE_ROUTES.items():
        peak = truth.peak_rate(prometheus.end_s, WINDOW_S)
        # Rounded up, never down: the plan never gets less than was measured.
        assert peak * 0.98 <= routes[name]["baselineRps"] <= peak * 1.02 + 0.01
        assert routes[name]["meanServiceTimeMs"] == pytest.approx(truth.service_time.mean_s * 1000, abs=0.11)
        assert routes[name]["serviceTimeCv"] == pytest.approx(truth.service_time.cv, rel=0.03)
    assert "Written to the stack file" in result.output
    assert run("validate", str(path)).exit_code == 0
    assert run("plan", str(path), "--format", "json").exit_code == 0


def test_the_table_says_which_statistic_and_which_queries(prometheus: Backfilled, tmp_path: Path) -> None:
    result = run(
        "baseline", "--prometheus-url", prometheus.url, "--end", prometheus.end, "--stack", str(stack_copy(tmp_path))
    )
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert "p99 of 5m rates" in flat
    assert "quantile_over_time(0.99," in flat and "histogram_quantile(0.95," in flat
    assert "Queries (12," in flat and "Traffic by hour (Europe/Berlin, whole job)" in flat
    assert "CPU" in flat and "a least-squares line over the window's steps" in flat
    assert "order-fulfilment: no jobsMetric" in flat


def test_without_a_stack_every_route_in_the_data_is_reported(prometheus: Backfilled) -> None:
    result = baseline(prometheus, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    found = {(r["method"], r["uri"]) for r in report["routes"]}
    # The idle and the slow route have none.
    expected = {(r.method, r.uri) for r in (*TRUE_ROUTES.values(), MIXED_ROUTE)} | {("GET", "/api/wishlist")}
    assert found == expected
    problems = {p["route"]: p["message"] for p in report["problems"]}
    assert "no requests in the window" in problems["GET /api/idle"]
    assert "slower than the largest finite bucket" in problems["GET /api/reports/export"]


def test_a_histogram_no_lognormal_describes_gets_its_moment_cv_and_a_note(prometheus: Backfilled) -> None:
    result = baseline(prometheus, "--format", "json")
    routes = {r["uri"]: r for r in json.loads(result.stdout)["routes"]}
    mixed = routes[MIXED_ROUTE.uri]
    assert mixed["mean_service_time_ms"] == pytest.approx(MIXED_ROUTE.mean_s * 1000, rel=0.02)
    assert MIXED_ROUTE.cv > 2.0 and mixed["service_time_cv"] >= 0.9 * MIXED_ROUTE.cv
    (note,) = mixed["notes"]
    assert "the histogram does not fit a lognormal" in note
    table = " ".join(baseline(prometheus).output.split())
    assert "Notes" in table and "GET /api/recommendations" in table and "does not fit a lognormal" in table


def test_a_route_younger_than_the_window_is_measured_on_a_complete_history(prometheus: Backfilled) -> None:
    result = baseline(prometheus, "--format", "json")
    report = json.loads(result.stdout)
    late = next(r for r in report["routes"] if r["uri"] == "/api/wishlist")
    assert late["covered_days"] == pytest.approx(LATE_ROUTE_DAYS, abs=0.05)
    assert late["service_time_cv"] == pytest.approx(0.8, rel=0.03)
    assert report["history_days"] == pytest.approx(14.0, abs=0.02)


def test_a_rate_window_shorter_than_two_scrapes_is_named(prometheus: Backfilled, tmp_path: Path) -> None:
    # The data is scraped every 120 s: a 1m rate window never holds two samples, so rate() has nothing.
    stack = stack_copy(
        tmp_path,
        lambda text: text.replace(
            "  freshfoodz-seasonal:phase: peak\n",
            "  freshfoodz-seasonal:phase: peak\n  freshfoodz-seasonal:metrics:\n    rateWindow: 1m\n",
        ),
    )
    result = baseline(prometheus, "--stack", str(stack), "--format", "json")
    assert result.exit_code == 5, result.output
    problems = json.loads(result.stdout)["problems"]
    assert len(problems) == len(TRUE_ROUTES)
    assert all(
        "covers 0.0 of the 14.0 days" in p["message"]
        and "the rate window (metrics.rateWindow, 1m) may be shorter than twice the scrape interval" in p["message"]
        for p in problems
    ), problems


# --- CPU per request and per job ----------------------------------------------------------------------


def test_cpu_per_request_and_job_match_the_generated_truth_and_are_written(
    prometheus: Backfilled, tmp_path: Path
) -> None:
    path = stack_copy(tmp_path, with_jobs_metrics)
    result = baseline(prometheus, "--stack", str(path), "--write", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    measured = {w["workload"]: w for w in report["cpu"]}
    assert list(measured) == list(TRUE_CPU)
    for name, truth in TRUE_CPU.items():
        fit = measured[name]
        assert (fit["deployment"], fit["unit"]) == (truth.deployment, "job" if name in WORKERS else "request")
        # api: 12 ms, not less: the canary's share of its routes is served, and its CPU spent, by other pods.
        # event-catering: its surge rollouts and warm-ups are left out, or it would read some 4 % less.
        assert fit["ms_per_unit"] == pytest.approx(truth.seconds_per_unit * 1000, rel=0.02), name
        assert fit["idle_millicores"] == pytest.approx(truth.idle_cores * 1000, rel=0.03), name
        # Noisy CPU (4 % per scrape): a good line, not a perfect one; straight in both halves.
        assert 0.95 < fit["r_squared"] < 0.9995, name
        low, high = fit["ms_per_unit_by_half"]
        assert abs(high - low) < 0.05 * fit["ms_per_unit"], name
        # Every 5-minute step of the 14 days, fitted or left out where a rollout changed the pod count.
        assert fit["points"] + fit["dropped_steps"] == 4032 and fit["dropped_steps"] >= 2, name
    assert measured["event-catering"]["dropped_steps"] >= 2 * 27  # two surge rollouts a day
    assert report["cpu_problems"] == [] and report["cpu_not_measured"] == [] and report["cpu_step"] == "300s"
    assert [(q["measure"], q["series"]) for q in report["queries"]][-3:] == [
        ("cpu_cores", 4),
        ("cpu_pods", 4),
        ("cpu_rate", 4),
    ]
    rate_query = report["queries"][-1]["promql"]
    assert 'pod=~"(freshfoodz-api-).+"' in rate_query and "group_left (deployment)" in rate_query
    config = yaml.safe_load(path.read_text(encoding="utf-8"))["config"]
    written = {
        w["name"]: w["cpu"] for w in [*config["freshfoodz-seasonal:services"], *config["freshfoodz-seasonal:workers"]]
    }
    for name, truth in TRUE_CPU.items():
        key = "msPerJob" if name in WORKERS else "msPerRequest"
        peak = measured[name]["peak_rate_per_pod"]
        assert written[name] == {
            key: pytest.approx(truth.seconds_per_unit * 1000, rel=0.02),
            "idleMillicores": pytest.approx(truth.idle_cores * 1000, rel=0.03),
            # Rounded down to three digits: the line is not claimed beyond the rates it was measured on.
            "peakRatePerPod": pytest.approx(peak, rel=0.01),
        }
        assert written[name]["peakRatePerPod"] <= peak
    assert run("validate", str(path)).exit_code == 0
    planned = run("plan", str(path), "--format", "json")
    assert planned.exit_code == 0, planned.output
    # The plan now takes its CPU targets from the measurement, not from the fallback.
    plan = json.loads(planned.stdout)
    for item in [*plan["services"], *plan["workers"]]:
        cpu = item["cpu"]
        unit = "millicores_per_job" if item["name"] in WORKERS else "millicores_per_request"
        assert cpu["source"] == "measured" and cpu[unit] == written[item["name"]][key_of(item["name"])]
        assert cpu["hpa_target_percent"] == item["hpa"]["cpu_target_percent"] == round(cpu["utilization_at_plan"] * 100)
    assert not [w for w in plan["warnings"] if w.startswith("no CPU per request or job")]


def test_the_routes_count_every_pod_but_api_cpu_only_its_own(prometheus: Backfilled, tmp_path: Path) -> None:
    # The route baselines are the routes' whole traffic, the canary's share too. api's CPU line holds its own
    # pods' CPU against the requests those pods served: with the canary's 6.2 of the 45 rps counted (its pods'
    # names begin as api's do, `freshfoodz-api-canary-...`), it would read 10.3 ms instead of 12.
    report = json.loads(baseline(prometheus, "--stack", str(stack_copy(tmp_path)), "--format", "json").stdout)
    routes = {r["name"]: r for r in report["routes"]}
    for name in CANARY_ROUTES:
        truth = TRUE_ROUTES[name].peak_rate(prometheus.end_s, WINDOW_S)
        assert routes[name]["peak_rps"] == pytest.approx(truth, rel=0.02)
    (api,) = [w for w in report["cpu"] if w["workload"] == "api"]
    assert api["ms_per_unit"] == pytest.approx(12.0, rel=0.02)


def key_of(workload: str) -> str:
    return "msPerJob" if workload in WORKERS else "msPerRequest"


def test_a_deployment_without_cpu_series_is_refused_unless_cpu_is_skipped(
    prometheus: Backfilled, tmp_path: Path
) -> None:
    stack = stack_copy(
        tmp_path, lambda text: text.replace("deployment: event-catering-api", "deployment: event-catering-v2")
    )
    before = stack.read_bytes()
    refused = baseline(prometheus, "--stack", str(stack), "--write")
    assert refused.exit_code == 5, refused.output
    flat = " ".join(refused.output.split())
    assert "error: event-catering (CPU): no CPU series for Deployment freshfoodz/event-catering-v2" in flat
    # The selectors as the queries used them, namespace and pod names included.
    assert (
        'container_cpu_usage_seconds_total{namespace=~"freshfoodz",pod=~"(event-catering-v2-).+",container!="",'
        'container!="POD"}' in flat
    )
    assert (
        'kube_replicaset_owner{namespace=~"freshfoodz",owner_kind="Deployment",owner_name=~"event-catering-v2"}' in flat
    )
    assert "give --skip-cpu event-catering to write the rest without its CPU" in flat
    assert "or --no-cpu if the cluster does not export cAdvisor and kube-state-metrics metrics" in flat
    assert "Workloads without a CPU measurement" in flat and "nothing written" in flat
    assert "api (CPU)" not in flat  # the other service is measured
    assert stack.read_bytes() == before
    skipped = baseline(prometheus, "--stack", str(stack), "--write", "--no-cpu", "--format", "json")
    assert skipped.exit_code == 0, skipped.output
    report = json.loads(skipped.stdout)
    assert (report["cpu"], report["cpu_problems"], report["cpu_step"]) == ([], [], None)
    assert not any(q["measure"].startswith("cpu_") for q in report["queries"])
    after = stack.read_text(encoding="utf-8")
    assert after != before.decode("utf-8") and "cpu:" not in after


def test_a_worker_without_a_jobs_counter_is_named_as_not_measured(prometheus: Backfilled, tmp_path: Path) -> None:
    stack = stack_copy(tmp_path, lambda text: with_jobs_metrics(text, ("order-fulfilment",)))
    result = baseline(prometheus, "--stack", str(stack), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [w["workload"] for w in report["cpu"]] == ["api", "event-catering", "order-fulfilment"]
    assert report["cpu_not_measured"] == [
        "sample-dispatch: no jobsMetric (a counter of its jobs), so its CPU per job is not measured"
    ]
    # At 80 columns every name and number whole, the units in the headers ("12 ms per request").
    output = run(
        "baseline", "--prometheus-url", prometheus.url, "--end", prometheus.end, "--stack", str(stack),
        env={"COLUMNS": "80"},
    ).output  # fmt: skip
    table = output[output.index("CPU") : output.index("a pod's cores")]
    assert max(len(line) for line in table.splitlines()) <= 80
    # Numbers to the right, text (the unit "per") to the left.
    assert re.search(r"┃ workload +┃ +ms ┃ per +┃ idle mCPU ┃ +R\^2 ┃ points ┃ peak/s/pod ┃", table), table
    assert re.search(r"│ api +│ +1[12]\.?[0-9]? │ request │ +[0-9.]+ │", table), table
    assert re.search(r"│ order-fulfilment │ +[34][0-9.]* │ job +│", table), table
    assert "sample-dispatch: no jobsMetric" in " ".join(output.split())


def test_a_jobs_counter_without_pod_labels_is_refused_and_the_worker_can_be_skipped(
    prometheus: Backfilled, tmp_path: Path
) -> None:
    # The queue broker's count of sample-dispatch's jobs: right in total, but no pod is named, so the rate
    # cannot be held to the worker's own pods.
    def broker_counter(text: str) -> str:
        return with_jobs_metrics(text).replace(
            f"name: {JOBS_METRIC}_total\n        matchers:\n          queue: sample-dispatch",
            f"name: {BROKER_JOBS_METRIC}_total\n        matchers:\n          queue: sample-dispatch",
        )

    stack = stack_copy(tmp_path, broker_counter)
    before = stack.read_bytes()
    refused = baseline(prometheus, "--stack", str(stack), "--write", "--format", "json")
    assert refused.exit_code == 5, refused.output
    report = json.loads(refused.stdout)
    assert [w["workload"] for w in report["cpu"]] == ["api", "event-catering", "order-fulfilment"]
    (problem,) = report["cpu_problems"]
    assert problem["workload"] == "sample-dispatch"
    assert problem["message"].startswith(
        f'{BROKER_JOBS_METRIC}_total{{queue="sample-dispatch"}} (workers[].jobsMetric) has 1 series in the window, '
        "none with the pod labels namespace and pod (metrics.podNamespaceLabel, metrics.podLabel"
    )
    assert "the scrape config must keep the pod's namespace and name" in problem["message"]
    assert "kube-prometheus ServiceMonitors do" in problem["message"]
    assert "give --skip-cpu sample-dispatch to write the rest without its CPU" in problem["message"]
    assert "or --no-cpu" in problem["message"]
    # The diagnostic query runs only for the workload without a rate.
    assert [q["measure"] for q in report["queries"]][-4:] == ["cpu_cores", "cpu_pods", "cpu_rate", "cpu_rate_labels"]
    assert "sample-dispatch" in report["queries"][-1]["promql"] and "api" not in report["queries"][-1]["promql"]
    assert stack.read_bytes() == before
    skipped = baseline(
        prometheus, "--stack", str(stack), "--write", "--skip-cpu", "sample-dispatch", "--format", "json"
    )
    assert skipped.exit_code == 0, skipped.output
    report = json.loads(skipped.stdout)
    assert [w["workload"] for w in report["cpu"]] == ["api", "event-catering", "order-fulfilment"]
    assert report["cpu_problems"] == [] and report["cpu_not_measured"] == [
        "sample-dispatch: skipped (--skip-cpu), so its CPU is not measured and its cpu in the stack stays as it is"
    ]
    config = yaml.safe_load(stack.read_text(encoding="utf-8"))["config"]
    cpu = {w["name"]: w.get("cpu") for w in config["freshfoodz-seasonal:workers"]}
    assert cpu["sample-dispatch"] is None and cpu["order-fulfilment"]["msPerJob"] == pytest.approx(40.0, rel=0.02)


def test_skip_cpu_names_a_workload_of_the_stack(tmp_path: Path) -> None:
    stack = str(stack_copy(tmp_path))
    url = f"http://127.0.0.1:{free_port()}"
    unknown = run("baseline", "--prometheus-url", url, "--stack", stack, "--skip-cpu", "api", "--skip-cpu", "apii")
    assert unknown.exit_code == 2, unknown.output
    assert (
        "--skip-cpu: 'apii' is not a service or worker of the stack; accepted: api, event-catering, "
        "order-fulfilment, sample-dispatch"
    ) in " ".join(unknown.output.split())
    without_stack = run("baseline", "--prometheus-url", url, "--skip-cpu", "api")
    assert without_stack.exit_code == 2 and "--skip-cpu needs --stack" in without_stack.output


# --- faults the real server shows ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/api/nothing-here", "no data: no http_server_requests_seconds_count series with method='POST'"),
        ("/api/idle", "no requests in the window"),
        ("/api/reports/export", "more than 5 % of the requests are slower than the largest finite bucket (10 s)"),
    ],
)
def test_a_route_without_a_usable_baseline_writes_nothing(
    prometheus: Backfilled, tmp_path: Path, path: str, message: str
) -> None:
    method = "GET" if path != "/api/nothing-here" else "POST"
    stack = stack_copy(
        tmp_path,
        lambda text: text.replace(
            "      method: POST\n      path: /api/events/bookings", f"      method: {method}\n      path: {path}"
        ),
    )
    before = stack.read_bytes()
    result = baseline(prometheus, "--stack", str(stack), "--write")
    assert result.exit_code == 5, result.output
    flat = " ".join(result.output.split())
    assert f"event-booking: {message}" in flat
    assert "nothing written" in flat
    assert stack.read_bytes() == before


def test_with_one_unusable_route_the_rest_is_shown_before_the_refusal(prometheus: Backfilled, tmp_path: Path) -> None:
    stack = stack_copy(tmp_path, lambda text: text.replace("path: /api/events/bookings", "path: /api/idle"))
    before = stack.read_bytes()
    result = baseline(prometheus, "--stack", str(stack), "--write", "--format", "json")
    assert result.exit_code == 5, result.output
    report = json.loads(result.stdout)
    assert [r["name"] for r in report["routes"]] == [name for name in TRUE_ROUTES if name != "event-booking"]
    assert [p["route"] for p in report["problems"]] == ["event-booking"]
    assert len(report["queries"]) == 12 and report["written"] is None
    assert stack.read_bytes() == before
    table = run(
        "baseline", "--prometheus-url", prometheus.url, "--end", prometheus.end, "--stack", str(stack), "--write"
    )
    flat = " ".join(table.output.split())
    assert table.exit_code == 5 and "Routes without a baseline" in flat and "Queries (12," in flat
    assert "nothing written" in flat and stack.read_bytes() == before


def test_fewer_days_than_the_window_asks(prometheus: Backfilled, tmp_path: Path) -> None:
    stack = stack_copy(tmp_path)
    before = stack.read_bytes()
    result = baseline(prometheus, "--stack", str(stack), "--write", "--window", "21d")
    assert result.exit_code == 5, result.output
    assert "data (http_server_requests_seconds_count, all routes) covers 14.1 of the 21.0 days the window asks" in (
        " ".join(result.output.split())
    )
    assert stack.read_bytes() == before


def test_an_unreachable_prometheus(tmp_path: Path) -> None:
    stack = stack_copy(tmp_path)
    before = stack.read_bytes()
    url = f"http://127.0.0.1:{free_port()}"
    result = run("baseline", "--prometheus-url", url, "--stack", str(stack), "--write")
    assert result.exit_code == 4, result.output
    assert "connection refused; is Prometheus running there?" in result.output
    assert stack.read_bytes() == before


# --- faults from a stand-in server -------------------------------------------------------------------

Responder = Callable[[BaseHTTPRequestHandler], tuple[int, dict[str, str], bytes]]


EMPTY_MATRIX = (
    200,
    {"Content-Type": "application/json"},
    json.dumps({"status": "success", "data": {"resultType": "matrix", "result": []}}).encode(),
)


def empty_vector(_: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
    body = {"status": "success", "data": {"resultType": "vector", "result": []}}
    return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()


class QuietServer(ThreadingHTTPServer):
    """Failed TLS handshakes are the point of some tests: no tracebacks on stderr for them."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


@contextlib.contextmanager
def stand_in(respond: Responder, tls: trustme.CA | None = None) -> Iterator[str]:
    """An HTTP(S) server on 127.0.0.1 answering every request with `respond`; yields its base URL."""
    seen: list[dict[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            seen.append(dict(self.headers))
            # The request's body, for a responder that forwards it.
            self.body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            # The hourly profile's range query gets an empty matrix unless the responder forwards requests.
            forwards = getattr(respond, "forwards", False)
            status, headers, body = respond(self) if forwards or "query_range" not in self.path else EMPTY_MATRIX
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: Any) -> None:
            pass

    context = None
    if tls is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.issue_cert("127.0.0.1").configure_cert(context)
    with serving(Handler, context, QuietServer) as url:
        yield url


def status(code: int, body: bytes, content_type: str = "application/json") -> Responder:
    return lambda _: (code, {"Content-Type": content_type}, body)


def sleeping(seconds: float) -> Responder:
    def respond(handler: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
        time.sleep(seconds)
        return empty_vector(handler)

    return respond


def nan_for_every_query(_: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
    sample = {"metric": {"method": "GET", "uri": "/api/products", "le": "+Inf"}, "value": [1, "NaN"]}
    body = {"status": "success", "data": {"resultType": "vector", "result": [sample]}}
    return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()


@pytest.mark.parametrize(
    ("respond", "args", "code", "message"),
    [
        (sleeping(3.0), ["--timeout", "1"], 4, "no answer within 1 s (--timeout)"),
        (status(500, b"internal trouble", "text/plain"), [], 4, "HTTP 500: internal trouble"),
        (status(503, b'{"status":"error","errorType":"timeout","error":"query timed out"}'), [], 4, "timed out"),
        (status(401, b"Unauthorized", "text/plain"), [], 4, "HTTP 401, access denied (check PROMETHEUS_BEARER_TOKEN"),
        (status(404, b"404 page not found", "text/plain"), [], 4, "HTTP 404, no query API here"),
        (status(400, b'{"status":"error","errorType":"bad_data","error":"parse error"}'), [], 4, "bad_data: parse"),
        (
            status(200, b"<html>login</html>", "text/html"),
            [],
            4,
            "the answer is not JSON; is this Prometheus? It was: an HTML page",
        ),
        (status(200, b'{"status":"success","data":{"resultType":"matrix","result":[]}}'), [], 4, "instant vector"),
        (
            lambda _: (302, {"Location": "http://127.0.0.1:1/elsewhere"}, b""),
            [],
            4,
            "redirects (HTTP 302) to http://127.0.0.1:1/elsewhere; give that URL instead",
        ),
        (nan_for_every_query, [], 5, "catalog-browse: the history is NaN"),
        (empty_vector, [], 5, "catalog-browse: no data"),
    ],
)
def test_faults_exit_with_their_message_and_write_nothing(
    tmp_path: Path, respond: Responder, args: list[str], code: int, message: str
) -> None:
    stack = stack_copy(tmp_path)
    before = stack.read_bytes()
    with stand_in(respond) as url:
        result = run("baseline", "--prometheus-url", url, "--stack", str(stack), "--write", *args)
    assert result.exit_code == code, result.output
    assert message in " ".join(result.output.split())
    assert stack.read_bytes() == before


def test_a_bearer_token_is_sent_and_never_shown(tmp_path: Path) -> None:
    token = "s3cr3t-token-value"

    def respond(handler: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
        if handler.headers.get("Authorization") != f"Bearer {token}":
            return status(401, b"no")(handler)
        return empty_vector(handler)

    stack = stack_copy(tmp_path)
    with stand_in(respond) as url:
        right = run("baseline", "--prometheus-url", url, "--stack", str(stack), env={"PROMETHEUS_BEARER_TOKEN": token})
        wrong = run("baseline", "--prometheus-url", url, "--stack", str(stack), env={"PROMETHEUS_BEARER_TOKEN": "x"})
    assert right.exit_code == 5 and "no data" in right.output  # past authentication, into the (empty) data
    assert wrong.exit_code == 4 and "access denied" in wrong.output
    assert token not in right.output + wrong.output


def test_a_token_with_a_trailing_newline_is_sent_without_it(tmp_path: Path) -> None:
    token = "s3cr3t-token-value"

    def respond(handler: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
        return empty_vector(handler) if handler.headers.get("Authorization") == f"Bearer {token}" else (401, {}, b"")

    with stand_in(respond) as url:
        # As a Kubernetes secret mounted into the environment often has it.
        result = run(
            "baseline",
            "--prometheus-url",
            url,
            "--stack",
            str(stack_copy(tmp_path)),
            env={"PROMETHEUS_BEARER_TOKEN": f"{token}\n"},
        )
    assert result.exit_code == 5 and "no data" in result.output, result.output
    assert token not in result.output


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"PROMETHEUS_BEARER_TOKEN": "s3cr3t\nvalue"}, "PROMETHEUS_BEARER_TOKEN"),
        ({"PROMETHEUS_BEARER_TOKEN": "s3cr3t\u2013value"}, "PROMETHEUS_BEARER_TOKEN"),
        ({"PROMETHEUS_USERNAME": "ops", "PROMETHEUS_PASSWORD": "s3cr3t\x1bvalue"}, "PROMETHEUS_PASSWORD"),
    ],
)
def test_credentials_that_cannot_be_sent_exit_2_without_their_value(
    tmp_path: Path, env: dict[str, str], variable: str
) -> None:
    with stand_in(empty_vector) as url:
        result = run("baseline", "--prometheus-url", url, "--stack", str(stack_copy(tmp_path)), env=env)
    assert result.exit_code == 2, result.output
    assert variable in result.output and "s3cr3t" not in result.output


def test_credentials_over_plain_http_are_warned_about(tmp_path: Path) -> None:
    stack = str(stack_copy(tmp_path))
    with stand_in(empty_vector) as url:
        with_token = run("baseline", "--prometheus-url", url, "--stack", stack, env={"PROMETHEUS_BEARER_TOKEN": "t"})
        without = run("baseline", "--prometheus-url", url, "--stack", stack)
    warning = "warning: the credentials go over plain http://"
    assert with_token.exit_code == 5 and warning in " ".join(with_token.output.split())
    assert without.exit_code == 5 and warning not in " ".join(without.output.split())


def test_prometheus_warnings_are_shown(tmp_path: Path) -> None:
    def partial(handler: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
        body = {
            "status": "success",
            "data": {"resultType": "vector", "result": []},
            "warnings": ["store-gateway eu-1 unavailable: the answer is partial"],
        }
        return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()

    stack = str(stack_copy(tmp_path))
    with stand_in(partial) as url:
        as_json = run("baseline", "--prometheus-url", url, "--stack", stack, "--format", "json")
        as_table = run("baseline", "--prometheus-url", url, "--stack", stack)
    warnings = json.loads(as_json.stdout)["warnings"]
    assert len(warnings) == 8
    assert warnings[0] == {"measure": "peak_rate", "warning": "store-gateway eu-1 unavailable: the answer is partial"}
    flat = " ".join(as_table.output.split())
    assert "Prometheus warnings" in flat and "store-gateway eu-1 unavailable" in flat


@contextlib.contextmanager
def raw_server(payload: bytes) -> Iterator[str]:
    """A TCP server on 127.0.0.1 that sends `payload` to its first client and closes; it stops by itself."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(10.0)

    def serve() -> None:
        with listener:
            try:
                connection, _ = listener.accept()
            except OSError:  # nobody came within the timeout
                return
            with connection, contextlib.suppress(OSError):
                connection.settimeout(5.0)
                connection.sendall(payload)
                connection.shutdown(socket.SHUT_WR)
                # Read until the client hangs up, so the close is a clean end, never a reset.
                while connection.recv(65536):
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        thread.join(timeout=15)
        assert not thread.is_alive()


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"SSH-2.0-OpenSSH_9.2p1\r\n", "the server does not speak HTTP (it began 'SSH-2.0-OpenSSH_9.2p1\\r\\n')"),
        (b'HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n{"status":', "the answer ended early"),
        (b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3e8\r\n{"status":', "the answer ended early"),
    ],
    ids=["ssh", "cut-off", "cut-off-chunked"],
)
def test_a_peer_that_does_not_answer_in_http_exits_4(tmp_path: Path, payload: bytes, message: str) -> None:
    stack = stack_copy(tmp_path)
    before = stack.read_bytes()
    with raw_server(payload) as url:
        result = run("baseline", "--prometheus-url", url, "--stack", str(stack), "--write", "--timeout", "5")
    assert result.exit_code == 4, result.output
    assert message in " ".join(result.output.split())
    assert stack.read_bytes() == before


def test_a_ca_file_that_is_not_pem_exits_2(tmp_path: Path) -> None:
    ca_file = tmp_path / "ca.der"
    ca_file.write_bytes(trustme.CA().cert_pem.bytes().replace(b"-----BEGIN", b"-----START"))
    result = run(
        "baseline",
        "--prometheus-url",
        "https://127.0.0.1:9",
        "--stack",
        str(stack_copy(tmp_path)),
        "--ca-file",
        str(ca_file),
    )
    assert result.exit_code == 2, result.output
    assert f"--ca-file: {ca_file} is not a CA bundle in PEM format" in " ".join(result.output.split())


def test_basic_auth_from_the_environment(tmp_path: Path) -> None:
    expected = "Basic " + base64.b64encode(b"ops:pa55word").decode()

    def respond(handler: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
        return (
            empty_vector(handler) if handler.headers.get("Authorization") == expected else status(401, b"no")(handler)
        )

    env = {"PROMETHEUS_USERNAME": "ops", "PROMETHEUS_PASSWORD": "pa55word"}
    with stand_in(respond) as url:
        result = run("baseline", "--prometheus-url", url, "--stack", str(stack_copy(tmp_path)), env=env)
    assert result.exit_code == 5 and "no data" in result.output
    assert "pa55word" not in result.output


def test_tls_is_verified_unless_told_otherwise(tmp_path: Path) -> None:
    authority = trustme.CA()
    ca_file = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    stack = str(stack_copy(tmp_path))
    with stand_in(empty_vector, tls=authority) as url:
        untrusted = run("baseline", "--prometheus-url", url, "--stack", stack)
        trusted = run("baseline", "--prometheus-url", url, "--stack", stack, "--ca-file", str(ca_file))
        unchecked = run("baseline", "--prometheus-url", url, "--stack", stack, "--insecure")
        # The flag's earlier name still works, with a warning to update the command.
        earlier = run("baseline", "--prometheus-url", url, "--stack", stack, "--insecure-skip-tls-verify")
    assert untrusted.exit_code == 4 and "the TLS certificate is not trusted" in untrusted.output
    assert trusted.exit_code == 5 and "no data" in trusted.output
    assert unchecked.exit_code == 5 and "TLS certificates are not checked" in unchecked.output
    assert earlier.exit_code == 5 and "TLS certificates are not checked" in earlier.output
    assert "--insecure-skip-tls-verify is now --insecure; taken as that" in earlier.output


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--write"], {}, "--write needs --stack"),
        (["--window", "fortnight"], {}, "--window: 'fortnight' is not a duration"),
        (["--window", "1h"], {}, "accepted: 1d to 400d"),
        (["--end", "yesterday"], {}, "--end: 'yesterday' is not a time"),
        (["--end", "2999-01-01"], {}, "is in the future"),
        (["--prometheus-url", "ftp://prometheus"], {}, "is not an http:// or https:// URL"),
        (["--prometheus-url", "http://ops:pw@prometheus:9090"], {}, "the URL holds credentials"),
        (["--prometheus-url", "ftp://ops:hunter2@prometheus"], {}, "the URL holds credentials"),
        (["--prometheus-url", "https://ops:hunter2@"], {}, "the URL holds credentials"),
        (["--prometheus-url", "http://prometheus:65536"], {}, "the port must be a number from 1 to 65535"),
        ([], {"PROMETHEUS_BEARER_TOKEN": "t", "PROMETHEUS_USERNAME": "u"}, "set either PROMETHEUS_BEARER_TOKEN"),
        ([], {"PROMETHEUS_USERNAME": "u"}, "basic auth needs both"),
        (["--ca-file", "/nonexistent/ca.pem"], {}, "--ca-file: /nonexistent/ca.pem is not a file"),
    ],
)
def test_bad_flags_exit_2_before_any_query(args: list[str], env: dict[str, str], message: str) -> None:
    url = ["--prometheus-url", f"http://127.0.0.1:{free_port()}"] if "--prometheus-url" not in args else []
    result = run("baseline", *url, *args, env=env)
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
    assert "hunter2" not in result.output


def warning_proxy(target: str) -> Responder:
    """Forwards each query to `target` and adds a partial-answer warning to its answer."""

    def respond(handler: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
        request = urllib.request.Request(target + handler.path, data=getattr(handler, "body", b""), method="POST")
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
        with urllib.request.urlopen(request, timeout=30) as answer:
            document = json.loads(answer.read())
        document["warnings"] = ["store-gateway eu-1 unavailable: the answer is partial"]
        return 200, {"Content-Type": "application/json"}, json.dumps(document).encode()

    respond.forwards = True  # type: ignore[attr-defined]  # the range query goes to Prometheus too
    return respond


def test_partial_answers_are_refused_unless_accepted(prometheus: Backfilled, tmp_path: Path) -> None:
    path = stack_copy(tmp_path)
    before = path.read_bytes()
    with stand_in(warning_proxy(prometheus.url)) as url:
        refused = run("baseline", "--prometheus-url", url, "--end", prometheus.end, "--stack", str(path), "--write")
        assert refused.exit_code == 5, refused.output
        assert "may be partial" in " ".join(refused.output.split()) and path.read_bytes() == before
        accepted = run(
            "baseline", "--prometheus-url", url, "--end", prometheus.end, "--stack", str(path), "--write",
            "--accept-warnings",
        )  # fmt: skip
    assert accepted.exit_code == 0, accepted.output
    assert path.read_bytes() != before


def cpu_timeout_proxy(target: str) -> Responder:
    """Forwards each query to `target`, but answers the CPU queries (cAdvisor's counter) with a server timeout."""

    def respond(handler: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
        body = getattr(handler, "body", b"")
        if b"container_cpu_usage_seconds_total" in urllib.parse.unquote_to_bytes(body):
            error = {"status": "error", "errorType": "timeout", "error": "query timed out in expression evaluation"}
            return 503, {"Content-Type": "application/json"}, json.dumps(error).encode()
        request = urllib.request.Request(target + handler.path, data=body, method="POST")
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
        with urllib.request.urlopen(request, timeout=30) as answer:
            return 200, {"Content-Type": "application/json"}, answer.read()

    respond.forwards = True  # type: ignore[attr-defined]  # the range queries go to Prometheus too
    return respond


def test_a_cpu_query_without_an_answer_keeps_the_routes_and_names_the_way_out(
    prometheus: Backfilled, tmp_path: Path
) -> None:
    path = stack_copy(tmp_path)
    before = path.read_bytes()
    with stand_in(cpu_timeout_proxy(prometheus.url)) as url:
        refused = run("baseline", "--prometheus-url", url, "--end", prometheus.end, "--stack", str(path), "--write")
        after_refusal = path.read_bytes()
        skipped = run(
            "baseline", "--prometheus-url", url, "--end", prometheus.end, "--stack", str(path), "--write", "--no-cpu"
        )
    assert refused.exit_code == 5, refused.output
    flat = " ".join(refused.output.split())
    assert "api (CPU): the CPU query cpu_cores got no answer" in flat and "timed out" in flat
    assert "--no-cpu to measure no CPU at all" in flat and "nothing written" in flat
    assert refused.stdout.startswith("Baseline from") and "catalog" in refused.stdout  # the routes are shown
    assert after_refusal == before
    assert skipped.exit_code == 0, skipped.output
