"""A season as components: what each phase declares, and the stack outputs.

Phase peak declares everything the plan asks for. Phase baseline re-applies the platform's own
values to what the season patched or adopted (HPAs, the RDS class) and declares none of the
season's own additions, so Pulumi deletes them: that is the rollback.
"""

from __future__ import annotations

import datetime as dt

import pulumi

from alerting.grafana_rules import grafana_rule
from alerting.rules import route_paths_of, rule_group_name, season_alert_rules
from capacity.catalog import Catalog
from components.app_scaling import AppScaling, AppScalingArgs
from components.database import SeasonDatabase, SeasonDatabaseArgs
from components.monitoring import SeasonMonitoring, SeasonMonitoringArgs
from components.node_group import SeasonalNodeGroup, SeasonalNodeGroupArgs
from components.peak_controls import PeakControls, PeakControlsArgs
from dashboards.war_room import war_room_dashboard
from manifests.hpa import hpa_manifest
from manifests.peak_controls import peak_controls_config_map, priority_class_manifest
from planning.monitoring_options import monitoring_options
from planning.peak_controls import route_limits
from planning.phase_values import hpa_values
from planning.scale_back import aws_timestamp, scale_back_at
from planning.season_plan import SeasonPlan
from planning.summary import plan_as_dict
from stackconfig.model import NAMESPACE, StackSettings

AMI_TYPES = {"arm64": "AL2023_ARM_64_STANDARD", "amd64": "AL2023_x86_64_STANDARD"}


def declare_season(settings: StackSettings, plan: SeasonPlan, catalog: Catalog, now: dt.datetime) -> None:
    season = settings.season.name
    peak = settings.phase == "peak"
    prefix = f"freshfoodz-{season}"

    AppScaling(
        f"{prefix}-scaling",
        AppScalingArgs(tuple(hpa_manifest(values, season) for values in hpa_values(settings, plan))),
    )
    SeasonDatabase(
        f"{prefix}-database",
        SeasonDatabaseArgs(
            identifier=settings.platform.primary_db_identifier,
            instance_class=plan.database.instance_class if peak else settings.database.instance_class,
            read_replicas=plan.database.read_replicas if peak else 0,
            season=season,
        ),
    )
    if peak:
        instance = catalog.instance_types[plan.nodes.instance_type]
        scale_back = scale_back_at(plan.window.last_day, now)
        SeasonalNodeGroup(
            f"{prefix}-nodes",
            SeasonalNodeGroupArgs(
                cluster_name=settings.platform.cluster_name,
                node_role_arn=settings.platform.node_role_arn,
                subnet_ids=tuple(settings.platform.subnet_ids),
                instance_type=instance.name,
                ami_type=AMI_TYPES[instance.arch],
                nodes=plan.nodes.nodes,
                max_nodes=plan.max_nodes,
                labels={"freshfoodz.de/season": season},
                scale_back_at=aws_timestamp(scale_back) if scale_back else None,
            ),
        )
        controls = settings.peak_controls
        PeakControls(
            f"{prefix}-peak-controls",
            PeakControlsArgs(
                priority_class=priority_class_manifest(
                    f"{prefix}-priority", controls.priority_class_value, season, controls.priority_services
                ),
                config_map=peak_controls_config_map(
                    f"{prefix}-peak-controls",
                    controls.namespace,
                    season,
                    route_limits(settings, plan),
                    controls.non_critical_features,
                ),
            ),
        )
        options = monitoring_options(settings)
        rules = season_alert_rules(plan, route_paths_of(settings), **options)
        group_name = rule_group_name(season)
        SeasonMonitoring(
            f"{prefix}-monitoring",
            SeasonMonitoringArgs(
                group_name=group_name,
                folder_title=f"FreshFoodz {settings.season.title}",
                rules=tuple(grafana_rule(rule) for rule in rules),
                prometheus_datasource_uid=settings.platform.prometheus_datasource_uid,
                dashboard=war_room_dashboard(
                    plan, route_paths_of(settings), settings.platform.prometheus_datasource_uid, **options
                ),
                webhook_url=pulumi.Config(NAMESPACE).get_secret("warRoomWebhookUrl"),
            ),
        )
        pulumi.export("alertRuleGroup", group_name)
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
