"""The season's alert rules and war-room dashboard, and the files `seasonctl preview --out` writes of them."""

from __future__ import annotations

import json
from typing import Any

from freshfoodz_seasonal.config.model import StackSettings
from freshfoodz_seasonal.content.alerting.prometheus_rules import dump_rule_file
from freshfoodz_seasonal.content.alerting.rules import AlertRule, route_paths_of, season_alert_rules
from freshfoodz_seasonal.content.dashboards.war_room import war_room_dashboard
from freshfoodz_seasonal.declaration.monitoring_options import monitoring_options
from freshfoodz_seasonal.naming import rule_group_name
from freshfoodz_seasonal.plan.season_plan import SeasonPlan


def monitoring_content(settings: StackSettings, plan: SeasonPlan) -> tuple[list[AlertRule], dict[str, Any]]:
    """The season's alert rules and war-room dashboard, as the program declares them."""
    options = monitoring_options(settings)
    route_paths = route_paths_of(plan)
    war_room = settings.war_room
    rules = season_alert_rules(
        plan,
        route_paths,
        **options,
        sample_loss_critical=war_room is not None and war_room.sample_loss_critical,
        runbook_base_url=None if war_room is None else war_room.runbook_base_url,
    )
    dashboard = war_room_dashboard(
        plan,
        route_paths,
        settings.platform.prometheus_datasource_uid,
        **options,
        organization=settings.platform.organization,
    )
    return rules, dashboard


def monitoring_files(settings: StackSettings, plan: SeasonPlan) -> dict[str, str]:
    """`alerts.rules.yml` (Prometheus rule file) and `dashboard.json`, as the program declares them."""
    rules, dashboard = monitoring_content(settings, plan)
    return {
        "alerts.rules.yml": dump_rule_file(rules, rule_group_name(plan.season)),
        "dashboard.json": json.dumps(dashboard, indent=2, sort_keys=True) + "\n",
    }
