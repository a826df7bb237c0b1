"""Grafana dashboard content computed from a season plan (pure: no pulumi, no file or network I/O)."""

from dashboards.war_room import MetricNames, war_room_dashboard, war_room_uid

__all__ = ["MetricNames", "war_room_dashboard", "war_room_uid"]
