"""A season as components: what each phase declares, and the stack outputs.

Phase peak declares everything the plan asks for. Phase baseline re-applies the platform's own
values to what the season patched or adopted (HPAs, the RDS class) and declares none of the
season's own additions, so Pulumi deletes them: that is the rollback.

Everything is computed before the first resource is declared, so a problem in any part (a metric
name, an alert) leaves nothing half-registered.
"""

from __future__ import annotations

import datetime as dt

import pulumi

from capacity.catalog import Catalog
from components.app_scaling import AppScaling, AppScalingArgs
from components.database import SeasonDatabase, SeasonDatabaseArgs
from components.monitoring import SeasonMonitoring, SeasonMonitoringArgs
from components.node_group import SeasonalNodeGroup, SeasonalNodeGroupArgs
from components.peak_controls import PeakControls, PeakControlsArgs
from freshfoodz_seasonal.config.model import StackSettings
from freshfoodz_seasonal.content.alerting.grafana_rules import GrafanaRule, grafana_rule
from freshfoodz_seasonal.content.loadtest.k6_operator import in_cluster_manifests
from freshfoodz_seasonal.content.manifests.hpa import hpa_manifest
from freshfoodz_seasonal.content.manifests.peak_controls import peak_controls_config_map, priority_class_manifest
from freshfoodz_seasonal.declaration.monitoring import monitoring_content
from freshfoodz_seasonal.declaration.peak_controls import route_limits
from freshfoodz_seasonal.declaration.phase_values import database_values, hpa_values
from freshfoodz_seasonal.declaration.scale_back import aws_timestamp, scale_back_at
from freshfoodz_seasonal.declaration.season_tags import node_group_tags
from freshfoodz_seasonal.naming import resource_prefix, rule_group_name
from freshfoodz_seasonal.plan.season_plan import SeasonPlan
from freshfoodz_seasonal.plan.summary import plan_as_dict

AMI_TYPES = {"arm64": "AL2023_ARM_64_STANDARD", "amd64": "AL2023_x86_64_STANDARD"}


def declare_season(
    settings: StackSettings,
    plan: SeasonPlan,
    catalog: Catalog,
    now: dt.datetime,
    webhook_url: pulumi.Output[str] | None,
) -> None:
    season = settings.season.name
    peak = settings.phase == "peak"
    prefix = resource_prefix(season)
    controls = settings.peak_controls

    # Compute everything first.
    hpas = tuple(hpa_manifest(values) for values in hpa_values(settings, plan))
    db_class, replicas = database_values(settings, plan)
    priority_class = priority_class_manifest(controls.priority_class_value, controls.priority_services)
    peak_args = None
    if peak:
        instance = catalog.instance_types[plan.nodes.instance_type]
        scale_back = scale_back_at(plan.window.last_day, now)
        rules, dashboard = monitoring_content(settings, plan)
        grafana_rules: tuple[GrafanaRule, ...] = tuple(grafana_rule(rule) for rule in rules)
        peak_args = (
            SeasonalNodeGroupArgs(
                cluster_name=settings.platform.cluster_name,
                node_role_arn=settings.platform.node_role_arn,
                subnet_ids=tuple(settings.platform.subnet_ids),
                instance_type=instance.name,
                ami_type=AMI_TYPES[instance.arch],
                nodes=plan.nodes.nodes,
                max_nodes=plan.max_nodes,
                labels={"freshfoodz.de/season": season},
                tags=node_group_tags(settings, plan),
                scale_back_at=aws_timestamp(scale_back) if scale_back else None,
            ),
            peak_controls_config_map(
                f"{prefix}-peak-controls",
                controls.namespace,
                season,
                route_limits(settings, plan),
                controls.non_critical_features,
            ),
            SeasonMonitoringArgs(
                group_name=rule_group_name(season),
                folder_title=f"FreshFoodz {settings.season.title}",
                rules=grafana_rules,
                prometheus_datasource_uid=settings.platform.prometheus_datasource_uid,
                dashboard=dashboard,
                webhook_url=webhook_url,
            ),
        )

    load_test = (
        tuple(in_cluster_manifests(settings, plan, settings.load_test.api_base_url or ""))
        if peak and settings.load_test.in_cluster
        else ()
    )

    # Then declare.
    AppScaling(f"{prefix}-scaling", AppScalingArgs(hpas))
    SeasonDatabase(
        f"{prefix}-database",
        SeasonDatabaseArgs(
            identifier=settings.platform.primary_db_identifier,
            instance_class=db_class,
            read_replicas=replicas,
            season=season,
        ),
    )
    # The priority lane outlives the season: pods that reference it must still be admitted after
    # rollback, so it is a server-side-apply patch (created if missing, never deleted).
    PeakControls(
        f"{prefix}-peak-controls",
        PeakControlsArgs(priority_class, peak_args[1] if peak_args else None, load_test),
    )
    if peak_args is not None:
        node_args, _, monitoring_args = peak_args
        SeasonalNodeGroup(f"{prefix}-nodes", node_args)
        SeasonMonitoring(f"{prefix}-monitoring", monitoring_args)
        pulumi.export("alertRuleGroup", monitoring_args.group_name)

    summary = plan_as_dict(plan)
    pulumi.export("phase", settings.phase)
    pulumi.export(
        "plan",
        {
            "pods": {service["name"]: service["pods"] for service in summary["services"]},
            "workers": {worker["name"]: worker["pods"] for worker in summary["workers"]},
            "nodes": summary["nodes"]["nodes"],
            "dbClass": summary["database"]["instance_class"],
            "readReplicas": summary["database"]["read_replicas"],
            "costPerSeason": summary["cost"]["peak_over_window"],
            "currency": summary["cost"]["currency"],
        },
    )
    # What this phase actually declares (at baseline: the platform's values, no seasonal extras).
    pulumi.export(
        "declared",
        {
            "hpa": {h["metadata"]["name"]: [h["spec"]["minReplicas"], h["spec"]["maxReplicas"]] for h in hpas},
            "dbClass": db_class,
            "readReplicas": replicas,
            "seasonalNodes": plan.nodes.nodes if peak else 0,
        },
    )
