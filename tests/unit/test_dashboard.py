"""The war-room dashboard: Grafana 11's own JSON Schema accepts it, and every reference line is the plan's."""

from __future__ import annotations

import ast
import copy
import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from freshfoodz_seasonal.config.model import StackSettings
from freshfoodz_seasonal.config.parse import parse_settings, project_values
from freshfoodz_seasonal.content.alerting.rules import season_alert_rules
from freshfoodz_seasonal.content.dashboards import war_room_dashboard, war_room_uid
from freshfoodz_seasonal.content.manifests.peak_controls import priority_class_manifest
from freshfoodz_seasonal.declaration.monitoring_options import monitoring_options
from freshfoodz_seasonal.metrics.names import MetricNames
from freshfoodz_seasonal.naming import folder_title, seasonal_peaks_title
from freshfoodz_seasonal.plan.season_plan import SeasonPlan, Series, plan_season
from tests.support.project import FROZEN, FROZEN_STACKS, ROOT, SHIPPED_STACKS, shared_catalog, stack_file_config

SCHEMAS = ROOT / "schemas" / "grafana"
YEAR = 2026
DATASOURCE = "prom-war-room"
GRAFANA_11_SCHEMA_VERSION = 41


@cache
def settings_of(stack: str, project: Path = FROZEN) -> StackSettings:
    """A stack of `project`: by default a frozen one, whose content the tests may pin."""
    values, problems = project_values(stack_file_config(project / f"Pulumi.{stack}.yaml"), stack)
    assert not problems
    return parse_settings(values, shared_catalog(), "test")


@cache
def plan_of(stack: str, project: Path = FROZEN) -> SeasonPlan:
    return plan_season(settings_of(stack, project), shared_catalog(), stack, YEAR)


def route_paths_of(stack: str, project: Path = FROZEN) -> dict[str, tuple[str, str]]:
    return {route.name: (route.method, route.path) for route in settings_of(stack, project).routes}


def build(stack: str, project: Path = FROZEN, **kwargs: Any) -> dict[str, Any]:
    """The stack's dashboard with its own metric settings, as the program declares it, but for `kwargs`."""
    options = monitoring_options(settings_of(stack, project)) | kwargs
    return war_room_dashboard(plan_of(stack, project), route_paths_of(stack, project), DATASOURCE, **options)


@cache
def schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    return loaded


def errors(name: str, instance: Any) -> list[str]:
    validator = jsonschema.Draft7Validator(schema(name))
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]


def panels(board: dict[str, Any], kind: str | None = None) -> list[dict[str, Any]]:
    return [p for p in board["panels"] if p["type"] != "row" and (kind is None or p["type"] == kind)]


def by_title_prefix(board: dict[str, Any], prefix: str) -> dict[str, Any]:
    found = [p for p in panels(board) if p["title"].startswith(prefix)]
    assert len(found) == 1, f"{len(found)} panels titled {prefix!r}..."
    return found[0]


def step_values(panel: dict[str, Any], color: str) -> list[float]:
    steps = panel["fieldConfig"]["defaults"]["thresholds"]["steps"]
    return [s["value"] for s in steps if s["color"] == color]


def dumps(board: dict[str, Any]) -> str:
    return json.dumps(board, sort_keys=True, indent=2)


# --- the real validator: JSON Schemas generated from @grafana/schema 11.6.16 ---------------------------


@pytest.mark.parametrize("name", ["dashboard", "timeseries.options", "timeseries.fieldconfig", "stat.options"])
def test_committed_schemas_are_valid_draft7_schemas(name: str) -> None:
    jsonschema.Draft7Validator.check_schema(schema(name))
    assert schema(name)["$schema"] == "http://json-schema.org/draft-07/schema#"


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_dashboard_validates_against_the_grafana_11_schema(stack: str) -> None:
    board = build(stack, ROOT)
    assert errors("dashboard", board) == []
    assert board["schemaVersion"] == GRAFANA_11_SCHEMA_VERSION  # Grafana 11.6; 10.1 emitted 38


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_panel_plugin_options_validate_against_their_schemas(stack: str) -> None:
    """panel.options and fieldConfig.defaults.custom are open records in the dashboard schema."""
    board = build(stack, ROOT)
    for panel in panels(board, "timeseries"):
        assert errors("timeseries.options", panel["options"]) == [], panel["title"]
        assert errors("timeseries.fieldconfig", panel["fieldConfig"]["defaults"]["custom"]) == [], panel["title"]
    for panel in panels(board, "stat"):
        assert errors("stat.options", panel["options"]) == [], panel["title"]
    assert {p["type"] for p in panels(board)} == {"timeseries", "stat"}


