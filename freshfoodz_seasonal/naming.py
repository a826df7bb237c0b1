"""Every name the project gives to what it declares, and how Pulumi names those in URNs.

The program, the policy pack, the review and the tests import these; nothing else spells them. A
name here is a contract with what runs in production (alert routing by label, the policy pack's
checks, dashboards found by uid), so change one only together with a migration.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

# The Pulumi project (Pulumi.yaml) and its config namespace: `freshfoodz-seasonal:<key>`.
PROJECT = "freshfoodz-seasonal"
CONFIG_NAMESPACE = PROJECT
# Every iCalendar file the project writes: its product id, and the domain of its events' UIDs.
ICS_PRODUCT_ID = "-//FreshFoodz//freshfoodz-seasonal//EN"
ICS_UID_DOMAIN = PROJECT
# The organization's key prefix for labels, tags and annotations.
KEY_DOMAIN = "freshfoodz.de"

# Labels, tags and annotations the season puts on what it declares.
SEASON_KEY = f"{KEY_DOMAIN}/season"
SEASON_START_TAG = f"{KEY_DOMAIN}/season-start"
SEASON_END_TAG = f"{KEY_DOMAIN}/season-end"
COST_ESTIMATE_TAG = f"{KEY_DOMAIN}/season-cost-estimate"
BUDGET_TAG = f"{KEY_DOMAIN}/season-budget"
CURRENCY_TAG = f"{KEY_DOMAIN}/currency"
MAX_REPLICAS_CAP_ANNOTATION = f"{KEY_DOMAIN}/max-replicas-cap"
# Who last set a shared object (the platform's HPAs), and in which phase: visible to whoever looks at it.
OWNER_SEASON_ANNOTATION = f"{KEY_DOMAIN}/owner-season"
OWNER_STACK_ANNOTATION = f"{KEY_DOMAIN}/owner-stack"
OWNER_PHASE_ANNOTATION = f"{KEY_DOMAIN}/owner-phase"
MANAGED_BY_LABEL = "app.kubernetes.io/managed-by"
PART_OF_LABEL = "app.kubernetes.io/part-of"
# Another field manager (the platform's deployment tool) owns patched fields outside the season;
# forcing is how the season takes them over (pulumi-kubernetes' server-side apply).
PATCH_FORCE_ANNOTATION = "pulumi.com/patchForce"

# Kubernetes objects shared by every season.
PRIORITY_CLASS_NAME = "freshfoodz-priority-lane"

# Component type tokens: `<package>:<module>:<ClassName>`, the last segment equal to the class name.
APP_SCALING_TYPE = "freshfoodz:scaling:AppScaling"
SEASON_DATABASE_TYPE = "freshfoodz:database:SeasonDatabase"
SEASONAL_NODE_GROUP_TYPE = "freshfoodz:nodes:SeasonalNodeGroup"
SEASON_MONITORING_TYPE = "freshfoodz:monitoring:SeasonMonitoring"
PEAK_CONTROLS_TYPE = "freshfoodz:peak:PeakControls"

STACK_TYPE = "pulumi:pulumi:Stack"
# The providers' resource types the program declares, as the engine and the policy pack see them.
HPA_PATCH_TYPE = "kubernetes:autoscaling/v2:HorizontalPodAutoscalerPatch"
PRIORITY_CLASS_TYPE = "kubernetes:scheduling.k8s.io/v1:PriorityClass"
PRIORITY_CLASS_PATCH_TYPE = "kubernetes:scheduling.k8s.io/v1:PriorityClassPatch"
CONFIG_MAP_TYPE = "kubernetes:core/v1:ConfigMap"
EKS_NODE_GROUP_TYPE = "aws:eks/nodeGroup:NodeGroup"
RDS_INSTANCE_TYPE = "aws:rds/instance:Instance"
SCALING_SCHEDULE_TYPE = "aws:autoscaling/schedule:Schedule"
GRAFANA_RULE_GROUP_TYPE = "grafana:alerting/ruleGroup:RuleGroup"
# Pulumi's rule for stack names (letters, digits, `-`, `_`, `.`), starting with a letter or digit so
# that no name is `.` or `..`: a stack name becomes part of paths, commands and resource names.
STACK_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


def resource_prefix(season: str) -> str:
    """`freshfoodz-<season>`: every resource and component of the season is named `<prefix>-<part>`."""
    return f"freshfoodz-{season}"


class Part(StrEnum):
    """A season's components: each is named `<prefix>-<part>` (component_name)."""

    SCALING = "scaling"
    DATABASE = "database"
    PEAK_CONTROLS = "peak-controls"
    NODES = "nodes"
    MONITORING = "monitoring"


