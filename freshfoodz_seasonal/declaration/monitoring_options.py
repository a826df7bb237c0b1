"""The stack's metric settings as the keyword arguments of the alert and dashboard builders."""

from __future__ import annotations

from typing import Any

from freshfoodz_seasonal.config.model import StackSettings
from freshfoodz_seasonal.metrics.names import MetricNames


def monitoring_options(settings: StackSettings) -> dict[str, Any]:
    """`metrics`, matchers, window, sample route and the business KPIs' thresholds for season_alert_rules and
    war_room_dashboard;
    unset names keep MetricNames' defaults, which stay the only place they are written."""
    config = settings.metrics
    return {
        "metrics": MetricNames(**config.metric_names()),
        "http_matchers": dict(config.http_matchers),
        "db_matchers": dict(config.db_matchers),
        "rate_window": config.rate_window,
        "sample_route": config.sample_route,
        "error_rate_threshold": settings.kpis.error_rate,
        "sample_success_threshold": settings.kpis.sample_success,
    }