def _check_jsonschema() -> str | None:
    beside = Path(sys.executable).parent / "check-jsonschema"
    return str(beside) if beside.exists() else shutil.which("check-jsonschema")


@pytest.mark.skipif(_check_jsonschema() is None, reason="check-jsonschema is not installed")
def test_check_jsonschema_cli_accepts_every_stack_and_rejects_a_broken_copy(tmp_path: Path) -> None:
    files = []
    for stack in SHIPPED_STACKS:
        path = tmp_path / f"{stack}.json"
        path.write_text(dumps(build(stack, ROOT)))
        files.append(str(path))
    command = [str(_check_jsonschema()), "--schemafile", str(SCHEMAS / "dashboard.schema.json")]
    ok = subprocess.run([*command, *files], capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    broken = build("weihnachten")
    broken["panels"][1]["gridPos"] = "0,0,12,5"
    path = tmp_path / "broken.json"
    path.write_text(dumps(broken))
    bad = subprocess.run([*command, str(path)], capture_output=True, text=True, check=False)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "gridPos" in bad.stdout + bad.stderr


def _set(board: dict[str, Any], path: list[str | int], value: Any) -> None:
    target: Any = board
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


def _delete(board: dict[str, Any], path: list[str | int]) -> None:
    target: Any = board
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]


# Panel 1 is the first stat panel, panel 4 the first latency timeseries (panel 0 is a row).
BREAKAGES: list[tuple[str, str, list[str | int], Any]] = [
    ("gridPos is a string", "set", ["panels", 1, "gridPos"], "0,0,12,5"),
    ("gridPos.h is a string", "set", ["panels", 1, "gridPos", "h"], "5"),
    ("gridPos without w", "delete", ["panels", 4, "gridPos", "w"], None),
    ("panel without type", "delete", ["panels", 4, "type"], None),
    ("panel title is a number", "set", ["panels", 4, "title"], 42),
    ("unknown panel property", "set", ["panels", 4, "thresholdLine"], 0.8),
    (
        "threshold step without color",
        "delete",
        ["panels", 4, "fieldConfig", "defaults", "thresholds", "steps", 1, "color"],
        None,
    ),
    (
        "threshold mode not an enum value",
        "set",
        ["panels", 4, "fieldConfig", "defaults", "thresholds", "mode"],
        "relative",
    ),
    ("targets is an object", "set", ["panels", 4, "targets"], {"expr": "up"}),
    ("datasource uid is a number", "set", ["panels", 4, "datasource", "uid"], 7),
    ("row without its panels list", "delete", ["panels", 0, "panels"], None),
    ("dashboard without schemaVersion", "delete", ["schemaVersion"], None),
    ("schemaVersion is a string", "set", ["schemaVersion"], "41"),
    ("dashboard title is a list", "set", ["title"], ["war room"]),
    ("unknown top-level property", "set", ["rows"], []),
    ("graphTooltip out of range", "set", ["graphTooltip"], 3),
]


@pytest.mark.parametrize(("what", "how", "path", "value"), BREAKAGES, ids=[b[0] for b in BREAKAGES])
def test_a_broken_copy_fails_the_schema(what: str, how: str, path: list[str | int], value: Any) -> None:
    board = build("weihnachten")
    assert errors("dashboard", board) == []
    broken = copy.deepcopy(board)
    if how == "set":
        _set(broken, path, value)
    else:
        _delete(broken, path)
    assert errors("dashboard", broken), f"the schema accepted: {what}"


def test_broken_panel_options_fail_the_plugin_schemas() -> None:
    board = build("weihnachten")
    series = copy.deepcopy(panels(board, "timeseries")[0])
    series["options"]["legend"]["displayMode"] = "sideways"
    assert errors("timeseries.options", series["options"])
    series["fieldConfig"]["defaults"]["custom"]["thresholdsStyle"] = {"mode": "dotted"}
    assert errors("timeseries.fieldconfig", series["fieldConfig"]["defaults"]["custom"])
    single = copy.deepcopy(panels(board, "stat")[0])
    del single["options"]["reduceOptions"]
    assert errors("stat.options", single["options"])


# --- what the war room compares against is the plan (on the frozen stacks: exact queries and lines) ---


