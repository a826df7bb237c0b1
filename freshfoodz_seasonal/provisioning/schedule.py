"""The provisioning plan: the season's changes as ordered steps that each fit a change window.

Each step is one `pulumi up --target` run over a set of resources. Its duration is one Pulumi run
(start, refresh, preview) plus the critical path through its resources, which wait for one another
where the program orders them (a replica never starts while the primary changes class; the HPAs
wait for the seasonal nodes). The order keeps each disruption on its own:

1. `replicas`: created first, from a primary that is `available` (RDS refuses a replica of a
   primary that is modifying), with no disruption from a Multi-AZ primary; days ahead is better than
   minutes ahead, since a new replica loads its blocks lazily.
2. `db-class`: the primary's class, one failover (Multi-AZ) or an outage (Single-AZ).
3. `nodes-pods`: the seasonal node group, its scale-back, then the HPAs' new bounds and the pods.
4. `controls`: rate limits, the priority lane, the load test, alerts and dashboard.

Steps go into windows of `season.provisioningBudgetMinutes`, from the first provisioning day (T-14)
on: a step that does not fit what is left of a day's window goes to the next day. Not earlier than
T-14: the season owns the shared resources only from then (seasons.ownership). The rollback is
described the same way, as the four steps `seasonctl rollback` runs. Pure: plan and rows in, steps out.
"""

from __future__ import annotations

import datetime as dt
import graphlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from freshfoodz_seasonal.config.model import StackSettings
from freshfoodz_seasonal.durations import NO_TIME, ChangeKind, Duration, Minutes, with_overrides
from freshfoodz_seasonal.naming import Child, Part, child_name, component_name, replica_child, war_room_child
from freshfoodz_seasonal.plan.season_plan import SeasonPlan
from freshfoodz_seasonal.seasons.ownership import PROVISION_LEAD_DAYS, ROLLBACK_DAYS_AFTER


@dataclass(frozen=True)
class Change:
    """One resource's part in a step: what happens to it, in order, after what it waits for."""

    resource: str
    kinds: tuple[ChangeKind, ...]
    after: tuple[str, ...] = ()
    """Resources of the same step that must finish first."""


@dataclass(frozen=True)
class Disruption:
    resource: str
    kind: str
    seconds: tuple[float, float] | None
    """(low, high); None where no figure is published."""


@dataclass(frozen=True)
class Step:
    name: str
    title: str
    changes: tuple[Change, ...]
    minutes: Minutes
    disruptions: tuple[Disruption, ...]
    fits_budget: bool
    day: int
    """Days relative to the season's first day: -14 is T-14."""
    hour: int | None = None
    """Europe/Berlin hour to run it at: the stack's quiet hour (season.quietHour), for a step that disrupts."""

    @property
    def resources(self) -> tuple[str, ...]:
        return tuple(change.resource for change in self.changes)


@dataclass(frozen=True)
class ProvisioningPlan:
    budget_minutes: int
    steps: tuple[Step, ...]
    rollback: tuple[Step, ...]

    @property
    def total(self) -> Minutes:
        return sum((step.minutes for step in self.steps), NO_TIME)

    @property
    def days(self) -> tuple[int, ...]:
        return tuple(sorted({step.day for step in self.steps}))


def critical_path(changes: Sequence[Change], rows: Mapping[ChangeKind, Duration]) -> Minutes:
    """The longest chain of waits through `changes` (each its kinds in sequence), low/typical/high apart."""
    by_resource = {change.resource: change for change in changes}
    order = graphlib.TopologicalSorter(
        {change.resource: [r for r in change.after if r in by_resource] for change in changes}
    ).static_order()
    finish: dict[str, Minutes] = {}
    for resource in order:
        change = by_resource[resource]
        start = NO_TIME
        for before in change.after:
            if before in finish:
                start = start.longest(finish[before])
        finish[resource] = sum((rows[kind].minutes for kind in change.kinds), start)
    longest = NO_TIME
    for minutes in finish.values():
        longest = longest.longest(minutes)
    return longest


