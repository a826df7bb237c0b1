"""The season's Grafana folder, alert rule group, war-room contact points (one per severity) and dashboard."""

from __future__ import annotations

import json
from collections.abc import Mapping

import pulumi
import pulumiverse_grafana as grafana

from freshfoodz_seasonal.content.alerting.grafana_rules import (
    CONDITION_REF,
    EXPRESSION_DATASOURCE,
    QUERY_LOOKBACK_S,
    QUERY_REF,
    GrafanaRule,
)
from freshfoodz_seasonal.declaration.args import SeasonMonitoringArgs, WarRoomContactPoint, WarRoomIntegration
from freshfoodz_seasonal.naming import SEASON_MONITORING_TYPE, Child, child_name


class SeasonMonitoring(pulumi.ComponentResource):
    def __init__(
        self,
        name: str,
        args: SeasonMonitoringArgs,
        secrets: Mapping[str, pulumi.Output[str]],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """`secrets`: each war-room integration's secret by its config key, a Pulumi secret."""
        super().__init__(SEASON_MONITORING_TYPE, name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        for note in args.notes:
            pulumi.log.warn(f"{name}: {note}", self)
        folder = grafana.oss.Folder(
            child_name(name, Child.FOLDER), title=args.folder_title, uid=args.folder_uid, opts=child
        )
        contact_points = [
            grafana.alerting.ContactPoint(child_name(name, point.child), _contact_point(point, secrets), opts=child)
            for point in args.contact_points
        ]
        grafana.alerting.RuleGroup(
            child_name(name, Child.RULES),
            name=args.group_name,
            folder_uid=folder.uid,
            interval_seconds=args.evaluation_interval_s,
            rules=[
                _rule_args(rule, args.prometheus_datasource_uid, args.contact_point_of(rule.labels["severity"]))
                for rule in args.rules
            ],
            # The rules name their contact points by name only: create those first.
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


def _contact_point(
    point: WarRoomContactPoint, secrets: Mapping[str, pulumi.Output[str]]
) -> grafana.alerting.ContactPointArgs:
    """The contact point with its integrations as the provider's arguments, by kind; each secret only as given."""

    def secret(integration: WarRoomIntegration) -> pulumi.Output[str]:
        if integration.secret_key is None or integration.secret_key not in secrets:
            raise ValueError(f"{point.name}: no value for the secret {integration.secret_key} of a {integration.kind}")
        return secrets[integration.secret_key]

    def of(kind: str) -> list[WarRoomIntegration]:
        return [integration for integration in point.integrations if integration.kind == kind]

    known = {"email", "webhook", "slack", "pagerduty", "teams"}
    unknown = sorted({integration.kind for integration in point.integrations} - known)
    if unknown:
        raise ValueError(f"{point.name}: unknown integration kind {', '.join(unknown)}")
    return grafana.alerting.ContactPointArgs(
        name=point.name,
        emails=[grafana.alerting.ContactPointEmailArgs(addresses=list(i.addresses)) for i in of("email")] or None,
        webhooks=[grafana.alerting.ContactPointWebhookArgs(url=secret(i)) for i in of("webhook")] or None,
        slacks=[grafana.alerting.ContactPointSlackArgs(url=secret(i)) for i in of("slack")] or None,
        # PagerDuty's own severity follows the rule's: a warning does not page as critical.
        pagerduties=[
            grafana.alerting.ContactPointPagerdutyArgs(integration_key=secret(i), severity=point.severity)
            for i in of("pagerduty")
        ]
        or None,
        teams=[grafana.alerting.ContactPointTeamArgs(url=secret(i)) for i in of("teams")] or None,
    )


def _rule_args(
    rule: GrafanaRule, datasource_uid: str, point: WarRoomContactPoint | None
) -> grafana.alerting.RuleGroupRuleArgs:
    notify = (
        None
        if point is None
        else grafana.alerting.RuleGroupRuleNotificationSettingsArgs(
            contact_point=point.name,
            group_wait=point.group_wait,
            group_interval=point.group_interval,
            repeat_interval=point.repeat_interval,
        )
    )
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
