"""The Pulumi program under Pulumi's mocks: what each stack and phase declares, and how.

Every shipped stack, whichever they are, declares its components and valid objects; what one season
declares, by name and number, is checked on the frozen stacks (tests/support/stacks/frozen/)."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import gc
import json
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pulumi
import pytest

from freshfoodz_seasonal import naming
from freshfoodz_seasonal.preview.capture import (
    Capture,
    CapturedResource,
    release_runtime,
    run_program,
    secret_placeholder,
    stack_config,
)
from freshfoodz_seasonal.preview.render import whole_numbers
from tests.support.project import FROZEN, ROOT, SHIPPED_STACKS, shipped_stack, stack_file_config

PROGRAM = FROZEN / "__main__.py"
"""The program beside the frozen stacks: the season calendar it judges is theirs."""
NS = naming.CONFIG_NAMESPACE

PEAK_COMPONENTS = {
    naming.SEASON_MONITORING_TYPE: 1,
    naming.APP_SCALING_TYPE: 1,
    naming.SEASON_DATABASE_TYPE: 1,
    naming.SEASONAL_NODE_GROUP_TYPE: 1,
    naming.PEAK_CONTROLS_TYPE: 1,
}
BASELINE_COMPONENTS = {
    naming.APP_SCALING_TYPE: 1,
    naming.SEASON_DATABASE_TYPE: 1,
    naming.PEAK_CONTROLS_TYPE: 1,
}


def config_of(stack: str, project: Path = FROZEN, **changes: Any) -> dict[str, Any]:
    """The config of a stack of `project` (by default a frozen one) with `changes`, as the program gets it."""
    config = stack_file_config(project / f"Pulumi.{stack}.yaml")
    config.update({f"{NS}:{key}": value for key, value in changes.items()})
    return stack_config(config)


def run(stack: str, project: Path = FROZEN, **changes: Any) -> Capture:
    """The program of `project` for one of its stacks, with `changes` to its config."""
    return run_program(project / "__main__.py", naming.CONFIG_NAMESPACE, stack, config_of(stack, project, **changes))


def of_type(capture: Capture, suffix: str) -> list[CapturedResource]:
    return [r for r in capture.resources if r.type.endswith(suffix)]


def counts(capture: Capture, prefix: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for resource in capture.resources:
        if resource.type.startswith(prefix):
            found[resource.type] = found.get(resource.type, 0) + 1
    return found


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_peak_declares_every_component_with_its_children(stack: str) -> None:
    capture = run(stack, ROOT, phase="peak")  # whichever phase the stack file is in now
    assert counts(capture, "freshfoodz:") == PEAK_COMPONENTS
    components = {r.name: r for r in capture.resources if not r.custom}
    for resource in capture.resources:
        if resource.custom:
            parent_type = resource.parent.split("::")[2].split("$")[-1]
            assert parent_type.startswith("freshfoodz:"), (resource.name, resource.parent)
            assert resource.parent.split("::")[-1] in components
    config = stack_file_config(shipped_stack(stack))
    deployments = {w["name"]: w["deployment"] for w in [*config[f"{NS}:services"], *config.get(f"{NS}:workers", [])]}
    patches = {p.inputs["metadata"]["name"]: p for p in of_type(capture, "HorizontalPodAutoscalerPatch")}
    assert set(patches) == set(deployments.values())
    # Each worker's HPA keeps at least the plan's worker pods.
    for worker, pods in capture.outputs["plan"]["workers"].items():
        assert whole_numbers(patches[deployments[worker]].inputs["spec"]["minReplicas"]) == pods
    assert len(of_type(capture, "eks/nodeGroup:NodeGroup")) == 1
    assert len(of_type(capture, "scheduling.k8s.io/v1:PriorityClassPatch")) == 1
    # The peak controls' map; a stack that runs its peak test in the cluster adds the test script's.
    assert len([r for r in of_type(capture, "core/v1:ConfigMap") if not r.name.endswith("load-test-script")]) == 1
    plan = capture.outputs["plan"]
    replicas = [r for r in of_type(capture, "rds/instance:Instance") if r.inputs.get("replicateSourceDb")]
    assert len(replicas) == plan["readReplicas"]
    assert capture.outputs["phase"] == "peak"


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_baseline_restores_and_drops_the_season(stack: str) -> None:
    capture = run(stack, ROOT, phase="baseline")
    assert counts(capture, "freshfoodz:") == BASELINE_COMPONENTS
    stack_file = stack_file_config(shipped_stack(stack))
    database = stack_file[f"{NS}:database"]
    (primary,) = of_type(capture, "rds/instance:Instance")
    assert primary.inputs["instanceClass"] == database["instanceClass"]
    workloads = {w["deployment"]: w for w in [*stack_file[f"{NS}:services"], *stack_file.get(f"{NS}:workers", [])]}
    patches = of_type(capture, "HorizontalPodAutoscalerPatch")
    assert len(patches) == len(workloads)
    for patch in patches:
        service = workloads[patch.inputs["metadata"]["name"]]
        assert whole_numbers(patch.inputs["spec"]["minReplicas"]) == service["baselineReplicas"]
        assert whole_numbers(patch.inputs["spec"]["maxReplicas"]) == service["baselineMaxReplicas"]
    assert not of_type(capture, "NodeGroup") and not of_type(capture, "core/v1:ConfigMap")
    # the priority lane stays: pods that reference it must still be admitted after rollback
    assert len(of_type(capture, "PriorityClassPatch")) == 1
    declared = capture.outputs["declared"]
    assert (declared["readReplicas"], declared["seasonalNodes"]) == (0, 0)


@pytest.mark.parametrize("phase", ["peak", "baseline"])
def test_the_primary_database_is_adopted_never_owned(phase: str) -> None:
    capture = run("weihnachten", phase=phase)
    (primary,) = [r for r in of_type(capture, "rds/instance:Instance") if not r.inputs.get("replicateSourceDb")]
    assert primary.import_id == "freshfoodz-primary"
    assert primary.protect and primary.retain_on_delete
    assert primary.inputs["deletionProtection"] is True
    assert primary.inputs["applyImmediately"] is True
    assert "engineVersion" in primary.ignore_changes and "allocatedStorage" in primary.ignore_changes


def test_concurrency_scaling_reaches_the_services_hpas_and_baseline_puts_cpu_back() -> None:
    autoscaling = {"metric": "concurrency", "concurrencyMetric": "http_server_active_requests"}
    capture = run("weihnachten", autoscaling=autoscaling)
    peak = {p.inputs["metadata"]["name"]: p for p in of_type(capture, "HorizontalPodAutoscalerPatch")}
    for name in ("freshfoodz-api", "event-catering-api"):
        (metric,) = peak[name].inputs["spec"]["metrics"]
        assert metric["type"] == "Pods" and metric["pods"]["metric"] == {"name": "http_server_active_requests"}
    for name in ("order-fulfilment-worker", "sample-dispatch-worker"):
        (metric,) = peak[name].inputs["spec"]["metrics"]
        assert metric["type"] == "Resource" and metric["resource"]["name"] == "cpu"
    baseline = run("weihnachten", autoscaling=autoscaling, phase="baseline")
    for patch in of_type(baseline, "HorizontalPodAutoscalerPatch"):
        (metric,) = patch.inputs["spec"]["metrics"]
        assert metric["type"] == "Resource", patch.inputs["metadata"]["name"]


def test_nothing_platform_owned_is_declared_as_the_seasons() -> None:
    capture = run("weihnachten")
    types = {r.type for r in capture.resources}
    assert not {t for t in types if t.endswith((":Deployment", ":HorizontalPodAutoscaler", "eks/cluster:Cluster"))}
    for patch in of_type(capture, "HorizontalPodAutoscalerPatch"):
        # patchForce takes the platform's fields over; the cap is what the policy pack checks maxReplicas
        # against; the owner annotations say which season and stack set the values last
        annotations = patch.inputs["metadata"]["annotations"]
        assert set(annotations) == {
            "pulumi.com/patchForce",
            "freshfoodz.de/max-replicas-cap",
            "freshfoodz.de/owner-season",
            "freshfoodz.de/owner-stack",
            "freshfoodz.de/owner-phase",
        }
        assert annotations["pulumi.com/patchForce"] == "true"


def test_node_group_bounds_and_scale_back() -> None:
    capture = run("weihnachten")
    (group,) = of_type(capture, "eks/nodeGroup:NodeGroup")
    scaling = whole_numbers(group.inputs["scalingConfig"])
    assert scaling["minSize"] == scaling["desiredSize"] == capture.outputs["plan"]["nodes"]
    assert scaling["maxSize"] >= scaling["minSize"]
    assert group.ignore_changes == ("scalingConfig.desiredSize",)
    (schedule,) = of_type(capture, "autoscaling/schedule:Schedule")
    start = dt.datetime.strptime(schedule.inputs["startTime"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    assert start > dt.datetime.now(dt.UTC)
    assert start.astimezone(dt.timezone(dt.timedelta(hours=1))).hour == 6  # 06:00 in Berlin's winter
    assert whole_numbers(schedule.inputs["desiredCapacity"]) == 0


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_kubernetes_objects_validate_as_declared(stack: str) -> None:
    capture = run(stack, ROOT)
    for resource in capture.resources:
        if not resource.type.startswith("kubernetes:"):
            continue
        manifest = whole_numbers(resource.inputs)
        kubernetes_validate.validate(manifest, "1.33.0", strict=True)
        if manifest["kind"] == "HorizontalPodAutoscaler":
            assert 1 <= manifest["spec"]["minReplicas"] <= manifest["spec"]["maxReplicas"]


def test_two_runs_declare_the_same() -> None:
    def snapshot() -> str:
        capture = run("oktoberfest")
        return json.dumps([dataclasses.asdict(r) for r in capture.resources], sort_keys=True, default=str)

    assert snapshot() == snapshot()


def test_an_invalid_config_registers_nothing() -> None:
    config = config_of("weihnachten")
    config[f"{NS}:season"] = {**config[f"{NS}:season"], "loadMultiplier": "x"}
    capture = Capture()
    with pytest.raises(pulumi.RunError, match=r"season\.loadMultiplier"):
        run_program(PROGRAM, naming.CONFIG_NAMESPACE, "weihnachten", config, into=capture)
    assert capture.resources == []


def test_an_infeasible_plan_registers_nothing() -> None:
    config = config_of("weihnachten")
    config[f"{NS}:nodes"] = {**config[f"{NS}:nodes"], "maxNodes": 2}
    capture = Capture()
    with pytest.raises(pulumi.RunError, match="infeasible"):
        run_program(PROGRAM, naming.CONFIG_NAMESPACE, "weihnachten", config, into=capture)
    assert capture.resources == []


def test_monitoring_declares_folder_rules_and_dashboard_of_the_season() -> None:
    capture = run("weihnachten")
    (folder,) = of_type(capture, "oss/folder:Folder")
    (group,) = of_type(capture, "alerting/ruleGroup:RuleGroup")
    (dashboard,) = of_type(capture, "oss/dashboard:Dashboard")
    assert group.inputs["name"] == folder.inputs["uid"] == capture.outputs["alertRuleGroup"]
    assert group.inputs["name"] == "freshfoodz-seasonal-weihnachten"
    names = {rule["name"] for rule in group.inputs["rules"]}
    assert {"SampleSuccessRateLow", "HttpErrorRateHigh", "DbConnectionsNearLimit"} <= names
    for rule in group.inputs["rules"]:
        query, condition = (json.loads(data["model"]) for data in rule["datas"])
        assert query["expr"].startswith("count(") and query["expr"].endswith(") or vector(0)")
        assert rule["condition"] == condition["refId"] == "C"
        assert rule["datas"][0]["datasourceUid"] == "prometheus"
    schema = json.loads((ROOT / "schemas" / "grafana" / "dashboard.schema.json").read_text())
    jsonschema.validate(json.loads(dashboard.inputs["configJson"]), schema)
    # No notification policy: the organization's tree is never a season's.
    assert not [r for r in capture.resources if "notificationPolicy" in r.type or "NotificationPolicy" in r.type]


def test_each_rule_names_the_contact_point_and_timings_of_its_severity() -> None:
    secret = {"secure": "v1:ciphertext"}
    capture = run("weihnachten", warRoomSlackUrl=secret, warRoomPagerDutyKey={"secure": "v1:other"})
    points = {point.inputs["name"]: point for point in of_type(capture, "alerting/contactPoint:ContactPoint")}
    assert set(points) == {"freshfoodz-seasonal-weihnachten-critical", "freshfoodz-seasonal-weihnachten-warning"}
    critical = points["freshfoodz-seasonal-weihnachten-critical"]
    # marked secret, and a preview never decrypts: the program saw only a placeholder naming the ciphertext
    assert critical.inputs["slacks"] == {"secret": [{"url": secret_placeholder("v1:ciphertext")}]}
    assert critical.inputs["pagerduties"] == {
        "secret": [{"integrationKey": secret_placeholder("v1:other"), "severity": "[secret]"}]
    }
    assert critical.inputs["emails"] == [{"addresses": ["war-room@freshfoodz.example"]}]
    assert "pagerduties" not in points["freshfoodz-seasonal-weihnachten-warning"].inputs
    (group,) = of_type(capture, "alerting/ruleGroup:RuleGroup")
    timings = {"critical": ("10s", "1m", "30m"), "warning": ("30s", "5m", "4h")}
    for rule in group.inputs["rules"]:
        severity = rule["labels"]["severity"]
        notify = rule["notificationSettings"]
        assert notify["contactPoint"] == f"freshfoodz-seasonal-weihnachten-{severity}", rule["name"]
        assert (notify["groupWait"], notify["groupInterval"], notify["repeatInterval"]) == timings[severity]
    # Christmas: any lost sample is critical, and pages.
    lost = next(rule for rule in group.inputs["rules"] if rule["name"] == "SampleRequestLost")
    assert lost["labels"]["severity"] == "critical" and lost["for"] == "0m"
    assert set(of_type(capture, "alerting/ruleGroup:RuleGroup")[0].depends_on) >= {
        "freshfoodz-weihnachten-monitoring-war-room-critical",
        "freshfoodz-weihnachten-monitoring-war-room-warning",
    }


def test_baseline_removes_the_season_monitoring() -> None:
    capture = run("weihnachten", phase="baseline")
    assert not of_type(capture, "alerting/ruleGroup:RuleGroup")
    assert "alertRuleGroup" not in capture.outputs


def test_metric_names_and_matchers_come_from_the_stack() -> None:
    capture = run("spargel", metrics={"httpHistogram": "api_requests_seconds", "httpMatchers": {"job": "shop"}})
    (group,) = of_type(capture, "alerting/ruleGroup:RuleGroup")
    queries = [json.loads(rule["datas"][0]["model"])["expr"] for rule in group.inputs["rules"]]
    http = [q for q in queries if "api_requests_seconds" in q]
    assert http and all('job="shop"' in q for q in http)
    assert not any("http_server_requests_seconds" in q for q in queries)


def test_peak_sets_the_planned_class_and_baseline_the_platforms() -> None:
    # A busier database than the shipped stacks have: the plan needs a larger class.
    busy = {
        **config_of("weihnachten")[f"{NS}:database"],
        "baselineCpuUtilization": 0.6,
        "readShare": 0.2,
    }
    peak = run("weihnachten", database=busy)
    baseline = run("weihnachten", database=busy, phase="baseline")
    (peak_primary,) = [r for r in of_type(peak, "rds/instance:Instance") if not r.inputs.get("replicateSourceDb")]
    (base_primary,) = of_type(baseline, "rds/instance:Instance")
    assert peak_primary.inputs["instanceClass"] == peak.outputs["plan"]["dbClass"] != "db.r7g.xlarge"
    assert base_primary.inputs["instanceClass"] == "db.r7g.xlarge"
    assert peak_primary.name == base_primary.name  # the same resource, so rollback updates it in place


def test_the_adopted_primary_ignores_every_input_the_season_does_not_set() -> None:
    capture = run("weihnachten")
    (primary,) = [r for r in of_type(capture, "rds/instance:Instance") if not r.inputs.get("replicateSourceDb")]
    ignored = set(primary.ignore_changes)
    assert {"performanceInsightsEnabled", "monitoringInterval", "copyTagsToSnapshot", "engineVersion"} <= ignored
    assert not {"instanceClass", "identifier", "applyImmediately", "deletionProtection", "tags"} & ignored


def test_patched_resources_keep_their_names_across_phases() -> None:
    peak, baseline = run("spargel"), run("spargel", phase="baseline")
    kept = {r.name for r in baseline.resources}
    assert kept <= {r.name for r in peak.resources}


def test_the_in_cluster_peak_test_is_declared_when_the_stack_asks() -> None:
    url = "http://freshfoodz-api.freshfoodz.svc:8080"
    capture = run("oktoberfest", loadTest={"inCluster": True, "apiBaseUrl": url})
    (test_run,) = of_type(capture, "kubernetes:k6.io/v1alpha1:TestRun")
    scripts = [r for r in of_type(capture, "core/v1:ConfigMap") if r.name.endswith("load-test-script")]
    assert len(scripts) == 1
    assert test_run.inputs["spec"]["script"]["configMap"]["name"] == scripts[0].inputs["metadata"]["name"]
    assert "ramping-arrival-rate" in scripts[0].inputs["data"]["peak-test.js"]
    assert not of_type(run("oktoberfest"), "TestRun")
    assert not of_type(run("oktoberfest", phase="baseline", loadTest={"inCluster": True, "apiBaseUrl": url}), "TestRun")


def test_no_event_loop_is_left_open_for_interpreter_shutdown() -> None:
    # Pulumi's runtime leaves one event loop per executor thread; finalised at shutdown, such a loop
    # can print a traceback. release_runtime closes them, and a later run still works.
    run("spargel")
    release_runtime()
    open_loops = [o for o in gc.get_objects() if isinstance(o, asyncio.AbstractEventLoop) and not o.is_closed()]
    assert len(open_loops) == 1 and open_loops[0] is asyncio.get_event_loop()
    assert run("weihnachten").resources


def test_a_program_runs_after_asyncio_run_left_no_current_loop() -> None:
    asyncio.run(asyncio.sleep(0))  # as any asyncio code in the same process does on its way out
    assert run("spargel").resources


def test_replicas_wait_for_the_primary_and_the_hpas_for_the_seasonal_nodes() -> None:
    capture = run("weihnachten")
    (primary,) = [r for r in of_type(capture, "rds/instance:Instance") if not r.inputs.get("replicateSourceDb")]
    replicas = [r for r in of_type(capture, "rds/instance:Instance") if r.inputs.get("replicateSourceDb")]
    assert replicas and all(primary.name in replica.depends_on for replica in replicas)
    (group,) = of_type(capture, "eks/nodeGroup:NodeGroup")
    patches = of_type(capture, "HorizontalPodAutoscalerPatch")
    assert patches and all(patch.depends_on == (group.name,) for patch in patches)


def test_at_baseline_the_hpas_wait_for_nothing() -> None:
    capture = run("weihnachten", phase="baseline")
    assert all(patch.depends_on == () for patch in of_type(capture, "HorizontalPodAutoscalerPatch"))
