"""The season's Grafana folder, alert rule group, war-room contact point and dashboard."""

from __future__ import annotations

import json

import pulumi
import pulumiverse_grafana as grafana

from freshfoodz_seasonal.content.alerting.grafana_rules import (
    CONDITION_REF,
    EXPRESSION_DATASOURCE,
    QUERY_LOOKBACK_S,
    QUERY_REF,
    GrafanaRule,
)
from freshfoodz_seasonal.declaration.args import SeasonMonitoringArgs
from freshfoodz_seasonal.naming import SEASON_MONITORING_TYPE, Child, child_name


class SeasonMonitoring(pulumi.ComponentResource):
    def __init__(
        self,
        name: str,
        args: SeasonMonitoringArgs,
        webhook_url: pulumi.Output[str] | None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """`webhook_url` is the war room's webhook, a Pulumi secret; required when the args name a contact point."""
        super().__init__(SEASON_MONITORING_TYPE, name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        for note in args.notes:
            pulumi.log.warn(f"{name}: {note}", self)
        folder = grafana.oss.Folder(
            child_name(name, Child.FOLDER), title=args.folder_title, uid=args.folder_uid, opts=child
        )
        contact_points = []
        notify = None
        if args.contact_point is not None:
            if webhook_url is None:
                raise ValueError(f"{name}: contact point {args.contact_point} declared without its webhook URL")
            contact_points.append(
                grafana.alerting.ContactPoint(
                    child_name(name, Child.WAR_ROOM),
                    name=args.contact_point,
                    webhooks=[grafana.alerting.ContactPointWebhookArgs(url=webhook_url)],
                    opts=child,
                )
            )
            notify = grafana.alerting.RuleGroupRuleNotificationSettingsArgs(contact_point=args.contact_point)
        grafana.alerting.RuleGroup(
            child_name(name, Child.RULES),
            name=args.group_name,
            folder_uid=folder.uid,
            interval_seconds=args.evaluation_interval_s,
            rules=[_rule_args(rule, args.prometheus_datasource_uid, notify) for rule in args.rules],
            # The rules name the contact point by its name only: create it first.
            opts=pulumi.ResourceOptions(parent=self, depends_on=contact_points),
        )
        dashboard = grafana.oss.Dashboard(
            child_name(name, Child.DASHBOARD),
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
        no_data_state=rule.no_data_state,
        exec_err_state=rule.exec_err_state,
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