class Child(StrEnum):
    """A component's resources: each is named `<component>-<child>` (child_name). `seasonctl provision`
    targets them by these names, and the provisioning plan lists them."""

    PRIMARY = "primary"
    NODE_GROUP = "group"
    SCALE_BACK = "scale-back"
    FOLDER = "folder"
    WAR_ROOM = "war-room"
    RULES = "rules"
    DASHBOARD = "dashboard"
    PRIORITY = "priority"
    LIMITS = "limits"
    LOAD_TEST_SCRIPT = "load-test-script"
    LOAD_TEST = "load-test"


def component_name(season: str, part: Part) -> str:
    return f"{resource_prefix(season)}-{part}"


def child_name(component: str, child: str) -> str:
    """A component's resource: `child` is a Child, a read replica's `replica-<n>` or an HPA's name."""
    return f"{component}-{child}"


def replica_child(index: int) -> str:
    """The n-th read replica (from 1) of the database component."""
    return f"replica-{index}"


def rule_group_name(season: str) -> str:
    """The season's Grafana rule group, folder uid and Prometheus rule group: `freshfoodz-seasonal-<season>`."""
    return f"{PROJECT}-{season}"


def peak_controls_config_map_name(season: str) -> str:
    """The ConfigMap with the season's rate limits and degraded features."""
    return f"{resource_prefix(season)}-peak-controls"


# `organization` below is the stack's `platform.organization`: None where it names none, and then the titles
# name the season alone.


def folder_title(organization: str | None, season_title: str) -> str:
    """The Grafana folder that holds the season's rules and war-room dashboard."""
    return f"{organization} {season_title}" if organization else season_title


def organization_tag(organization: str | None) -> str:
    """The organization's name as a Grafana tag: lowercase, each run of other characters than letters and
    digits one `-` (`Example Foods GmbH` -> `example-foods-gmbh`); empty for a name of neither, or none."""
    return "-".join(re.findall(r"[^\W_]+", (organization or "").lower()))


def war_room_dashboard_title(organization: str | None, season_title: str) -> str:
    """The war-room dashboard's title in Grafana."""
    return f"{organization} war room: {season_title}" if organization else f"War room: {season_title}"


def seasonal_peaks_title(organization: str | None) -> str:
    """The name of the year's seasons, in the calendar export and on the year chart."""
    return f"{organization} seasonal peaks" if organization else "Seasonal peaks"


def war_room_contact_point_name(season: str, severity: str) -> str:
    """The Grafana contact point the season's alerts of one severity notify."""
    return f"{rule_group_name(season)}-{severity}"


def war_room_child(severity: str) -> str:
    """The monitoring component's contact point for one severity."""
    return f"{Child.WAR_ROOM}-{severity}"


def runbook_anchor(alert: str) -> str:
    """The runbook section of an alert, as markdown renderers anchor a heading: `SampleSuccessRateLow` ->
    `samplesuccessratelow` (lowercase; any run of other characters one '-')."""
    return re.sub(r"[^a-z0-9]+", "-", alert.lower()).strip("-")


@dataclass(frozen=True)
class Urn:
    """A URN's type chain (ancestors' types, then its own, as `$` joins them) and name."""

    types: tuple[str, ...]
    name: str

    @property
    def type(self) -> str:
        return self.types[-1]


def parse_urn(urn: str) -> Urn | None:
    """`urn:pulumi:<stack>::<project>::<type chain>::<name>` as its parts; None for anything else."""
    parts = urn.split("::")
    if len(parts) < 4:
        return None
    return Urn(tuple(parts[2].split("$")), "::".join(parts[3:]))
