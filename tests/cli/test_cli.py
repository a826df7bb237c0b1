"""`seasonctl plan`, `size` and `validate` end to end: exit codes, output formats and the plan's own arithmetic.

Plans of the shipped stacks, whichever they are, are checked by relations that must hold for any correct
plan (HPA bounds around the pods, connections = pods x pool, cost = sum of its lines); numbers and dates
are pinned on the frozen stacks (tests/support/stacks/frozen/).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap
from functools import cache
from pathlib import Path
from statistics import NormalDist
from typing import Any

import pytest
import yaml
from click.testing import Result
from typer.testing import CliRunner

from freshfoodz_seasonal.cli.app import app
from tests.support.project import FROZEN, FROZEN_STACKS, ROOT, SHIPPED_STACKS, stack_document, stack_file_config

NS = "freshfoodz-seasonal"
YEAR = "2026"
PLAN_KEYS = {
    "stack",
    "season",
    "phase",
    "method",
    "load_multiplier",
    "window",
    "services",
    "workers",
    "database",
    "nodes",
    "cost",
    "warnings",
}


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def assert_no_crash(result: Result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


def lognormal_p95_ms(mean_ms: float, cv: float) -> float:
    sigma = math.sqrt(math.log1p(cv * cv))
    return math.exp(math.log(mean_ms) - sigma * sigma / 2 + sigma * NormalDist().inv_cdf(0.95))


def stack_config(stack: str, project: Path = ROOT) -> dict[str, Any]:
    return stack_file_config(project / f"Pulumi.{stack}.yaml")


@cache
def plan_json(stack: str, project: Path = ROOT) -> dict[str, Any]:
    """The model plan of a stack of `project` (the shipped ones by default) in 2026, computed once per session."""
    result = run("plan", stack, "--format", "json", "--year", YEAR, "--project-dir", str(project))
    assert_no_crash(result)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def size_json(*args: str) -> dict[str, Any]:
    result = run("size", *args, "--format", "json")
    assert_no_crash(result)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


# --- plan ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("output_format", ["table", "json", "markdown"])
@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_plan_formats(monkeypatch: pytest.MonkeyPatch, stack: str, output_format: str) -> None:
    monkeypatch.chdir(ROOT)

    result = run("plan", stack, "--format", output_format, "--year", YEAR)

    assert_no_crash(result)
    assert result.exit_code == 0, result.output
    title = stack_config(stack)[f"{NS}:season"]["title"]
    if output_format == "json":
        data = json.loads(result.stdout)
        assert set(data) >= PLAN_KEYS
        assert (data["stack"], data["season"], data["method"]) == (stack, stack, "model")
    elif output_format == "markdown":
        lines = result.stdout.splitlines()
        assert lines[0].startswith(f"### {title}: stack {stack}")
        assert any(line.startswith("| service") for line in lines)
    else:
        assert title in result.stdout
        assert "App pods" in result.stdout


def test_plan_json_keys_are_the_same_for_every_stack() -> None:
    plans = [
        plan_json(stack, project)
        for project, stacks in ((ROOT, SHIPPED_STACKS), (FROZEN, FROZEN_STACKS))
        for stack in stacks
    ]
    assert len({tuple(plan) for plan in plans}) == 1
    for plan in plans:
        assert set(plan) >= PLAN_KEYS
        assert isinstance(plan["warnings"], list)


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_plan_services_meet_their_bounds_and_slos(stack: str) -> None:
    services = plan_json(stack)["services"]
    caps = {s["name"]: s["maxReplicasCap"] for s in stack_config(stack)[f"{NS}:services"]}

    assert [s["name"] for s in services] == list(caps)
    for service in services:
        hpa = service["hpa"]
        assert hpa["min_replicas"] == service["pods"], service["name"]
        assert service["pods"] >= service["baseline_replicas"], service["name"]
        assert service["pods"] == service["sizing"]["pods"], service["name"]
        assert service["pods"] <= hpa["max_replicas"] <= caps[service["name"]], service["name"]
        for route in service["sizing"]["routes"]:
            assert route["predicted_p95_ms"] <= route["p95_slo_ms"], route["name"]


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_plan_routes_are_planned_at_the_multiplied_load(stack: str) -> None:
    plan = plan_json(stack)
    config = stack_config(stack)
    multiplier = config[f"{NS}:season"]["loadMultiplier"]
    planned = {r["name"]: r["rps"] for s in plan["services"] for r in s["sizing"]["routes"]}

    assert planned == {r["name"]: pytest.approx(r["baselineRps"] * multiplier) for r in config[f"{NS}:routes"]}


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_plan_database_connections_are_pods_times_pool(stack: str) -> None:
    plan = plan_json(stack)
    config = stack_config(stack)
    pool = {w["name"]: w["dbPoolPerPod"] for w in [*config[f"{NS}:services"], *config.get(f"{NS}:workers", [])]}
    workloads = [*plan["services"], *plan["workers"]]

    assert {w["name"] for w in workloads} == set(pool)
    assert plan["database"]["connections"] == sum(w["pods"] * pool[w["name"]] for w in workloads)


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_plan_cost_adds_up(stack: str) -> None:
    plan = plan_json(stack)
    cost = plan["cost"]
    lines = cost["peak_lines"]
    hours = cost["hours"]

    assert hours == plan["window"]["days"] * 24
    for line in lines:
        assert line["per_hour"] == pytest.approx(line["quantity"] * line["unit_per_hour"], abs=1e-3), line["item"]
    # per_hour lines are rounded to 4 decimals, the totals to 2: allow exactly that rounding.
    assert cost["peak_per_hour"] == pytest.approx(sum(line["per_hour"] for line in lines), abs=0.005 + 1e-9)
    assert cost["peak_over_window"] == pytest.approx(cost["peak_per_hour"] * hours, abs=0.005 * hours + 0.01)
    lines_over_window = sum(line["per_hour"] for line in lines) * hours
    assert cost["peak_over_window"] == pytest.approx(lines_over_window, abs=0.00005 * len(lines) * hours + 0.01)
    assert cost["extra_over_window"] == pytest.approx(
        cost["peak_over_window"] - cost["baseline_over_window"], abs=0.015 + 1e-9
    )


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_plan_nodes_fit_the_group(stack: str) -> None:
    nodes = plan_json(stack)["nodes"]
    config_nodes = stack_config(stack)[f"{NS}:nodes"]

    assert nodes["instance_type"] == config_nodes["instanceType"]
    assert nodes["nodes"] == nodes["nodes_for_pods"] + nodes["headroom_nodes"]
    assert nodes["headroom_nodes"] == config_nodes["availabilityZones"]
    assert nodes["nodes"] <= nodes["max_nodes"] == config_nodes["maxNodes"]


def test_oktoberfest_2026_runs_to_the_first_sunday_of_october() -> None:
    assert plan_json("oktoberfest", FROZEN)["window"] == {
        "first_day": "2026-09-01",
        "last_day": "2026-10-04",
        "days": 34,
    }


def test_load_multipliers_and_their_effect() -> None:
    assert [plan_json(stack, FROZEN)["load_multiplier"] for stack in FROZEN_STACKS] == [3.0, 4.0, 5.0]

    def api_pods(stack: str) -> int:
        return next(s["pods"] for s in plan_json(stack, FROZEN)["services"] if s["name"] == "api")

    assert api_pods("weihnachten") >= api_pods("oktoberfest") >= api_pods("spargel")


@pytest.fixture(scope="module")
def roomy_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The frozen stacks with room for the seed formula's pods: higher service caps and maxNodes."""
    directory = tmp_path_factory.mktemp("roomy")
    for stack in FROZEN_STACKS:
        document = stack_document(FROZEN / f"Pulumi.{stack}.yaml")
        for service in document["config"][f"{NS}:services"]:
            service["maxReplicasCap"] = 1000
        document["config"][f"{NS}:nodes"]["maxNodes"] = 1000
        (directory / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return directory


@pytest.mark.parametrize("stack", FROZEN_STACKS)
def test_plan_seed_method_uses_the_seed_formula(roomy_project: Path, stack: str) -> None:
    result = run(
        "plan", stack, "--method", "seed", "--format", "json", "--year", YEAR, "--project-dir", str(roomy_project)
    )

    assert_no_crash(result)
    assert result.exit_code == 0, result.output
    seed = json.loads(result.stdout)
    assert seed["method"] == "seed"
    # The model plan of the stack reports the same formula's pods for comparison.
    for seeded, modelled in zip(seed["services"], plan_json(stack, FROZEN)["services"], strict=True):
        assert seeded["binding_constraint"] == "seed-formula", seeded["name"]
        assert seeded["pods"] == seeded["seed_formula_pods"] == modelled["seed_formula_pods"], seeded["name"]
        assert seeded["pods"] > modelled["pods"], seeded["name"]
        assert seeded["hpa"]["min_replicas"] == seeded["pods"], seeded["name"]


@pytest.mark.parametrize("stack", FROZEN_STACKS)
def test_plan_seed_method_on_the_stacks_as_shipped_exceeds_the_caps(stack: str) -> None:
    """The seed formula asks for more api pods than the stacks' maxReplicasCap: infeasible, exit 3."""
    result = run("plan", stack, "--method", "seed", "--year", YEAR, "--project-dir", str(FROZEN))

    assert_no_crash(result)
    assert result.exit_code == 3
    seed_pods = next(s["seed_formula_pods"] for s in plan_json(stack, FROZEN)["services"] if s["name"] == "api")
    assert f"service api: the plan needs {seed_pods} pods but maxReplicasCap is" in " ".join(result.stderr.split())


INFEASIBLE_PLANS = [
    pytest.param(
        {("routes", 0, "p95SloMs"): 100},
        # catalog-browse: mean 60 ms, cv 1.2
        ("route catalog-browse", f"p95 {lognormal_p95_ms(60, 1.2):.0f} ms", "100 ms SLO"),
        id="slo-below-p95",
    ),
    pytest.param(
        # The baseline bounds must stay within the cap for the config to be valid.
        {("services", 0, "maxReplicasCap"): 3, ("services", 0, "baselineMaxReplicas"): 3},
        ("service api", "maxReplicasCap is 3"),
        id="service-cap",
    ),
    pytest.param(
        {("workers", 0, "maxReplicasCap"): 2, ("workers", 0, "baselineMaxReplicas"): 2},
        ("worker order-fulfilment", "maxReplicasCap is 2"),
        id="worker-cap",
    ),
    pytest.param(
        # sample-dispatch: 7.5 jobs/s of 0.8 s; 5 pods of 2 slots take 3.71 s at p99 from enqueue to done.
        {
            ("workers", 1, "slaSeconds"): 3.7,
            ("workers", 1, "maxReplicasCap"): 5,
            ("workers", 1, "baselineMaxReplicas"): 4,
        },
        (
            "worker sample-dispatch",
            "slaSeconds 3.7 cannot be held at maxReplicasCap",
            "at 5 pods 1 % of the jobs take longer than 3.711 s from enqueue to done",
        ),
        id="worker-sla",
    ),
    pytest.param(
        {("workers", 1, "slaSeconds"): 1},
        ("worker sample-dispatch", "slaSeconds 1 is shorter than a job's own p99 time of 3.684 s", "no number of pods"),
        id="worker-sla-below-job",
    ),
    pytest.param(
        # 3 pods x 2 slots / 0.8 s drain 7.5 jobs/s: exactly the peak input, so the queue never empties.
        {("workers", 1, "maxReplicasCap"): 3, ("workers", 1, "baselineMaxReplicas"): 3},
        ("worker sample-dispatch", "the peak input of 7.5 jobs/s is at or above the 7.5 jobs/s 3 pods drain"),
        id="worker-sla-drain",
    ),
    pytest.param(
        # api requests 500 millicores; at the 50 % target an idle pod of 300 leaves no room for requests.
        {("services", 0, "cpu"): {"msPerRequest": 2, "idleMillicores": 300}},
        ("service api", "an idle pod uses 300 millicores, at or above 50% of its CPU request of 500 millicores"),
        id="idle-cpu",
    ),
    pytest.param({("nodes", "maxNodes"): 1}, ("nodes.maxNodes is 1",), id="max-nodes"),
]


@pytest.mark.parametrize(("changes", "says"), INFEASIBLE_PLANS)
def test_plan_infeasible_config_exits_3(
    tmp_path: Path, changes: dict[tuple[str | int, ...], Any], says: tuple[str, ...]
) -> None:
    document = stack_document(FROZEN / "Pulumi.weihnachten.yaml")
    for key, value in changes.items():
        node = document["config"][f"{NS}:{key[0]}"]
        for part in key[1:-1]:
            node = node[part]
        node[key[-1]] = value
    path = tmp_path / "Pulumi.tight.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")

    assert run("validate", str(path)).exit_code == 0  # a valid config that asks the impossible
    result = run("plan", str(path), "--year", YEAR)

    assert_no_crash(result)
    assert result.exit_code == 3, result.output
    assert result.stdout == ""
    message = " ".join(result.stderr.split())
    assert message.startswith(f"error: {path}: infeasible: ")
    for text in says:
        assert text in message


