"""The stack's metric settings as the keyword arguments of the alert and dashboard builders."""

from __future__ import annotations

from typing import Any

from monitoring.metrics import MetricNames
from stackconfig.model import StackSettings

_NAME_FIELDS = (
    "http_histogram",
    "uri_label",
    "method_label",
    "status_label",
    "hpa_current_replicas",
    "hpa_max_replicas",
    "hpa_namespace_label",
    "hpa_name_label",
    "db_connections",
)


def monitoring_options(settings: StackSettings) -> dict[str, Any]:
    """`metrics`, matchers, window and sample route for season_alert_rules and war_room_dashboard;
    unset names keep MetricNames' defaults, which stay the only place they are written."""
    config = settings.metrics
    names = {field: getattr(config, field) for field in _NAME_FIELDS if getattr(config, field) is not None}
    return {
        "metrics": MetricNames(**names),
        "http_matchers": dict(config.http_matchers),
        "db_matchers": dict(config.db_matchers),
        "rate_window": config.rate_window,
        "sample_route": config.sample_route,
    }
