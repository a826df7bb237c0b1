"""Grafana dashboard content computed from a season plan (pure: no pulumi, no file or network I/O)."""

from freshfoodz_seasonal.content.dashboards.war_room import war_room_dashboard, war_room_uid

__all__ = ["war_room_dashboard", "war_room_uid"]
