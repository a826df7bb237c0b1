"""The war room's runbook as data: the season's dates and staffed hours, the dashboard, where each severity
goes, the escalation ladder, the levers the program declares and who decides each, and per alert what to do
first. The CLI renders it as markdown or JSON; each alert's section anchor is the one its rule's
`runbook_url` annotation points at (naming.runbook_anchor).
"""

from __future__ import annotations

import datetime as dt
import shlex
from collections.abc import Sequence
from dataclasses import dataclass

from freshfoodz_seasonal.config.model import StackSettings
from freshfoodz_seasonal.config.war_room import WarRoom
from freshfoodz_seasonal.content.alerting.rules import AlertRule
from freshfoodz_seasonal.content.dashboards.war_room import war_room_uid
from freshfoodz_seasonal.declaration.monitoring import monitoring_content
from freshfoodz_seasonal.declaration.peak_controls import route_limits
from freshfoodz_seasonal.declaration.war_room import war_room_contact_points
from freshfoodz_seasonal.naming import (
    folder_title,
    peak_controls_config_map_name,
    runbook_anchor,
    war_room_contact_point_name,
    war_room_dashboard_title,
)
from freshfoodz_seasonal.plan.season_plan import SeasonPlan
from freshfoodz_seasonal.warroom.staffing import staffed_days


@dataclass(frozen=True)
class SeverityRouting:
    severity: str
    contact_point: str
    receivers: tuple[str, ...]
    integrations: tuple[str, ...]
    """`receiver: kind` for each integration."""
    group_wait: str
    group_interval: str
    repeat_interval: str


@dataclass(frozen=True)
class Rung:
    level: int
    role: str
    reach: str
    after_minutes: int


@dataclass(frozen=True)
class Lever:
    name: str
    what: tuple[str, ...]
    """What it does, commands in backticks."""
    decides: str
    listed: tuple[str, ...] = ()
    """What its last line of `what` introduces: each route's limit, each workload's pods."""


@dataclass(frozen=True)
class AlertEntry:
    name: str
    anchor: str
    severity: str
    summary: str
    for_duration: str
    contact_point: str
    first_steps: tuple[str, ...]
    decides: str


@dataclass(frozen=True)
class Runbook:
    stack: str
    title: str
    year: int
    window: tuple[dt.date, dt.date]
    staffed: tuple[dt.date, dt.date]
    hours: str
    round_the_clock: bool
    load_multiplier: float
    dashboard_title: str
    dashboard_uid: str
    folder: str
    routing: tuple[SeverityRouting, ...]
    ladder: tuple[Rung, ...]
    levers: tuple[Lever, ...]
    alerts: tuple[AlertEntry, ...]


def _routing(settings: StackSettings, season: str) -> tuple[SeverityRouting, ...]:
    return tuple(
        SeverityRouting(
            point.severity,
            point.name,
            tuple(dict.fromkeys(integration.receiver for integration in point.integrations)),
            tuple(f"{integration.receiver}: {integration.kind}" for integration in point.integrations),
            point.group_wait,
            point.group_interval,
            point.repeat_interval,
        )
        for point in war_room_contact_points(settings, season)
    )


def _levers(stack: str, settings: StackSettings, plan: SeasonPlan, war_room: WarRoom) -> tuple[Lever, ...]:
    controls, quoted = settings.peak_controls, shlex.quote(stack)
    config_map = f"`{controls.namespace}/{peak_controls_config_map_name(plan.season)}`"
    features = ", ".join(controls.non_critical_features) or "none declared (peakControls.nonCriticalFeatures)"
    limits = [f"{limit.route} ({limit.method} {limit.path}): {limit.limit_rps} rps" for limit in route_limits(plan)]
    capacity = [f"{item.name}: {item.pods} pods planned, HPA max {item.hpa.max_replicas}" for item in plan.scaled] + [
        f"seasonal nodes: {plan.nodes.nodes}, at most {plan.max_nodes}"
    ]
    return (
        Lever(
            "degradation",
            (f"switch off the non-critical features: {features}", f"the app reads them from ConfigMap {config_map}"),
            war_room.decider("degradation"),
        ),
        Lever(
            "rate-limits",
            (f"each route's rate limit (ConfigMap {config_map}, `rate-limits.json`):",),
            war_room.decider("rate_limits"),
            tuple(limits),
        ),
        Lever(
            "capacity",
            (
                "beyond the plan: raise an HPA's maxReplicas or nodes.maxNodes in the stack file, check it with "
                f"`seasonctl plan {quoted}`, then apply it with `pulumi up --stack {quoted} --policy-pack policy`; "
                "planned now:",
            ),
            war_room.decider("capacity"),
            tuple(capacity),
        ),
    )