def test_each_workload_that_cannot_be_planned_is_a_line_of_its_own(tmp_path: Path) -> None:
    document = stack_document(FROZEN / "Pulumi.weihnachten.yaml")
    config = document["config"]
    for route in config[f"{NS}:routes"]:
        route["p95SloMs"] = 1  # below every route's own service time
    config[f"{NS}:workers"][1]["slaSeconds"] = 1
    path = tmp_path / "Pulumi.tight.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")

    result = run("plan", str(path), "--year", YEAR)

    assert result.exit_code == 3, result.output
    shown = [line.removeprefix(f"error: {path}: infeasible: ") for line in result.stderr.splitlines()]
    # every route of every service on a line of its own, two routes of one service too
    routes = [
        f"service {service['name']}: route {route['name']}"
        for service in config[f"{NS}:services"]
        for route in config[f"{NS}:routes"]
        if route["service"] == service["name"]
    ]
    assert len(routes) > len(config[f"{NS}:services"])
    assert [": ".join(line.split(": ")[:2]) for line in shown[:-1]] == routes
    assert shown[-1].startswith("worker sample-dispatch: ")


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        pytest.param(["--format", "xml"], "--format", id="format"),
        pytest.param(["--method", "guess"], "--method", id="method"),
        pytest.param(["--year", "1999"], "--year", id="year"),
    ],
)
def test_plan_bad_flags_exit_2(args: list[str], flag: str) -> None:
    result = run("plan", "weihnachten", "--project-dir", str(FROZEN), *args)

    assert_no_crash(result)
    assert result.exit_code == 2
    assert flag in result.stderr


