"""The generated k6 peak tests: their numbers, tsc --checkJs with @types/k6, and a run under node with
recording stub k6 modules (tests/k6), for every shipped stack; and the k6-operator manifests.

The node-side checks need node >= 20.6 and npm: they run `npm ci` in tests/k6 when its node_modules
is missing. Without node or npm they skip with a loud reason locally and fail when CI is set.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any, NoReturn

import kubernetes_validate
import pytest

from capacity.catalog import Catalog
from freshfoodz_seasonal.config.model import LoadTest, StackSettings
from freshfoodz_seasonal.content.loadtest.k6_operator import (
    RPS_PER_RUNNER,
    SCRIPT_FILE,
    in_cluster_manifests,
    k6_test_run_name,
    parallelism,
)
from freshfoodz_seasonal.content.loadtest.k6_script import (
    MAX_VUS_SAFETY,
    PRE_ALLOCATED_SAFETY,
    PeakTest,
    k6_script,
    peak_test,
    render,
)
from freshfoodz_seasonal.metrics.thresholds import BusinessKpis
from freshfoodz_seasonal.plan.season_plan import SeasonPlan, plan_season
from tests.support.project import FROZEN, FROZEN_STACKS, ROOT, SHIPPED_STACKS, shared_catalog
from tests.support.tools import missing
from tests.unit.test_season_plan import settings_with

K6_DIR = ROOT / "tests" / "k6"
# The original plan's shapes: (ramp up, hold, ramp down).
SEED_SHAPES = {
    "spargel": ("10m", "20m", "5m"),
    "oktoberfest": ("10m", "30m", "5m"),
    "weihnachten": ("15m", "45m", "10m"),
}
ITERATIONS = 200
SEED = 20260919
BASE_URL = "https://api.peak-test.invalid"
TOKEN = "t0ken-for-tests"
# The stub answers cycle through these statuses, so some sample requests fail.
STUB_STATUSES = (200, 201, 503, 200, 429)
KUBERNETES_VERSION = "1.33.0"


@cache
def season(stack: str, project: Path = FROZEN) -> tuple[StackSettings, SeasonPlan]:
    """A stack of `project` and its 2026 plan: by default a frozen stack, whose numbers the tests pin."""
    settings = settings_with(stack, project)
    return settings, plan_season(settings, shared_catalog(), stack, 2026)


def script_of(stack: str, project: Path = FROZEN) -> str:
    settings, plan = season(stack, project)
    return k6_script(plan, settings.business_kpis, settings.load_test)


# --- the numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("stack", FROZEN_STACKS)
def test_scenario_ramps_from_baseline_to_the_multiplier_with_the_seed_shape(stack: str) -> None:
    settings, plan = season(stack)
    test = peak_test(plan, settings.business_kpis, settings.load_test)
    baseline = sum(route.baseline_rps for route in settings.routes)
    assert baseline == 50  # the original plan's baseline
    assert test.time_unit == "1s"
    assert test.start_rate == baseline
    peak = settings.season.load_multiplier * baseline
    assert [stage.target for stage in test.stages] == [peak, peak, 0]
    assert tuple(stage.duration for stage in test.stages) == SEED_SHAPES[stack]


@pytest.mark.parametrize("stack", FROZEN_STACKS)
def test_vus_follow_littles_law_on_the_predicted_p95(stack: str) -> None:
    settings, plan = season(stack)
    test = peak_test(plan, settings.business_kpis, settings.load_test)
    predicted = {r.name: r.predicted_p95_s for s in plan.services for r in s.sizing.routes}
    total = sum(route.baseline_rps for route in settings.routes)
    latency = sum(route.baseline_rps / total * predicted[route.name] for route in settings.routes)
    busy = total * settings.season.load_multiplier * latency
    assert test.expected_latency_s == pytest.approx(latency)
    assert test.pre_allocated_vus == math.ceil(busy * PRE_ALLOCATED_SAFETY)
    assert test.max_vus == math.ceil(busy * MAX_VUS_SAFETY)
    assert 1 <= test.pre_allocated_vus < test.max_vus


@pytest.mark.parametrize("stack", FROZEN_STACKS)
def test_thresholds_come_from_the_config(stack: str) -> None:
    settings, plan = season(stack)
    slos = {route.name: route.p95_slo_ms for route in settings.routes}
    assert peak_test(plan, settings.business_kpis, settings.load_test).thresholds == {
        "sample_request_duration": [f"p(95)<{slos['sample-request']:g}"],
        "event_availability_duration": [f"p(95)<{slos['event-availability']:g}"],
        "sample_success": ["rate>0.8"],
        "http_req_failed": [{"threshold": "rate<0.02", "abortOnFail": True, "delayAbortEval": "1m"}],
        "dropped_iterations": ["count<1"],
    }
    assert (slos["sample-request"], slos["event-availability"]) == (2000, 1500)


def test_thresholds_follow_a_changed_slo_and_sample_route(catalog: Catalog) -> None:
    settings = settings_with(
        routes__4__p95SloMs=1200,
        metrics={"sampleRoute": "order-submit"},
        kpis={"p95Routes": ["order-submit", "event-availability"], "sampleSuccess": 0.9, "errorRate": 0.01},
    )
    test = peak_test(plan_season(settings, catalog, "t", 2026), settings.business_kpis, settings.load_test)
    assert test.thresholds["event_availability_duration"] == ["p(95)<1200"]
    assert test.thresholds["order_submit_duration"] == ["p(95)<1500"]  # order-submit's SLO
    assert "sample_request_duration" not in test.thresholds
    assert test.thresholds["sample_success"] == ["rate>0.9"]
    assert test.thresholds["http_req_failed"][0]["threshold"] == "rate<0.01"  # type: ignore[index]
    assert [route.name for route in test.routes if route.sample] == ["order-submit"]


@pytest.mark.parametrize("stack", FROZEN_STACKS)
def test_weights_are_the_baseline_mix(stack: str) -> None:
    settings, plan = season(stack)
    routes = peak_test(plan, settings.business_kpis, settings.load_test).routes
    assert [r.name for r in routes] == [r.name for r in settings.routes]
    assert sum(r.weight for r in routes) == pytest.approx(1.0)
    bounds = [r.cumulative for r in routes]
    assert bounds == sorted(bounds)
    assert bounds[-1] == 1.0
    assert bounds == pytest.approx([sum(r.weight for r in routes[: i + 1]) for i in range(len(routes))])
    assert [(r.name, r.trend) for r in routes if r.trend] == [
        ("sample-request", "sample_request_duration"),
        ("event-availability", "event_availability_duration"),
    ]


def test_fractional_rates_count_per_minute(catalog: Catalog) -> None:
    settings = settings_with("spargel", routes__0__baselineRps=20.5)  # 50.5 rps baseline, 151.5 at 3x
    test = peak_test(plan_season(settings, catalog, "t", 2026), settings.business_kpis, settings.load_test)
    assert (test.time_unit, test.start_rate) == ("1m", 3030)
    assert [stage.target for stage in test.stages] == [9090, 9090, 0]


def test_the_shape_is_the_stack_s_whatever_its_season(catalog: Catalog) -> None:
    # Christmas's season name does not make a Christmas shape: the stack's loadTest does.
    named = settings_with("oktoberfest", season__name="weihnachten")
    test = peak_test(plan_season(named, catalog, "weihnachten", 2026), named.business_kpis, named.load_test)
    assert tuple(stage.duration for stage in test.stages) == ("10m", "30m", "5m")
    shaped = settings_with("oktoberfest", season__name="sommerfest", loadTest={"rampUp": "2m", "hold": "1h"})
    script = k6_script(plan_season(shaped, catalog, "sommerfest", 2026), shaped.business_kpis, shaped.load_test)
    assert 'duration: "2m"' in script and 'duration: "1h"' in script and "sommerfest" in script


def test_refuses_an_unknown_sample_or_kpi_route() -> None:
    _, plan = season("spargel")
    with pytest.raises(ValueError, match=r"metrics\.sampleRoute 'no-such-route' is not a route"):
        peak_test(plan, BusinessKpis("no-such-route", ("sample-request",)), LoadTest())
    with pytest.raises(ValueError, match=r"kpis\.p95Routes 'nowhere' is not a route"):
        peak_test(plan, BusinessKpis("sample-request", ("nowhere",)), LoadTest())


def test_a_stack_without_event_catering_gets_its_own_kpis(catalog: Catalog) -> None:
    # No service or route of FreshFoodz is required: the KPI routes are the stack's.
    settings = settings_with(
        services__1__name="catering",
        routes__4__service="catering",
        routes__5__service="catering",
        peakControls__priorityServices=["catering"],
        kpis={"p95Routes": ["event-booking"]},
    )
    test = peak_test(plan_season(settings, catalog, "t", 2026), settings.business_kpis, settings.load_test)
    assert [trend for trend, _ in test.kpi_p95_ms] == ["event_booking_duration"]


# --- node, npm and tsc -----------------------------------------------------------------------------


def _missing(reason: str) -> NoReturn:
    missing("the k6 script checks (tsc --checkJs, node run)", reason)


@pytest.fixture(scope="session")
def harness() -> Path:
    """tests/k6 with node_modules installed from the lockfile."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        _missing("node and npm must be on PATH (node >= 20.6)")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    major, minor = (int(part) for part in version.lstrip("v").split(".")[:2])
    if (major, minor) < (20, 6):
        _missing(f"node {version} lacks module.register; need >= 20.6")
    if not (K6_DIR / "node_modules" / "typescript" / "bin" / "tsc").exists():
        result = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"], cwd=K6_DIR, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            pytest.fail(f"npm ci in {K6_DIR} failed:\n{result.stdout}\n{result.stderr}")
    return K6_DIR