@pytest.mark.parametrize("stack", FROZEN_STACKS)
def test_slo_lines_are_the_plans_p95_slos(stack: str) -> None:
    plan, board = plan_of(stack), build(stack)
    planned = {r.name: r for s in plan.services for r in s.sizing.routes}
    assert planned
    for name, route in planned.items():
        panel = by_title_prefix(board, f"{name}: p95")
        assert step_values(panel, "red") == [route.p95_slo_s]
        assert panel["fieldConfig"]["defaults"]["unit"] == "s"
        assert panel["fieldConfig"]["defaults"]["custom"]["thresholdsStyle"]["mode"] == "dashed"
        method, path = route_paths_of(stack)[name]
        assert all(f'method="{method}",uri="{path}"' in t["expr"] for t in panel["targets"])
        assert "histogram_quantile(0.95" in panel["targets"][0]["expr"]
        assert "http_server_requests_seconds_bucket" in panel["targets"][0]["expr"]


@pytest.mark.parametrize("stack", FROZEN_STACKS)
def test_hpa_lines_are_the_plans_max_replicas(stack: str) -> None:
    plan, board = plan_of(stack), build(stack)
    for service in plan.services:
        panel = by_title_prefix(board, f"{service.name}: replicas")
        assert step_values(panel, "red") == [service.hpa.max_replicas]
        (target,) = panel["targets"]
        assert target["expr"] == (
            "sum(kube_horizontalpodautoscaler_status_current_replicas"
            f'{{namespace="{service.namespace}",horizontalpodautoscaler="{service.deployment}"}})'
        )


@pytest.mark.parametrize("stack", FROZEN_STACKS)
def test_worker_replica_lines_are_the_plans(stack: str) -> None:
    plan, board = plan_of(stack), build(stack)
    assert plan.workers
    for worker in plan.workers:
        panel = by_title_prefix(board, f"{worker.name} worker: replicas")
        assert step_values(panel, "red") == [worker.hpa.max_replicas]
        assert step_values(panel, "orange") == [worker.hpa.min_replicas] == [worker.pods]
        (target,) = panel["targets"]
        assert target["expr"] == (
            "sum(kube_horizontalpodautoscaler_status_current_replicas"
            f'{{namespace="{worker.namespace}",horizontalpodautoscaler="{worker.deployment}"}})'
        )


@pytest.mark.parametrize("stack", FROZEN_STACKS)
def test_queue_lines_are_where_the_sla_alerts_fire(stack: str) -> None:
    plan, board = plan_of(stack), build(stack)
    rules = {r.name: r for r in season_alert_rules(plan, route_paths_of(stack))}
    panel = by_title_prefix(board, "sample-dispatch: oldest queued job")
    assert step_values(panel, "orange") == [3600] == [rules["SampleDispatchOldestJobAboveHalfSla"].threshold]
    assert step_values(panel, "red") == [7200] == [rules["SampleDispatchOldestJobAboveSla"].threshold]
    assert panel["fieldConfig"]["defaults"]["unit"] == "s"
    assert panel["fieldConfig"]["defaults"]["custom"]["thresholdsStyle"]["mode"] == "dashed"
    (target,) = panel["targets"]
    assert target["expr"] == 'max(freshfoodz_queue_oldest_job_age_seconds{queue="sample-dispatch"})'
    # order-fulfilment has no SLA and no gauge: nothing to draw.
    assert [p["title"] for p in panels(board) if "oldest queued job" in p["title"]] == [panel["title"]]
    rows = [p["title"] for p in board["panels"] if p["type"] == "row"]
    assert rows.index("Replicas vs HPA max") + 1 == rows.index("Queues: oldest job vs SLA")


def test_no_queue_row_without_a_watched_queue() -> None:
    plan = plan_of("weihnachten")
    unwatched = replace(plan, workers=tuple(replace(w, backlog_age=None) for w in plan.workers))
    board = war_room_dashboard(unwatched, route_paths_of("weihnachten"), DATASOURCE)
    assert errors("dashboard", board) == []
    assert "Queues: oldest job vs SLA" not in [p["title"] for p in board["panels"] if p["type"] == "row"]
    assert not [p for p in panels(board) if "oldest queued job" in p["title"]]
    assert by_title_prefix(board, "sample-dispatch worker: replicas")