# --- size ------------------------------------------------------------------------------------------

SIZE_BASE = {
    "--rps": "100",
    "--service-time-ms": "100",
    "--service-cv": "1",
    "--slots-per-pod": "1",
    "--p95-slo-ms": "100000",
    "--target-utilization": "0.5",
    "--routing": "pooled",
}


def size_args(**overrides: str) -> list[str]:
    flags = SIZE_BASE | {f"--{name.replace('_', '-')}": value for name, value in overrides.items()}
    return [part for flag, value in flags.items() for part in (flag, value)]


def test_size_json_keys() -> None:
    data = size_json(*size_args())

    assert {"pods", "predicted_p95_ms", "utilization", "binding_constraint"} <= set(data)


def test_size_utilization_bound_case() -> None:
    """100 rps x 0.1 s = 10 busy slots; at 50 % of one slot per pod that is 20 pods."""
    data = size_json(*size_args())

    assert data["busy_slots"] == pytest.approx(10.0)
    assert data["pods"] == data["pods_for_utilization"] == 20
    assert data["binding_constraint"] == "utilization"
    assert data["utilization"] == pytest.approx(0.5)
    assert data["service_p95_ms"] == pytest.approx(lognormal_p95_ms(100, 1), abs=0.1)
    assert data["service_p95_ms"] <= data["predicted_p95_ms"] <= data["p95_slo_ms"]


