"""What each component of a season stack is given: plain, frozen data that the components instantiate.

The components (`components/`) turn these into Pulumi resources and decide nothing: every value
that depends on the stack (names, bounds, classes, tags, annotations, the primary's protection,
notes) is here, where a pure test can see it. What a component adds is the fixed form of its
resources: child names (`<name>-primary`, `<name>-group`, ...), options it always sets, and, for the
primary, the provider inputs it leaves to the platform (read from the installed, locked SDK).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from freshfoodz_seasonal.content.alerting.grafana_rules import GrafanaRule


@dataclass(frozen=True)
class AppScalingArgs:
    hpa_patches: tuple[dict[str, Any], ...]
    """Complete autoscaling/v2 HPA objects (content.manifests.hpa), one per service, annotated for a
    forced server-side apply."""


@dataclass(frozen=True)
class SeasonDatabaseArgs:
    identifier: str
    """The platform's primary, adopted (imported) by this identifier."""
    instance_class: str
    """The class of the primary and of every read replica."""
    tags: dict[str, str]
    """The primary's tags: its own, and the owner tags at the peak (declaration.owner_marks)."""
    protect: bool
    """Pulumi refuses to delete the adopted primary."""
    retain_on_delete: bool
    """Removing the primary from the stack leaves the database in place."""
    deletion_protection: bool
    """AWS refuses to delete the primary."""
    apply_immediately: bool
    """A class change happens now, not in the next maintenance window."""
    replica_identifiers: tuple[str, ...]
    """One read replica per identifier; none at baseline."""
    replica_tags: dict[str, str]


@dataclass(frozen=True)
class SeasonalNodeGroupArgs:
    cluster_name: str
    node_role_arn: str
    subnet_ids: tuple[str, ...]
    instance_type: str
    ami_type: str
    nodes: int
    """min = desired = the planned nodes: the plan's capacity is there before the first request."""
    max_nodes: int
    labels: dict[str, str]
    tags: dict[str, str]
    """The season's window, cost estimate and budget, for the policy pack (declaration.season_tags)."""
    scale_back_at: str | None
    """UTC `YYYY-MM-DDThh:mm:ssZ` at which the group drops to zero; None when that has passed."""
    notes: tuple[str, ...] = ()
    """Warnings the component logs against itself."""


@dataclass(frozen=True)
class PeakControlsArgs:
    priority_class: dict[str, Any]
    """A scheduling.k8s.io/v1 PriorityClass (content.manifests.peak_controls), applied in every phase,
    annotated for a forced server-side apply."""
    config_map: dict[str, Any] | None
    """A v1 ConfigMap with the rate limits and degraded features; at the peak only."""
    load_test: tuple[dict[str, Any], ...] = ()
    """The k6 script's ConfigMap and the k6-operator TestRun (content.loadtest.k6_operator), if the stack asks."""


@dataclass(frozen=True)
class SeasonMonitoringArgs:
    group_name: str
    """Unique per season: the rule group name (naming.rule_group_name)."""
    folder_uid: str
    folder_title: str
    rules: tuple[GrafanaRule, ...]
    evaluation_interval_s: int
    prometheus_datasource_uid: str
    dashboard: dict[str, Any]
    """The war-room dashboard model (content.dashboards.war_room)."""
    contact_points: tuple[WarRoomContactPoint, ...]
    """The war room's contact points, one per routed severity; none without a war room, and then the
    alerts go to Grafana's default policy. Their secrets are given to the component apart."""
    notes: tuple[str, ...] = ()
    """Warnings the component logs against itself."""

    routed_as: tuple[tuple[str, str], ...] = ()
    """(severity, the severity whose contact point its rules take): config.war_room.WarRoom.routed_as."""

    def contact_point_of(self, severity: str) -> WarRoomContactPoint | None:
        """Where a rule of `severity` goes; None without a war room."""
        target = dict(self.routed_as).get(severity)
        return next((point for point in self.contact_points if point.severity == target), None)


@dataclass(frozen=True)
class WarRoomIntegration:
    receiver: str
    """The stack's receiver it belongs to (a contact point joins the receivers its severity is routed to)."""
    kind: str
    """An IntegrationKind value: webhook, slack, pagerduty, teams, email."""
    secret_key: str | None
    """The config key of its URL, key or token (a Pulumi secret); None for e-mail."""
    addresses: tuple[str, ...] = ()


@dataclass(frozen=True)
class WarRoomContactPoint:
    """The Grafana contact point of one severity: the integrations of every receiver routed there, and the
    timings each rule of that severity carries in its notification settings."""

    severity: str
    name: str
    child: str
    """Its resource's name under the monitoring component (naming.war_room_child)."""
    integrations: tuple[WarRoomIntegration, ...]
    group_wait: str
    group_interval: str
    repeat_interval: str
