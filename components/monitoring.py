"""The season's Grafana folder, alert rule group, war-room contact point and dashboard."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumiverse_grafana as grafana

from freshfoodz_seasonal.content.alerting.grafana_rules import (
    CONDITION_REF,
    EXPRESSION_DATASOURCE,
    QUERY_LOOKBACK_S,
    QUERY_REF,
    GrafanaRule,
)
from freshfoodz_seasonal.naming import SEASON_MONITORING_TYPE

EVALUATION_INTERVAL_S = 60


@dataclass(frozen=True)
class SeasonMonitoringArgs:
    group_name: str
    """Unique per season: the folder uid and the rule group name (alerting.rules.rule_group_name)."""
    folder_title: str
    rules: tuple[GrafanaRule, ...]
    prometheus_datasource_uid: str
    dashboard: dict[str, Any]
    """The war-room dashboard model (dashboards.war_room)."""
    webhook_url: pulumi.Output[str] | None
    """The war room's webhook, a Pulumi secret; without it no contact point is declared."""


class SeasonMonitoring(pulumi.ComponentResource):
    def __init__(self, name: str, args: SeasonMonitoringArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(SEASON_MONITORING_TYPE, name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        folder = grafana.oss.Folder(f"{name}-folder", title=args.folder_title, uid=args.group_name, opts=child)
        contact_point_name = f"{args.group_name}-war-room"
        contact_points = []
        if args.webhook_url is not None:
            contact_point = grafana.alerting.ContactPoint(
                f"{name}-war-room",
                name=contact_point_name,
                webhooks=[grafana.alerting.ContactPointWebhookArgs(url=args.webhook_url)],
                opts=child,
            )
            contact_points.append(contact_point)
        else:
            pulumi.log.warn(f"{name}: no warRoomWebhookUrl set; the alerts notify Grafana's default policy", self)
        notify = (
            grafana.alerting.RuleGroupRuleNotificationSettingsArgs(contact_point=contact_point_name)
            if args.webhook_url is not None
            else None
        )
        grafana.alerting.RuleGroup(
            f"{name}-rules",
            name=args.group_name,
            folder_uid=folder.uid,
            interval_seconds=EVALUATION_INTERVAL_S,
            rules=[_rule_args(rule, args.prometheus_datasource_uid, notify) for rule in args.rules],
            # The rules name the contact point by its name only: create it first.
            opts=pulumi.ResourceOptions(parent=self, depends_on=contact_points),
        )
        dashboard = grafana.oss.Dashboard(
            f"{name}-dashboard",
            folder=folder.uid,
            config_json=json.dumps(args.dashboard, sort_keys=True),
            overwrite=True,
            opts=child,
        )
        self.register_outputs({"ruleGroup": args.group_name, "dashboardUrl": dashboard.url})


def _rule_args(
    rule: GrafanaRule,
    datasource_uid: str,
    notify: grafana.alerting.RuleGroupRuleNotificationSettingsArgs | None,
) -> grafana.alerting.RuleGroupRuleArgs:
    return grafana.alerting.RuleGroupRuleArgs(
        name=rule.name,
        for_=rule.for_duration,
        condition=CONDITION_REF,
        # No data means the condition's series are absent, i.e. all is well; an error is not.
        no_data_state="OK",
        exec_err_state="Error",
        labels=rule.labels,
        annotations=rule.annotations,
        notification_settings=notify,
        datas=[
            grafana.alerting.RuleGroupRuleDataArgs(
                ref_id=QUERY_REF,
                datasource_uid=datasource_uid,
                model=rule.query_model,
                relative_time_range=grafana.alerting.RuleGroupRuleDataRelativeTimeRangeArgs(
                    from_=QUERY_LOOKBACK_S, to=0
                ),
            ),
            grafana.alerting.RuleGroupRuleDataArgs(
                ref_id=CONDITION_REF,
                datasource_uid=EXPRESSION_DATASOURCE,
                model=rule.condition_model,
                relative_time_range=grafana.alerting.RuleGroupRuleDataRelativeTimeRangeArgs(from_=0, to=0),
            ),
        ],
    )
