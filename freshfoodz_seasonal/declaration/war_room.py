"""The war room's Grafana contact points: one per routed severity, holding the integrations of every receiver
that severity goes to, so that each rule names its contact point itself (notification settings) and the
organization's notification policy tree stays untouched."""

from __future__ import annotations

from freshfoodz_seasonal.config.model import StackSettings
from freshfoodz_seasonal.declaration.args import WarRoomContactPoint, WarRoomIntegration
from freshfoodz_seasonal.naming import war_room_child, war_room_contact_point_name


def war_room_contact_points(settings: StackSettings, season: str) -> tuple[WarRoomContactPoint, ...]:
    """Critical's and warning's contact points, and info's where it has a route of its own (else its rules
    go to warning's); none without a war room."""
    war_room = settings.war_room
    if war_room is None:
        return ()
    receivers = {receiver.name: receiver for receiver in war_room.receivers}
    points = []
    for severity in war_room.routed_severities:
        route = war_room.routing.of(severity)
        integrations = tuple(
            WarRoomIntegration(name, integration.kind.value, integration.secret, tuple(integration.addresses))
            for name in route.receivers
            for integration in receivers[name].integrations
        )
        points.append(
            WarRoomContactPoint(
                severity=severity,
                name=war_room_contact_point_name(season, severity),
                child=war_room_child(severity),
                integrations=integrations,
                group_wait=route.group_wait,
                group_interval=route.group_interval,
                repeat_interval=route.repeat_interval,
            )
        )
    return tuple(points)