@pytest.mark.parametrize("routing", ["per-pod", "pooled"])
def test_size_latency_bound_case(routing: str) -> None:
    """A SLO just above the service p95 (278 ms) needs more pods than 90 % utilization gives."""
    data = size_json(*size_args(p95_slo_ms="300", target_utilization="0.9", routing=routing))

    assert data["binding_constraint"] == "latency"
    assert data["pods"] == data["pods_for_latency"] > data["pods_for_utilization"]
    assert data["utilization"] < 0.9
    assert data["predicted_p95_ms"] <= 300


def test_size_per_pod_routing_needs_at_least_as_many_pods_as_pooled() -> None:
    per_pod = size_json(*size_args(p95_slo_ms="400", target_utilization="0.9", routing="per-pod"))
    pooled = size_json(*size_args(p95_slo_ms="400", target_utilization="0.9", routing="pooled"))

    assert per_pod["pods"] >= pooled["pods"]


def test_size_table_format() -> None:
    result = run("size", *size_args())

    assert result.exit_code == 0
    assert "binding constraint" in result.stdout
    assert "utilization" in result.stdout


def test_size_names_the_original_plans_formula_as_plan_does() -> None:
    wide = {"COLUMNS": "400"}
    plan = CliRunner().invoke(app, ["plan", "spargel", "--year", YEAR, "--project-dir", str(FROZEN)], env=wide)
    size = CliRunner().invoke(app, ["size", *size_args(), "--method", "seed"], env=wide)
    assert plan.exit_code == size.exit_code == 0, (plan.output, size.output)
    (note,) = [line.strip() for line in plan.stdout.splitlines() if line.strip().startswith("old formula: ")]
    assert "ceil(rps x p95) / utilization" in note
    assert note in [line.strip() for line in size.stdout.splitlines()]
    assert "Sizing (old formula, pooled)" in size.stdout and "seed" not in size.stdout