def _disruptions(changes: Sequence[Change], rows: Mapping[ChangeKind, Duration]) -> tuple[Disruption, ...]:
    found = []
    for change in changes:
        for kind in change.kinds:
            row = rows[kind]
            if row.disruption is not None:
                found.append(Disruption(change.resource, row.disruption, row.disruption_seconds))
    return tuple(found)


@dataclass(frozen=True)
class _Draft:
    name: str
    title: str
    changes: tuple[Change, ...]


def _names(plan: SeasonPlan) -> dict[Part, str]:
    return {part: component_name(plan.season, part) for part in Part}


def _provisioning_drafts(settings: StackSettings, plan: SeasonPlan) -> list[_Draft]:
    names = _names(plan)
    database, nodes = names[Part.DATABASE], names[Part.NODES]
    primary = child_name(database, Child.PRIMARY)
    multi_az = settings.database.multi_az
    replica_kind = ChangeKind.RDS_REPLICA_CREATE if multi_az else ChangeKind.RDS_REPLICA_CREATE_SINGLE_AZ_SOURCE
    replicas = tuple(
        Change(child_name(database, replica_child(index)), (replica_kind,))
        for index in range(1, plan.database.read_replicas + 1)
    )
    class_kind = ChangeKind.RDS_CLASS_MULTI_AZ if multi_az else ChangeKind.RDS_CLASS_SINGLE_AZ
    class_change = (Change(primary, (class_kind,)),) if plan.database.instance_class != plan.baseline_db_class else ()
    group = child_name(nodes, Child.NODE_GROUP)
    # New pods wait for the seasonal nodes; an HPA whose minimum stays needs no new pod.
    hpas = tuple(
        Change(
            child_name(names[Part.SCALING], item.deployment),
            (ChangeKind.KUBERNETES_OBJECT, ChangeKind.HPA_ACTS_ON_MINIMUM, ChangeKind.PODS_READY)
            if item.hpa.min_replicas > item.baseline_replicas
            else (ChangeKind.KUBERNETES_OBJECT,),
            after=(group,) if plan.nodes.nodes > 0 else (),
        )
        for item in plan.scaled
    )
    node_changes = (
        Change(group, (ChangeKind.NODE_GROUP_CREATE,)),
        Change(child_name(nodes, Child.SCALE_BACK), (ChangeKind.AWS_API_OBJECT,), after=(group,)),
    )
    return [
        _Draft("replicas", "create the read replicas (from an available primary)", replicas),
        _Draft("db-class", "change the primary's class", class_change),
        _Draft("nodes-pods", "seasonal nodes, then the HPAs' peak bounds and their pods", node_changes + hpas),
        _Draft("controls", "rate limits, priority lane, alerts and dashboard", _extras(settings, names)),
    ]


def _extras(settings: StackSettings, names: Mapping[Part, str]) -> tuple[Change, ...]:
    """The peak controls and the monitoring: one API call each; the rules and the dashboard wait for their
    folder, the rules for the war-room contact point they name (as the program orders them)."""
    controls, monitoring = names[Part.PEAK_CONTROLS], names[Part.MONITORING]
    kubernetes = [Child.LIMITS, Child.PRIORITY]
    if settings.load_test.in_cluster:
        kubernetes += [Child.LOAD_TEST_SCRIPT, Child.LOAD_TEST]
    folder = child_name(monitoring, Child.FOLDER)
    severities = [] if settings.war_room is None else settings.war_room.routed_severities
    points = [child_name(monitoring, war_room_child(severity)) for severity in severities]
    grafana = [
        Change(folder, (ChangeKind.GRAFANA_OBJECT,)),
        *(Change(point, (ChangeKind.GRAFANA_OBJECT,)) for point in points),
        Change(child_name(monitoring, Child.RULES), (ChangeKind.GRAFANA_OBJECT,), (folder, *points)),
        Change(child_name(monitoring, Child.DASHBOARD), (ChangeKind.GRAFANA_OBJECT,), (folder,)),
    ]
    return tuple(Change(child_name(controls, c), (ChangeKind.KUBERNETES_OBJECT,)) for c in kubernetes) + tuple(grafana)