def test_queue_matchers_are_escaped_for_promql() -> None:
    plan = plan_of("weihnachten")
    hostile = Series("freshfoodz_queue_oldest_job_age_seconds", (("queue", 'a"} or vector(1) #'),))
    workers = tuple(replace(w, backlog_age=hostile) if w.backlog_age else w for w in plan.workers)
    board = war_room_dashboard(replace(plan, workers=workers), route_paths_of("weihnachten"), DATASOURCE)
    panel = by_title_prefix(board, "sample-dispatch: oldest queued job")
    assert panel["targets"][0]["expr"] == 'max(freshfoodz_queue_oldest_job_age_seconds{queue="a\\"} or vector(1) #"})'
    assert errors("dashboard", board) == []


@pytest.mark.parametrize("stack", FROZEN_STACKS)
def test_traffic_and_database_lines_are_the_plans(stack: str) -> None:
    plan, board = plan_of(stack), build(stack)
    peak = sum(r.rps for s in plan.services for r in s.sizing.routes)
    traffic = by_title_prefix(board, "Traffic vs planned peak")
    assert step_values(traffic, "red") == [pytest.approx(peak)]
    assert traffic["targets"][0]["expr"] == "sum(rate(http_server_requests_seconds_count[5m]))"
    database = by_title_prefix(board, "DB connections")
    assert step_values(database, "red") == [plan.database.usable_max_connections]
    assert database["targets"][0]["expr"] == "sum(pg_stat_database_numbackends)"


@pytest.mark.parametrize("stack", FROZEN_STACKS)
def test_business_kpis_use_the_alert_thresholds(stack: str) -> None:
    board = build(stack)
    success = by_title_prefix(board, "sample-request: success rate")  # the stack's sample route
    assert step_values(success, "green") == [0.8]
    assert 'method="POST",uri="/api/samples/request",status=~"2.."' in success["targets"][0]["expr"]
    error_rate = by_title_prefix(board, "HTTP error rate")
    assert step_values(error_rate, "red") == [0.02]
    assert 'status=~"5.."' in error_rate["targets"][0]["expr"]


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_every_panel_and_target_uses_the_datasource(stack: str) -> None:
    board = build(stack, ROOT)
    targets = [t for p in panels(board) for t in p["targets"]]
    assert targets
    assert all(t["datasource"] == {"type": "prometheus", "uid": DATASOURCE} for t in targets)
    assert all(p["datasource"]["uid"] == DATASOURCE for p in panels(board))
    assert len({t["refId"] for p in panels(board) for t in p["targets"]}) >= 1
    assert all(len({t["refId"] for t in p["targets"]}) == len(p["targets"]) for p in panels(board))


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_layout_ids_and_titles(stack: str) -> None:
    board = build(stack, ROOT)
    ids = [p["id"] for p in board["panels"]]
    assert ids == list(range(1, len(ids) + 1))
    assert all(p["title"] for p in board["panels"])  # the schema leaves titles optional; we do not
    cells: set[tuple[int, int]] = set()
    for panel in board["panels"]:
        pos = panel["gridPos"]
        assert pos["x"] >= 0 and pos["x"] + pos["w"] <= 24
        cells_of = {(x, y) for x in range(pos["x"], pos["x"] + pos["w"]) for y in range(pos["y"], pos["y"] + pos["h"])}
        assert not cells & cells_of, f"{panel['title']} overlaps another panel"
        cells |= cells_of


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_uid_title_and_json_are_stable(stack: str) -> None:
    plan = plan_of(stack, ROOT)
    first, second = build(stack, ROOT), build(stack, ROOT)
    assert first["uid"] == war_room_uid(plan.season) == f"freshfoodz-{plan.season}-war-room"
    assert len(first["uid"]) <= 40
    assert plan.title in first["title"]
    assert dumps(first) == dumps(second)


def test_json_is_identical_in_a_fresh_interpreter_with_another_hash_seed() -> None:
    script = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); import tests.unit.test_dashboard as t; "
        "print(t.dumps(t.build('weihnachten')))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    other = subprocess.run(
        [sys.executable, "-c", script, str(ROOT)], capture_output=True, text=True, check=True, env=env, cwd=ROOT
    )
    assert other.stdout.rstrip("\n") == dumps(build("weihnachten"))


def test_long_season_names_still_give_a_short_unique_uid() -> None:
    a, b = war_room_uid("x" * 60), war_room_uid("x" * 59 + "y")
    assert len(a) <= 40 and len(b) <= 40 and a != b
    assert a.startswith("freshfoodz-") and a.endswith("-war-room")


