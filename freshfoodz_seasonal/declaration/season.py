"""A season stack as data: what every component gets, and the stack outputs, for one phase.

Phase peak declares everything the plan asks for. Phase baseline re-applies the platform's own
values to what the season patched or adopted (HPAs, the RDS class) and declares none of the
season's own additions, so Pulumi deletes them: that is the rollback.

Everything is computed here, before the first resource is registered, so a problem in any part (a
metric name, an alert, the load test) leaves nothing half-registered. Pure: the clock is a parameter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from freshfoodz_seasonal.config.model import Phase, StackSettings
from freshfoodz_seasonal.content.alerting.grafana_rules import EVALUATION_INTERVAL_S, grafana_rule
from freshfoodz_seasonal.content.alerting.rules import SEVERITIES
from freshfoodz_seasonal.content.loadtest.k6_operator import in_cluster_manifests
from freshfoodz_seasonal.content.manifests.hpa import hpa_manifest
from freshfoodz_seasonal.content.manifests.peak_controls import peak_controls_config_map, priority_class_manifest
from freshfoodz_seasonal.declaration.args import (
    AppScalingArgs,
    PeakControlsArgs,
    SeasonalNodeGroupArgs,
    SeasonDatabaseArgs,
    SeasonMonitoringArgs,
)
from freshfoodz_seasonal.declaration.monitoring import monitoring_content
from freshfoodz_seasonal.declaration.owner_marks import Owner, owner_annotations, primary_tags
from freshfoodz_seasonal.declaration.peak_controls import route_limits
from freshfoodz_seasonal.declaration.phase_values import database_values, hpa_values
from freshfoodz_seasonal.declaration.scale_back import aws_timestamp, scale_back_at
from freshfoodz_seasonal.declaration.season_tags import node_group_tags
from freshfoodz_seasonal.declaration.war_room import war_room_contact_points
from freshfoodz_seasonal.naming import (
    PATCH_FORCE_ANNOTATION,
    SEASON_KEY,
    Part,
    component_name,
    folder_title,
    peak_controls_config_map_name,
    rule_group_name,
)
from freshfoodz_seasonal.plan.season_plan import SeasonPlan
from freshfoodz_seasonal.plan.summary import plan_as_dict

# EKS-optimised Amazon Linux 2023 images by the catalog's CPU architecture.
AMI_TYPES = {"arm64": "AL2023_ARM_64_STANDARD", "amd64": "AL2023_x86_64_STANDARD"}
# Another field manager (the platform's deployment tool) owns the patched fields outside the season;
# forcing is how the season takes them over. It keeps them afterwards: phase baseline re-applies the
# platform's values explicitly rather than giving the fields back.
PATCH_FORCE = {PATCH_FORCE_ANNOTATION: "true"}


ArgsT = TypeVar("ArgsT")


@dataclass(frozen=True)
class Declared(Generic[ArgsT]):
    """One component: its Pulumi name and what it is given."""

    name: str
    args: ArgsT


@dataclass(frozen=True)
class SeasonDeclaration:
    """Every component of the stack in the order it is registered, and the stack outputs."""

    scaling: Declared[AppScalingArgs]
    database: Declared[SeasonDatabaseArgs]
    peak_controls: Declared[PeakControlsArgs]
    nodes: Declared[SeasonalNodeGroupArgs] | None
    """At the peak only."""
    monitoring: Declared[SeasonMonitoringArgs] | None
    """At the peak only."""
    outputs: dict[str, Any]
    scaling_waits_for_nodes: bool = False
    """The HPAs' new minimum needs the seasonal nodes: their patches wait for the node group."""


def force_patch(manifest: dict[str, Any], annotations: dict[str, str] | None = None) -> dict[str, Any]:
    """The manifest with the annotation that makes its server-side apply take fields from other managers,
    and any further `annotations`."""
    metadata = manifest["metadata"]
    merged = {**metadata.get("annotations", {}), **PATCH_FORCE, **(annotations or {})}
    return {**manifest, "metadata": {**metadata, "annotations": merged}}