def _rollback_drafts(settings: StackSettings, plan: SeasonPlan) -> list[_Draft]:
    names = _names(plan)
    database, nodes = names[Part.DATABASE], names[Part.NODES]
    multi_az = settings.database.multi_az
    class_kind = ChangeKind.RDS_CLASS_MULTI_AZ if multi_az else ChangeKind.RDS_CLASS_SINGLE_AZ
    changed_class = plan.database.instance_class != plan.baseline_db_class
    hpas = tuple(
        Change(child_name(names[Part.SCALING], item.deployment), (ChangeKind.KUBERNETES_OBJECT,))
        for item in plan.scaled
    )
    priority = Change(child_name(names[Part.PEAK_CONTROLS], Child.PRIORITY), (ChangeKind.KUBERNETES_OBJECT,))
    removed = (
        Change(child_name(nodes, Child.NODE_GROUP), (ChangeKind.NODE_GROUP_DELETE,)),
        Change(child_name(nodes, Child.SCALE_BACK), (ChangeKind.AWS_API_OBJECT,)),
        *(
            Change(child_name(database, replica_child(index)), (ChangeKind.RDS_REPLICA_DELETE,))
            for index in range(1, plan.database.read_replicas + 1)
        ),
        *(change for change in _extras(settings, names) if change.resource != priority.resource),
    )
    return [
        _Draft("hpas", "re-apply the platform's HPAs and the priority lane", (*hpas, priority)),
        _Draft(
            "db-class",
            "re-apply the primary's baseline class",
            (Change(child_name(database, Child.PRIMARY), (class_kind,) if changed_class else ()),),
        ),
        _Draft("remove", "remove the node group, read replicas, alerts, dashboard and peak controls", removed),
    ]


def _step(draft: _Draft, rows: Mapping[ChangeKind, Duration], budget: int, day: int, quiet_hour: int | None) -> Step:
    minutes = rows[ChangeKind.PULUMI_RUN].minutes + critical_path(draft.changes, rows)
    disruptions = _disruptions(draft.changes, rows)
    return Step(
        draft.name,
        draft.title,
        draft.changes,
        minutes,
        disruptions,
        minutes.typical <= budget,
        day,
        quiet_hour if disruptions else None,
    )


def step_date(first_day: dt.date, day: int, late_days: int = 0) -> dt.date:
    """The date of a step the plan dates `day` days from the season's first day, `late_days` later when
    the season's span starts late, but never on or after the first day: the peak must be in place then."""
    return min(first_day + dt.timedelta(days=day + late_days), first_day - dt.timedelta(days=1))


def stack_rows(settings: StackSettings, rows: Mapping[ChangeKind, Duration]) -> dict[ChangeKind, Duration]:
    """The shipped rows with the stack's own measurements (`provisioning.durations`) in their place."""
    measured = {kind: minutes.as_minutes() for kind, minutes in settings.provisioning.durations.items()}
    return with_overrides(rows, measured)


def provisioning_plan(
    settings: StackSettings, plan: SeasonPlan, rows: Mapping[ChangeKind, Duration]
) -> ProvisioningPlan:
    """The season's provisioning steps, dated from T-14 so that each day's window fits the budget
    where the steps allow, and its rollback steps (on the rollback day, T+1 after the last day). The
    stack's own measurements (`provisioning.durations`) replace the shipped rows."""
    rows = stack_rows(settings, rows)
    budget, quiet = settings.season.provisioning_budget_minutes, settings.season.quiet_hour
    steps: list[Step] = []
    day, used = -PROVISION_LEAD_DAYS, 0.0
    for draft in _provisioning_drafts(settings, plan):
        if not draft.changes:
            continue
        step = _step(draft, rows, budget, day, quiet)
        if steps and used + step.minutes.typical > budget:
            day, used = day + 1, 0.0
            step = _step(draft, rows, budget, day, quiet)
        steps.append(step)
        used += step.minutes.typical
    rollback_day = plan.window.days - 1 + ROLLBACK_DAYS_AFTER
    rollback = tuple(_step(draft, rows, budget, rollback_day, quiet) for draft in _rollback_drafts(settings, plan))
    return ProvisioningPlan(budget, tuple(steps), rollback)