def tsc(harness: Path, tmp_path: Path, script: str) -> subprocess.CompletedProcess[str]:
    """`tsc --checkJs --noEmit` with @types/k6 on one script, through a tsconfig extending the harness'."""
    (tmp_path / "script.js").write_text(script, encoding="utf-8")
    config = {"extends": str(harness / "tsconfig.json"), "files": [str(tmp_path / "script.js")]}
    (tmp_path / "tsconfig.json").write_text(json.dumps(config), encoding="utf-8")
    return subprocess.run(
        ["node", str(harness / "node_modules" / "typescript" / "bin" / "tsc"), "-p", str(tmp_path / "tsconfig.json")],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def run_under_node(harness: Path, tmp_path: Path, script: str) -> dict[str, Any]:
    path = tmp_path / "peak-test.js"
    path.write_text(script, encoding="utf-8")
    env = {
        **os.environ,
        "API_BASE_URL": BASE_URL,
        "API_TOKEN": TOKEN,
        "K6_STUB_STATUSES": ",".join(map(str, STUB_STATUSES)),
    }
    result = subprocess.run(
        ["node", str(harness / "run.mjs"), str(path), str(ITERATIONS), str(SEED)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_script_passes_tsc_check_js_with_k6_types(harness: Path, tmp_path: Path, stack: str) -> None:
    result = tsc(harness, tmp_path, script_of(stack, ROOT))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("original", "broken", "error"),
    [
        ("  thresholds: {", "  thresholds: 2000, _unused: {", "TS2322"),
        ("timeUnit: ", "timeUnit: 1 || ", "TS2322"),
        ("res.timings.duration", "res.timings.total", "TS2339"),
        ("new Rate(", "new Rate(0.8, ", "TS2345"),
    ],
)
def test_tsc_catches_a_type_error(harness: Path, tmp_path: Path, original: str, broken: str, error: str) -> None:
    script = script_of("oktoberfest")
    assert original in script
    result = tsc(harness, tmp_path, script.replace(original, broken, 1))
    assert result.returncode != 0
    assert error in result.stdout, result.stdout


def _route_of(url: str, test: PeakTest) -> str:
    """The route whose path template matches the URL (path parameters are digits)."""
    assert url.startswith(BASE_URL)
    path = url[len(BASE_URL) :]
    matches = [
        route.name
        for route in test.routes
        if re.fullmatch(r"\d+".join(re.escape(part) for part in re.split(r"\{[^{}/]+\}", route.path)), path)
    ]
    assert len(matches) == 1, (url, matches)
    return matches[0]


@pytest.mark.parametrize("stack", FROZEN_STACKS)
def test_script_runs_under_node_with_stub_k6(harness: Path, tmp_path: Path, stack: str) -> None:
    settings, plan = season(stack)
    test = peak_test(plan, settings.business_kpis, settings.load_test)
    report = run_under_node(harness, tmp_path, k6_script(plan, settings.business_kpis, settings.load_test))

    assert report["options"] == {
        "scenarios": {
            settings.season.name: {
                "executor": "ramping-arrival-rate",
                "startRate": test.start_rate,
                "timeUnit": "1s",
                "preAllocatedVUs": test.pre_allocated_vus,
                "maxVUs": test.max_vus,
                "stages": [{"target": s.target, "duration": s.duration} for s in test.stages],
            }
        },
        "thresholds": test.thresholds,
    }

    requests = report["requests"]
    assert len(requests) == ITERATIONS  # one request per iteration
    routes = {route.name: route for route in settings.routes}
    seen: Counter[str] = Counter()
    for request in requests:
        name = request["params"]["tags"]["route"]
        assert _route_of(request["url"], test) == name
        assert request["method"] == routes[name].method
        headers = request["params"]["headers"]
        assert headers["Authorization"] == f"Bearer {TOKEN}"
        assert headers["X-Correlation-Id"].startswith(f"k6-{settings.season.name}-")
        if request["method"] in {"POST", "PUT", "PATCH"}:
            assert headers["Content-Type"] == "application/json"
            assert json.loads(request["body"])["route"] == name
        else:
            assert request["body"] is None
        seen[name] += 1
    assert len({r["params"]["headers"]["X-Correlation-Id"] for r in requests}) == ITERATIONS
    # Every route is called, in about its share of the baseline mix.
    for route in test.routes:
        assert seen[route.name] / ITERATIONS == pytest.approx(route.weight, abs=0.07), route.name

    metrics = {metric["name"]: metric for metric in report["metrics"]}
    assert {name: (m["type"], m["isTime"]) for name, m in metrics.items()} == {
        "sample_request_duration": ("Trend", True),
        "event_availability_duration": ("Trend", True),
        "sample_success": ("Rate", False),
    }
    durations = [10 + index for index in range(len(requests))]  # what the stub reports
    sample = [i for i, r in enumerate(requests) if r["params"]["tags"]["route"] == settings.metrics.sample_route]
    availability = [i for i, r in enumerate(requests) if r["params"]["tags"]["route"] == "event-availability"]
    assert metrics["sample_request_duration"]["values"] == [durations[i] for i in sample]
    assert metrics["event_availability_duration"]["values"] == [durations[i] for i in availability]
    assert metrics["sample_success"]["values"] == [200 <= requests[i]["status"] < 300 for i in sample]
    assert True in metrics["sample_success"]["values"]
    assert False in metrics["sample_success"]["values"]


def test_config_strings_reach_the_script_as_data_not_code(harness: Path, tmp_path: Path, catalog: Catalog) -> None:
    hostile = "/api/x\"'`;globalThis.pwned=1;//\\n\u00e4</script>"
    settings = settings_with(routes__0__path=hostile)
    plan = replace(plan_season(settings, catalog, "t", 2026), stack="evil\n*/ throw new Error('code') //")
    script = k6_script(plan, settings.business_kpis, settings.load_test)
    assert tsc(harness, tmp_path, script).returncode == 0
    report = run_under_node(harness, tmp_path, script + "\nif (globalThis.pwned) throw new Error('pwned');\n")
    urls = {r["url"] for r in report["requests"] if r["params"]["tags"]["route"] == "catalog-browse"}
    assert urls == {BASE_URL + hostile}


# --- k6-operator -----------------------------------------------------------------------------------


def test_parallelism_is_the_peak_rate_over_the_rate_per_runner() -> None:
    assert RPS_PER_RUNNER == 500
    assert [parallelism(rps) for rps in (0.5, 250, 500, 500.0000000001, 501, 1000, 1001)] == [1, 1, 1, 1, 2, 2, 3]
    assert parallelism(900, rps_per_runner=100) == 9
    with pytest.raises(ValueError, match="positive"):
        parallelism(100, rps_per_runner=0)


@pytest.mark.parametrize("stack", FROZEN_STACKS)
def test_in_cluster_manifests(stack: str) -> None:
    settings, plan = season(stack)
    config_map, test_run = in_cluster_manifests(
        plan,
        settings.business_kpis,
        settings.load_test,
        "http://freshfoodz-api.freshfoodz.svc:8080",
        settings.peak_controls.namespace,
    )
    kubernetes_validate.validate(config_map, KUBERNETES_VERSION, strict=True)
    assert config_map["data"] == {SCRIPT_FILE: k6_script(plan, settings.business_kpis, settings.load_test)}

    # kubernetes-validate does not know the TestRun CRD: its fields, asserted.
    assert (test_run["apiVersion"], test_run["kind"]) == ("k6.io/v1alpha1", "TestRun")
    meta = test_run["metadata"]
    assert meta["name"] == k6_test_run_name(settings.season.name) == f"k6-{stack}-peak"
    assert meta["namespace"] == config_map["metadata"]["namespace"] == settings.peak_controls.namespace
    spec = test_run["spec"]
    assert set(spec) == {"parallelism", "script", "arguments", "runner"}
    peak = settings.season.load_multiplier * sum(route.baseline_rps for route in settings.routes)
    assert spec["parallelism"] == math.ceil(peak / RPS_PER_RUNNER) == 1
    assert spec["script"] == {"configMap": {"name": config_map["metadata"]["name"], "file": SCRIPT_FILE}}
    env = {item["name"]: item for item in spec["runner"]["env"]}
    assert env["API_BASE_URL"]["value"] == "http://freshfoodz-api.freshfoodz.svc:8080"
    assert env["API_TOKEN"] == {
        "name": "API_TOKEN",
        "valueFrom": {"secretKeyRef": {"name": "k6-api-token", "key": "token"}},
    }
    assert all(isinstance(value, str) for value in spec["runner"]["metadata"]["labels"].values())


def test_in_cluster_parallelism_and_namespace_are_options() -> None:
    settings, plan = season("weihnachten")  # 250 rps at the peak
    _, test_run = in_cluster_manifests(
        plan, settings.business_kpis, settings.load_test, "https://api.example.com", "k6", rps_per_runner=60
    )
    assert (test_run["spec"]["parallelism"], test_run["metadata"]["namespace"]) == (5, "k6")


def test_long_season_names_are_shortened_for_the_operator() -> None:
    name = k6_test_run_name("a" * 63)
    assert len(name) <= 40
    assert name.startswith("k6-aaa")
    assert k6_test_run_name("spargel") == "k6-spargel-peak"


def test_render_is_deterministic() -> None:
    settings, plan = season("spargel")
    test = peak_test(plan, settings.business_kpis, settings.load_test)
    assert render(test) == render(test) == script_of("spargel")