def test_metric_and_label_names_matchers_and_window_are_parameters() -> None:
    names = {"http_histogram": "req_seconds", "uri_label": "route", "method_label": "verb", "status_label": "code"}
    names |= {"hpa_current_replicas": "hpa_replicas", "hpa_namespace_label": "ns", "hpa_name_label": "hpa"}
    metrics = MetricNames(**names, db_connections="pg_backends")
    board = build(
        "weihnachten",
        metrics=metrics,
        hpa_names={"api": "api-hpa"},
        http_matchers={"job": "api"},
        db_matchers={"datname": "freshfoodz"},
        rate_window="2m",
    )
    assert errors("dashboard", board) == []
    exprs = " ".join(t["expr"] for p in panels(board) for t in p["targets"])
    for default in ("http_server_requests", "kube_horizontalpodautoscaler", "pg_stat_database", "uri=", "[5m]"):
        assert default not in exprs
    assert 'req_seconds_bucket{job="api",verb="POST",route="/api/samples/request"}[2m]' in exprs
    assert 'req_seconds_count{job="api",verb="POST",route="/api/samples/request",code=~"2.."}[2m]' in exprs
    assert 'req_seconds_count{job="api",code=~"5.."}[2m]' in exprs
    assert 'hpa_replicas{ns="freshfoodz",hpa="api-hpa"}' in exprs
    assert 'pg_backends{datname="freshfoodz"}' in exprs
    traffic = by_title_prefix(board, "Traffic vs planned peak")
    assert traffic["targets"][1]["legendFormat"] == "{{verb}} {{route}}"


def test_bad_rate_windows_and_matcher_labels_are_errors() -> None:
    with pytest.raises(ValueError, match="duration"):
        build("weihnachten", rate_window="5 minutes")
    with pytest.raises(ValueError, match="label name"):
        build("weihnachten", http_matchers={"bad-label": "x"})


def test_label_values_are_escaped_for_promql() -> None:
    paths = route_paths_of("weihnachten") | {"catalog-browse": ("GET", '/api/"odd"\\path')}
    board = war_room_dashboard(plan_of("weihnachten"), paths, DATASOURCE)
    panel = by_title_prefix(board, "catalog-browse: p95")
    assert 'uri="/api/\\"odd\\"\\\\path"' in panel["targets"][0]["expr"]


def test_missing_route_paths_and_sample_route_are_errors() -> None:
    paths = route_paths_of("weihnachten")
    del paths["order-submit"]
    with pytest.raises(ValueError, match="order-submit"):
        war_room_dashboard(plan_of("weihnachten"), paths, DATASOURCE)
    with pytest.raises(ValueError, match="no-such-route"):
        build("weihnachten", sample_route="no-such-route")


def test_the_package_is_pure() -> None:
    """No pulumi, network, process or file-writing imports in dashboards/ (the design's rule)."""
    forbidden = {
        "pulumi",
        "socket",
        "urllib",
        "http",
        "subprocess",
        "requests",
        "os",
        "pathlib",
        "freshfoodz_seasonal.adapters",
        "freshfoodz_seasonal.cli",
    }
    for source in (ROOT / "freshfoodz_seasonal" / "content" / "dashboards").glob("*.py"):
        tree = ast.parse(source.read_text())
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        prefixes = {".".join(name.split(".")[:depth]) for name in imported for depth in (1, 2)}
        assert not prefixes & forbidden, source.name
        assert "open(" not in source.read_text(), source.name


@pytest.mark.parametrize(
    ("organization", "tag"),
    [
        ("FreshFoodz", "freshfoodz"),
        ("Großhandel Nord & Co. KG", "großhandel-nord-co-kg"),
        ("Example Foods", "example-foods"),
    ],
)
def test_the_dashboard_is_tagged_with_its_organization_as_titled(organization: str, tag: str) -> None:
    board = build("weihnachten", organization=organization)
    assert board["title"].startswith(f"{organization} war room")
    assert board["tags"] == [tag, "war-room", "weihnachten"]


def test_an_organization_without_letters_or_digits_gives_no_tag() -> None:
    assert build("weihnachten", organization="& !")["tags"] == ["war-room", "weihnachten"]


def test_a_stack_that_names_no_organization_gets_titles_of_its_season_alone() -> None:
    board = build("weihnachten", organization=None)
    assert board["title"].startswith("War room: ")
    assert board["tags"] == ["war-room", "weihnachten"]
    assert folder_title(None, "Weihnachten 2026") == "Weihnachten 2026"
    assert seasonal_peaks_title(None) == "Seasonal peaks"
    manifest = priority_class_manifest(1000, ["checkout"], None)
    assert manifest["description"] == "priority lane, for checkout"