@pytest.mark.parametrize("slo_ms", ["150", "278"])
def test_size_slo_below_service_p95_is_infeasible(slo_ms: str) -> None:
    result = run("size", *size_args(p95_slo_ms=slo_ms))

    assert_no_crash(result)
    assert result.exit_code == 3
    message = " ".join(result.stderr.split())
    assert f"p95 {lognormal_p95_ms(100, 1):.0f} ms" in message
    assert f"{slo_ms} ms SLO" in message


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("--target-utilization", "1.5"),
        ("--target-utilization", "0"),
        ("--rps", "0"),
        ("--rps", "-3"),
        ("--slots-per-pod", "0"),
        ("--service-time-ms", "nan"),
        ("--service-cv", "11"),
        ("--routing", "sideways"),
        ("--format", "xml"),
    ],
)
def test_size_bad_flag_exits_2_naming_the_flag(flag: str, value: str) -> None:
    result = run("size", *size_args(**{flag.removeprefix("--").replace("-", "_"): value}))

    assert_no_crash(result)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert flag in result.stderr


# --- processes -------------------------------------------------------------------------------------

NO_PULUMI_SCRIPT = textwrap.dedent(
    """
    import sys
    from importlib.abc import MetaPathFinder

    attempts = []

    class Spy(MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.startswith("pulumi"):
                attempts.append(name)
            return None

    sys.meta_path.insert(0, Spy())

    from typer.testing import CliRunner
    from freshfoodz_seasonal.cli.app import app

    runner = CliRunner()
    for args in (
        ["plan", "weihnachten", "--format", "json"],
        ["size", "--rps", "10", "--service-time-ms", "50", "--slots-per-pod", "4",
         "--p95-slo-ms", "500", "--target-utilization", "0.6"],
        ["validate", "spargel"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (args, result.output, result.exception)
    loaded = sorted(name for name in sys.modules if name.startswith("pulumi"))
    assert not loaded and not attempts, (loaded, attempts)
    print("no pulumi")
    """
)


def test_plan_size_validate_do_not_import_pulumi() -> None:
    done = subprocess.run(
        [sys.executable, "-c", NO_PULUMI_SCRIPT], cwd=FROZEN, capture_output=True, text=True, timeout=60, check=False
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "no pulumi"


def test_console_script_plans() -> None:
    script = Path(sys.executable).parent / "seasonctl"

    done = subprocess.run(
        [script, "plan", "weihnachten", "--format", "json"],
        cwd=FROZEN,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["stack"] == "weihnachten"


def test_console_script_exits_2_for_a_missing_stack() -> None:
    done = subprocess.run(
        [Path(sys.executable).parent / "seasonctl", "plan", "nosuchstack"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 2
    # The repository's stacks, whichever they are.
    assert ", ".join(SHIPPED_STACKS) in done.stderr
    assert "Traceback" not in done.stderr