def declare_season(
    settings: StackSettings, plan: SeasonPlan, now: dt.datetime, primary_live_tags: Mapping[str, str]
) -> SeasonDeclaration:
    """The stack for `plan.phase`; `now` (timezone-aware) decides whether the scale-back is still ahead;
    the primary keeps `primary_live_tags` (its tags as it runs) but the owner tags, which are this phase's.

    Raises ValueError when a part cannot be built from the settings (e.g. no sample route for the
    load test); nothing is registered then.
    """
    peak = plan.phase is Phase.PEAK
    owner = Owner(plan.season, plan.stack)
    db_class, replicas = database_values(plan)
    controls = settings.peak_controls
    priority_class = force_patch(
        priority_class_manifest(
            controls.priority_class_value, controls.priority_services, settings.platform.organization
        )
    )
    load_test = (
        tuple(
            in_cluster_manifests(
                plan,
                settings.business_kpis,
                settings.load_test,
                settings.load_test.api_base_url or "",
                controls.namespace,
            )
        )
        if peak and settings.load_test.in_cluster
        else ()
    )
    config_map = (
        peak_controls_config_map(
            peak_controls_config_map_name(plan.season),
            controls.namespace,
            plan.season,
            route_limits(plan),
            controls.non_critical_features,
        )
        if peak
        else None
    )
    nodes = _node_group(settings, plan, now) if peak else None
    monitoring = _monitoring(settings, plan) if peak else None
    return SeasonDeclaration(
        scaling=Declared(
            component_name(plan.season, Part.SCALING),
            AppScalingArgs(
                tuple(
                    force_patch(hpa_manifest(v), owner_annotations(owner, plan.phase.value)) for v in hpa_values(plan)
                )
            ),
        ),
        database=Declared(
            component_name(plan.season, Part.DATABASE),
            SeasonDatabaseArgs(
                identifier=settings.platform.primary_db_identifier,
                instance_class=db_class,
                tags=primary_tags(primary_live_tags, owner, peak),
                # The platform owns the primary in every phase: a season may change its class, never
                # delete it. Rollback refuses to run unless the baseline phase keeps these.
                protect=True,
                retain_on_delete=True,
                deletion_protection=True,
                # T-14 is a watched change window; without this the class waits for the maintenance window.
                apply_immediately=True,
                replica_identifiers=tuple(
                    f"{settings.platform.primary_db_identifier}-{plan.season}-replica-{index}"
                    for index in range(1, replicas + 1)
                ),
                replica_tags={SEASON_KEY: plan.season},
            ),
        ),
        # The priority lane outlives the season: pods that reference it must still be admitted after
        # rollback, so it is a server-side-apply patch (created if missing, never deleted).
        peak_controls=Declared(
            component_name(plan.season, Part.PEAK_CONTROLS), PeakControlsArgs(priority_class, config_map, load_test)
        ),
        nodes=Declared(component_name(plan.season, Part.NODES), nodes) if nodes else None,
        monitoring=Declared(component_name(plan.season, Part.MONITORING), monitoring) if monitoring else None,
        outputs=_outputs(plan, db_class, replicas),
        scaling_waits_for_nodes=nodes is not None and nodes.nodes > 0,
    )


def _node_group(settings: StackSettings, plan: SeasonPlan, now: dt.datetime) -> SeasonalNodeGroupArgs:
    scale_back = scale_back_at(plan.window.last_day, now)
    platform = settings.platform
    return SeasonalNodeGroupArgs(
        cluster_name=platform.cluster_name,
        node_role_arn=platform.node_role_arn,
        subnet_ids=tuple(platform.subnet_ids),
        instance_type=plan.nodes.instance_type,
        ami_type=AMI_TYPES[plan.node_arch],
        nodes=plan.nodes.nodes,
        max_nodes=plan.max_nodes,
        labels={SEASON_KEY: plan.season},
        tags=node_group_tags(plan),
        scale_back_at=aws_timestamp(scale_back) if scale_back else None,
        notes=() if scale_back else ("the scale-back time has passed; no scheduled action is declared",),
    )


def _monitoring(settings: StackSettings, plan: SeasonPlan) -> SeasonMonitoringArgs:
    rules, dashboard = monitoring_content(settings, plan)
    points = war_room_contact_points(settings, plan.season)
    return SeasonMonitoringArgs(
        group_name=rule_group_name(plan.season),
        folder_uid=rule_group_name(plan.season),
        folder_title=folder_title(settings.platform.organization, plan.title),
        rules=tuple(grafana_rule(rule) for rule in rules),
        evaluation_interval_s=EVALUATION_INTERVAL_S,
        prometheus_datasource_uid=settings.platform.prometheus_datasource_uid,
        dashboard=dashboard,
        contact_points=points,
        routed_as=tuple(
            (severity, settings.war_room.routed_as(severity)) for severity in SEVERITIES if settings.war_room
        ),
        notes=() if points else ("no warRoom in the stack; the alerts notify Grafana's default policy",),
    )


def _outputs(plan: SeasonPlan, db_class: str, replicas: int) -> dict[str, Any]:
    """`alertRuleGroup` (at the peak), `phase`, the plan's headline, and what this phase declares."""
    peak = plan.phase is Phase.PEAK
    summary = plan_as_dict(plan)
    hpas = [hpa_manifest(values) for values in hpa_values(plan)]
    outputs: dict[str, Any] = {"alertRuleGroup": rule_group_name(plan.season)} if peak else {}
    outputs["phase"] = plan.phase.value
    outputs["plan"] = {
        "pods": {service["name"]: service["pods"] for service in summary["services"]},
        "workers": {worker["name"]: worker["pods"] for worker in summary["workers"]},
        "nodes": summary["nodes"]["nodes"],
        "dbClass": summary["database"]["instance_class"],
        "readReplicas": summary["database"]["read_replicas"],
        "costPerSeason": summary["cost"]["peak_over_window"],
        # What costs.seasonBudget is compared with (season_plan.BUDGET_MEASURE), as the node group's tag says.
        "seasonOwnCost": summary["cost"]["extra_while_running"],
        "currency": summary["cost"]["currency"],
    }
    # What this phase actually declares (at baseline: the platform's values, no seasonal extras).
    outputs["declared"] = {
        "hpa": {h["metadata"]["name"]: [h["spec"]["minReplicas"], h["spec"]["maxReplicas"]] for h in hpas},
        "dbClass": db_class,
        "readReplicas": replicas,
        "seasonalNodes": plan.nodes.nodes if peak else 0,
    }
    return outputs