# Per kind of alert (matched by the end of its name, the first match wins): what to do first, and the lever
# whose decider owns the next step. `{sample_route}` is the stack's sample route, `{stack}` the stack,
# `{queues}` where its workers' queues are (nothing for a stack without workers); commands in backticks.
FIRST_STEPS: tuple[tuple[tuple[str, ...], tuple[str, ...], str], ...] = (
    (
        ("SampleSuccessRateLow", "SampleRequestLost"),
        (
            "escalate at once, past the first level of the ladder: {sample_route}'s success rate is the business KPI",
            "find the failing answers on the dashboard's error panel{queues}",
            "switch off the non-critical features to free capacity for {sample_route} (lever degradation)",
        ),
        "degradation",
    ),
    (
        ("P95AboveSlo",),
        (
            "look at the route's service on the dashboard: pods against its HPA's bounds, CPU, errors",
            "if the HPA runs at its max, the load passed the plan: see lever capacity",
            "if one feature loads the route, switch it off (lever degradation)",
        ),
        "capacity",
    ),
    (
        ("HttpErrorRateHigh",),
        (
            "find the route and service answering 5xx on the dashboard; a deploy of the day is the first suspect",
            "if the errors come with load (timeouts, pool exhaustion), tighten the rate limits (lever rate-limits)",
        ),
        "rate_limits",
    ),
    (
        ("OldestJobAboveHalfSla", "OldestJobAboveSla"),
        (
            "look at the worker's queue and its HPA on the dashboard: failing jobs hold the queue as much as load",
            "if its HPA runs at its max, see lever capacity",
        ),
        "capacity",
    ),
    (
        ("OldestJobAgeMissing",),
        ("the worker's SLA is not watched: check its exporter and the stack's backlogAgeMetric",),
        "capacity",
    ),
    (
        ("WorkerHpaAtMaxReplicas",),
        (
            "the worker cannot scale further: check its queue alerts first",
            "raise its maxReplicas beyond the plan only with lever capacity",
        ),
        "capacity",
    ),
    (
        ("HpaAtMaxReplicas",),
        (
            "the service cannot scale further: check its latency alerts first",
            "raise its maxReplicas beyond the plan only with lever capacity; else degrade (lever degradation)",
        ),
        "capacity",
    ),
    (
        ("DbConnectionsNearLimit",),
        (
            "the database's connections near the class's limit: do not restart pods all at once (pools reconnect)",
            "lower the pools (services[].dbPoolPerPod) or the HPAs' maxima; a larger class is a planned change",
        ),
        "capacity",
    ),
    (
        ("TrafficAbovePlannedPeak",),
        (
            "traffic passed the planned peak: the model's proposal for the day before comes with "
            '`seasonctl track {stack} --prometheus-url "$PROMETHEUS_URL"`',
            "watch the latency alerts; tighten the rate limits if the platform falls behind (lever rate-limits)",
        ),
        "rate_limits",
    ),
)


def first_steps(
    rule: AlertRule, sample_route: str, stack: str, workers: Sequence[str] = ()
) -> tuple[tuple[str, ...], str]:
    """What to do first for an alert of this kind, and which lever's decider owns the next step; `workers`, the
    stack's workers by name (whose queues a failing request may wait in)."""
    values = {
        "{sample_route}": sample_route,
        "{stack}": shlex.quote(stack),
        "{queues}": f", and the queues of the workers ({', '.join(workers)})" if workers else "",
    }
    for endings, steps, lever in FIRST_STEPS:
        if rule.name.endswith(endings):
            return tuple(_filled(step, values) for step in steps), lever
    return ("look at the dashboard's panel for this alert",), "capacity"


def _filled(step: str, values: dict[str, str]) -> str:
    for placeholder, value in values.items():
        step = step.replace(placeholder, value)
    return step


def runbook(stack: str, settings: StackSettings, plan: SeasonPlan) -> Runbook:
    """The season's runbook; `settings` must declare a war room (staffing.StaffingError if its days leave the
    season's window)."""
    war_room = settings.war_room
    if war_room is None:
        raise ValueError("the stack declares no war room")
    rules, _ = monitoring_content(settings, plan)
    alerts = []
    for rule in rules:
        steps, lever = first_steps(rule, settings.metrics.sample_route, stack, [w.name for w in plan.workers])
        alerts.append(
            AlertEntry(
                rule.name,
                runbook_anchor(rule.name),
                rule.severity,
                rule.summary,
                rule.for_duration,
                war_room_contact_point_name(plan.season, war_room.routed_as(rule.severity)),
                steps,
                war_room.decider(lever),
            )
        )
    hours = war_room.hours
    return Runbook(
        stack=stack,
        title=plan.title,
        year=plan.window.first_day.year,
        window=(plan.window.first_day, plan.window.last_day),
        staffed=staffed_days(war_room, plan.window),
        hours=f"{hours.start} to {hours.end}",
        round_the_clock=hours.round_the_clock,
        load_multiplier=plan.load_multiplier,
        dashboard_title=war_room_dashboard_title(settings.platform.organization, plan.title),
        dashboard_uid=war_room_uid(plan.season),
        folder=folder_title(settings.platform.organization, plan.title),
        routing=_routing(settings, plan.season),
        ladder=tuple(
            Rung(index + 1, level.role, level.reach, level.after_minutes)
            for index, level in enumerate(war_room.escalation)
        ),
        levers=_levers(stack, settings, plan, war_room),
        alerts=tuple(alerts),
    )
