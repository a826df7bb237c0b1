"""The pure declaration: what each component gets in each phase, tested without Pulumi or its mocks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from capacity.catalog import Catalog
from freshfoodz_seasonal.adapters.stack_file import load_stack_settings
from freshfoodz_seasonal.config.model import Phase, StackSettings
from freshfoodz_seasonal.declaration.season import AMI_TYPES, SeasonDeclaration, declare_season
from freshfoodz_seasonal.naming import (
    MAX_REPLICAS_CAP_ANNOTATION,
    OWNER_PHASE_ANNOTATION,
    OWNER_SEASON_ANNOTATION,
    OWNER_STACK_ANNOTATION,
    PATCH_FORCE_ANNOTATION,
    SEASON_KEY,
    rule_group_name,
)
from freshfoodz_seasonal.plan.season_plan import SeasonPlan, plan_season
from tests.support.project import frozen_stack

# Mid-October 2026: before Christmas 2026's scale-back, long after asparagus season 2026's.
OCTOBER = dt.datetime(2026, 10, 15, 9, tzinfo=dt.UTC)


def settings_of(stack: str, catalog: Catalog, **update: Any) -> StackSettings:
    return load_stack_settings(frozen_stack(stack), catalog).model_copy(update=update)


def declared(settings: StackSettings, catalog: Catalog, year: int = 2026) -> tuple[SeasonPlan, SeasonDeclaration]:
    plan = plan_season(settings, catalog, settings.season.name, year)
    return plan, declare_season(settings, plan, OCTOBER, {})


def test_the_peak_declares_every_component_from_the_plan(catalog: Catalog) -> None:
    plan, declaration = declared(settings_of("weihnachten", catalog), catalog)
    hpas = {m["metadata"]["name"]: m for m in declaration.scaling.args.hpa_patches}
    # The workers' HPAs too: the plan's worker pods reach the cluster.
    assert set(hpas) == {item.deployment for item in (*plan.services, *plan.workers)} and plan.workers
    for service in (*plan.services, *plan.workers):
        hpa = hpas[service.deployment]
        assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (
            service.hpa.min_replicas,
            service.hpa.max_replicas,
        )
        annotations = hpa["metadata"]["annotations"]
        assert annotations[PATCH_FORCE_ANNOTATION] == "true"
        assert annotations[OWNER_SEASON_ANNOTATION] == "weihnachten" and annotations[OWNER_PHASE_ANNOTATION] == "peak"
        assert annotations[OWNER_STACK_ANNOTATION] == "weihnachten"
        assert annotations[MAX_REPLICAS_CAP_ANNOTATION] == str(service.max_replicas_cap)
    database = declaration.database.args
    assert database.protect and database.retain_on_delete and database.deletion_protection
    assert database.apply_immediately
    assert database.instance_class == plan.database.instance_class
    assert len(database.replica_identifiers) == plan.database.read_replicas > 0
    assert all(i.startswith(f"{database.identifier}-weihnachten-replica-") for i in database.replica_identifiers)
    assert declaration.nodes is not None and declaration.monitoring is not None
    nodes = declaration.nodes.args
    assert (nodes.nodes, nodes.max_nodes, nodes.instance_type) == (
        plan.nodes.nodes,
        plan.max_nodes,
        plan.nodes.instance_type,
    )
    assert nodes.ami_type == AMI_TYPES[catalog.instance_types[plan.nodes.instance_type].arch]
    assert nodes.labels == {SEASON_KEY: "weihnachten"}
    config_map = declaration.peak_controls.args.config_map
    assert config_map is not None and config_map["metadata"]["labels"][SEASON_KEY] == "weihnachten"
    assert declaration.peak_controls.args.priority_class["metadata"]["annotations"] == {PATCH_FORCE_ANNOTATION: "true"}
    assert declaration.outputs["alertRuleGroup"] == rule_group_name("weihnachten")
    assert declaration.outputs["declared"]["seasonalNodes"] == plan.nodes.nodes
    names = [d.name for d in (declaration.scaling, declaration.database, declaration.peak_controls)]
    assert names == [
        "freshfoodz-weihnachten-scaling",
        "freshfoodz-weihnachten-database",
        "freshfoodz-weihnachten-peak-controls",
    ]


def test_the_baseline_restores_the_platform_and_declares_no_season_resource(catalog: Catalog) -> None:
    settings = settings_of("weihnachten", catalog, phase=Phase.BASELINE)
    plan, declaration = declared(settings, catalog)
    assert declaration.nodes is None and declaration.monitoring is None
    assert declaration.peak_controls.args.config_map is None and declaration.peak_controls.args.load_test == ()
    assert declaration.database.args.instance_class == settings.database.instance_class
    assert declaration.database.args.replica_identifiers == ()
    # What rollback relies on: the primary stays protected and retained in the baseline phase too.
    database = declaration.database.args
    assert database.protect and database.retain_on_delete and database.deletion_protection
    by_deployment = {s.deployment: s for s in settings.workloads}
    assert len(declaration.scaling.args.hpa_patches) == len(by_deployment)
    for hpa in declaration.scaling.args.hpa_patches:
        service = by_deployment[hpa["metadata"]["name"]]
        assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (
            service.baseline_replicas,
            service.baseline_max_replicas,
        )
        assert hpa["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"] == (
            service.baseline_cpu_target_percent
        )
        # The stack that set the platform's values back says so.
        assert hpa["metadata"]["annotations"][OWNER_PHASE_ANNOTATION] == "baseline"
    assert "alertRuleGroup" not in declaration.outputs
    assert declaration.outputs["phase"] == "baseline"
    assert declaration.outputs["declared"] == {
        "hpa": {s.deployment: [s.baseline_replicas, s.baseline_max_replicas] for s in settings.workloads},
        "dbClass": settings.database.instance_class,
        "readReplicas": 0,
        "seasonalNodes": 0,
    }
    # The plan is still what the peak would declare: the outputs say so.
    assert declaration.outputs["plan"]["nodes"] == plan.nodes.nodes


def test_the_scale_back_is_declared_only_while_it_is_ahead(catalog: Catalog) -> None:
    settings = settings_of("weihnachten", catalog)
    plan = plan_season(settings, catalog, "weihnachten", 2026)
    ahead = declare_season(settings, plan, OCTOBER, {}).nodes
    # 06:00 Europe/Berlin (CET, UTC+1) two days after 31 December.
    assert ahead is not None and ahead.args.scale_back_at == "2027-01-02T05:00:00Z" and ahead.args.notes == ()
    passed = declare_season(settings, plan, dt.datetime(2027, 1, 2, 5, tzinfo=dt.UTC), {}).nodes
    assert passed is not None and passed.args.scale_back_at is None
    assert passed.args.notes == ("the scale-back time has passed; no scheduled action is declared",)


def test_each_routed_severity_has_a_contact_point_of_its_receivers(catalog: Catalog) -> None:
    without = declared(settings_of("oktoberfest", catalog, war_room=None), catalog)[1].monitoring
    assert without is not None and without.args.contact_points == ()
    assert without.args.notes == ("no warRoom in the stack; the alerts notify Grafana's default policy",)
    assert without.args.contact_point_of("critical") is None
    monitoring = declared(settings_of("oktoberfest", catalog), catalog)[1].monitoring
    assert monitoring is not None and monitoring.args.notes == ()
    points = {point.severity: point for point in monitoring.args.contact_points}
    # The shipped stacks: critical to pager and chat, warning to chat; info has no route and goes with warning.
    assert set(points) == {"critical", "warning"}
    critical = points["critical"]
    assert critical.name == "freshfoodz-seasonal-oktoberfest-critical"
    assert [(i.receiver, i.kind, i.secret_key) for i in critical.integrations] == [
        ("pager", "pagerduty", "warRoomPagerDutyKey"),
        ("chat", "slack", "warRoomSlackUrl"),
        ("chat", "email", None),
    ]
    assert (critical.group_wait, critical.group_interval, critical.repeat_interval) == ("10s", "1m", "30m")
    assert [i.kind for i in points["warning"].integrations] == ["slack", "email"]
    assert monitoring.args.contact_point_of("info") == points["warning"]
    severities = {rule.labels["severity"] for rule in monitoring.args.rules}
    assert severities == {"critical", "warning"}


@pytest.mark.parametrize("arch", ["arm64", "amd64"])
def test_the_node_image_follows_the_instance_architecture(catalog: Catalog, arch: str) -> None:
    settings = settings_of("spargel", catalog)
    instance = next(
        i
        for i in sorted(catalog.instance_types.values(), key=lambda i: (i.vcpu, i.memory_mib, i.name))
        if i.arch == arch and i.vcpu >= 4 and i.memory_mib >= 16 * 1024
    )
    settings = settings.model_copy(update={"nodes": settings.nodes.model_copy(update={"instance_type": instance.name})})
    _, declaration = declared(settings, catalog)
    assert declaration.nodes is not None and declaration.nodes.args.ami_type == AMI_TYPES[arch]


def test_the_in_cluster_peak_test_carries_the_season_label(catalog: Catalog) -> None:
    settings = settings_of("oktoberfest", catalog)
    load_test = settings.load_test.model_copy(update={"in_cluster": True, "api_base_url": "http://api:8080"})
    _, declaration = declared(settings.model_copy(update={"load_test": load_test}), catalog)
    manifests = declaration.peak_controls.args.load_test
    assert [m["kind"] for m in manifests] == ["ConfigMap", "TestRun"]
    for manifest in manifests:
        assert manifest["metadata"]["labels"][SEASON_KEY] == "oktoberfest"
        assert manifest["metadata"]["namespace"] == settings.peak_controls.namespace
    assert not declared(settings, catalog)[1].peak_controls.args.load_test


def test_the_declaration_is_the_same_for_the_same_inputs(catalog: Catalog) -> None:
    settings = settings_of("spargel", catalog)
    assert declared(settings, catalog)[1] == declared(settings, catalog)[1]


def test_the_organization_names_the_folder_and_the_dashboard(catalog: Catalog) -> None:
    settings = settings_of("weihnachten", catalog)
    platform = settings.platform.model_copy(update={"organization": "Nordic Produce"})
    monitoring = declared(settings.model_copy(update={"platform": platform}), catalog)[1].monitoring
    assert monitoring is not None
    assert monitoring.args.folder_title == "Nordic Produce Weihnachten (Christmas)"
    assert monitoring.args.dashboard["title"] == "Nordic Produce war room: Weihnachten (Christmas)"
    shipped = declared(settings, catalog)[1].monitoring
    assert shipped is not None and shipped.args.dashboard["title"] == "FreshFoodz war room: Weihnachten (Christmas)"
