"""How far above the planned multiplier the season holds, tier by tier, and which tier breaks first.

Each tier is held at the limit the season declares: a service and a worker at their HPA's maxReplicas
(the most pods production will run), the database at the planned class with at most maxReadReplicas
replicas, the seasonal nodes at nodes.maxNodes. A tier holds a multiplier when the pods that load needs
(by the same sizing as the plan: SLOs, utilization targets, CPU targets, SLAs) stay within that limit.
Multipliers are searched on a grid of MULTIPLIER_STEP and reported rounded down: the tier holds at the
value shown.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache, partial
from typing import TypeVar

from capacity.catalog import Catalog, RdsClass
from capacity.database import READS_DOMINATE_SHARE, DatabaseDemand, size_database, usable_max_connections
from capacity.errors import InfeasibleError
from capacity.pool_sizing import Method
from freshfoodz_seasonal.config.model import StackSettings
from freshfoodz_seasonal.plan.season_plan import (
    SeasonPlan,
    ServicePlan,
    WorkerPlan,
    at_multiplier,
    database_demand,
    plan_nodes,
    plan_service,
    plan_worker,
)

MULTIPLIER_STEP = 0.1
Planned = TypeVar("Planned", ServicePlan, WorkerPlan)
# Beyond this the search stops: "holds beyond 100x" is answer enough for a season's plan.
SEARCH_LIMIT = 100.0
GALLOP = 1.25
_BEYOND = f"holds beyond {SEARCH_LIMIT:g}x"


class Reach(StrEnum):
    """How far a tier holds."""

    UP_TO = "up_to"
    """Up to its max_multiplier: just above it, the tier breaks."""
    BEYOND_SEARCH_LIMIT = "beyond_search_limit"
    """At SEARCH_LIMIT still: where it breaks above is not searched."""
    ANY_LOAD = "any_load"
    """At any load: what the tier carries stops growing before it breaks (nodes hold every HPA's maximum)."""


@dataclass(frozen=True)
class TierHeadroom:
    kind: str
    """`service`, `worker`, `database`, `nodes`."""
    name: str | None
    """The service's or worker's name; None for the database and the nodes."""
    max_multiplier: float | None
    """The largest multiplier the tier carries at its limit; None unless `reach` is UP_TO."""
    limit: str
    """What stops it just above (e.g. `latency (p95 SLO) at HPA max 10 pods`), or why nothing does."""
    reach: Reach = Reach.UP_TO

    @property
    def tier(self) -> str:
        """`service api`, `worker sample-dispatch`, `database`, `nodes`."""
        return self.kind if self.name is None else f"{self.kind} {self.name}"


@dataclass(frozen=True)
class Headroom:
    planned_multiplier: float
    tiers: tuple[TierHeadroom, ...]

    @property
    def first_to_break(self) -> TierHeadroom | None:
        """The tier that carries the least (the first of equals, in the plan's order); None if none breaks."""
        breaking = [tier for tier in self.tiers if tier.max_multiplier is not None]
        return min(breaking, key=lambda tier: tier.max_multiplier or 0.0) if breaking else None


class _Needs:
    """What each multiplier asks of the stack, each workload sized once per multiplier."""

    def __init__(self, settings: StackSettings, method: Method) -> None:
        self.settings = settings
        self.method = method
        self.service = cache(self._service)
        self.worker = cache(self._worker)

    def _service(self, name: str, multiplier: float) -> ServicePlan | None:
        """The service as the plan would size it at `multiplier`; None where no pod count can."""
        settings = at_multiplier(self.settings, multiplier)
        try:
            return plan_service(settings, next(s for s in settings.services if s.name == name), self.method)
        except InfeasibleError:
            return None

    def _worker(self, name: str, multiplier: float) -> WorkerPlan | None:
        settings = at_multiplier(self.settings, multiplier)
        try:
            return plan_worker(settings, next(w for w in settings.workers if w.name == name))
        except InfeasibleError:
            return None

    def running_at(self, plan: SeasonPlan, multiplier: float) -> tuple[list[ServicePlan], list[WorkerPlan]]:
        """The pods that run at `multiplier`: what the load needs, up to each HPA's maxReplicas (beyond it the
        HPA adds none, and the workload's own tier has broken)."""

        def running(planned: Planned, needed: Planned | None) -> Planned:
            most = planned.hpa.max_replicas
            return replace(planned, pods=most if needed is None else min(needed.pods, most))

        return (
            [running(s, self.service(s.name, multiplier)) for s in plan.services],
            [running(w, self.worker(w.name, multiplier)) for w in plan.workers],
        )


def _largest_holding(holds: Callable[[float], bool], planned: float) -> float | None:
    """The largest multiplier on the MULTIPLIER_STEP grid, up to SEARCH_LIMIT, for which `holds` (true at the
    plan's own multiplier, and assumed to stay false once false); None where it holds at SEARCH_LIMIT. Gallops
    up by a quarter at a time, then bisects: about ten evaluations."""
    last = round(SEARCH_LIMIT / MULTIPLIER_STEP)
    holding = max(1, math.floor(planned / MULTIPLIER_STEP + 1e-9))
    while True:
        probe = min(max(holding + 1, math.ceil(holding * GALLOP)), last)
        if not holds(_grid_point(probe)):
            failing = probe
            break
        if probe == last:
            return None
        holding = probe
    while failing - holding > 1:
        middle = (holding + failing) // 2
        if holds(_grid_point(middle)):
            holding = middle
        else:
            failing = middle
    return _grid_point(holding)


def _grid_point(steps: int) -> float:
    """`steps` x MULTIPLIER_STEP as the decimal it stands for (56 x 0.1 is 5.6000000000000005 in binary,
    which would put a tier that holds exactly 5.6x below it)."""
    return round(steps * MULTIPLIER_STEP, 1)


# A workload as sized at a multiplier: None where no pod count meets its SLO or SLA.
SizedAt = Callable[[float], ServicePlan | WorkerPlan | None]


def _binding(pods_of: SizedAt, multiplier: float) -> str:
    """What asks for more pods than the HPA allows just above the tier's largest multiplier."""
    above = pods_of(round(multiplier + MULTIPLIER_STEP, 1))
    if above is None:
        return "no pod count meets its SLO"
    return {
        "latency": "latency (p95 SLO)",
        "utilization": "utilization target",
        "cpu": "CPU target",
        "sla": "queue SLA",
    }.get(above.binding_constraint, above.binding_constraint)


def _workload_tier(
    kind: str,
    planned: ServicePlan | WorkerPlan,
    pods_of: SizedAt,
    base: float,
) -> TierHeadroom:
    most = planned.hpa.max_replicas

    def holds(multiplier: float) -> bool:
        needed = pods_of(multiplier)
        return needed is not None and needed.pods <= most

    largest = _largest_holding(holds, base)
    if largest is None:
        return TierHeadroom(kind, planned.name, None, _BEYOND, Reach.BEYOND_SEARCH_LIMIT)
    return TierHeadroom(kind, planned.name, largest, f"{_binding(pods_of, largest)} at HPA max {most} pods")


def headroom(settings: StackSettings, catalog: Catalog, plan: SeasonPlan) -> Headroom:
    """Each tier's largest multiplier at its limit, and the plan's as the least of them."""
    needs = _Needs(settings, plan.method)
    base = plan.load_multiplier
    tiers = [
        *(_workload_tier("service", s, partial(needs.service, s.name), base) for s in plan.services),
        *(_workload_tier("worker", w, partial(needs.worker, w.name), base) for w in plan.workers),
        _database_tier(settings, catalog, plan, needs),
        _nodes_tier(settings, catalog, plan, needs),
    ]
    return Headroom(base, tuple(tiers))


def _database_tier(settings: StackSettings, catalog: Catalog, plan: SeasonPlan, needs: _Needs) -> TierHeadroom:
    planned = catalog.rds_classes[plan.database.instance_class]
    target = settings.season.target_utilization.database
    most_replicas = settings.database.max_read_replicas

    def demand_at(multiplier: float) -> DatabaseDemand:
        return database_demand(at_multiplier(settings, multiplier), catalog, *needs.running_at(plan, multiplier))

    def holds(multiplier: float) -> bool:
        try:
            size_database(demand_at(multiplier), [planned], target, most_replicas)
        except InfeasibleError:
            return False
        return True

    largest = _largest_holding(holds, plan.load_multiplier)
    if largest is None:
        return TierHeadroom("database", None, None, _BEYOND, Reach.BEYOND_SEARCH_LIMIT)
    above = demand_at(round(largest + MULTIPLIER_STEP, 1))
    return TierHeadroom("database", None, largest, _database_limit(above, planned, target, most_replicas))


def _database_limit(demand: DatabaseDemand, planned: RdsClass, target: float, most_replicas: int) -> str:
    """Which part of the planned class a demand it cannot carry breaks, as size_database judges it."""
    if demand.connections > usable_max_connections(planned) * target:
        return f"connections of {planned.name}"
    if demand.read_share < READS_DOMINATE_SHARE:
        return f"CPU of the primary {planned.name} (reads {demand.read_share:.0%}: no replicas take them)"
    if demand.busy_vcpu * (1.0 - demand.read_share) > planned.vcpu * target:
        return f"CPU of the primary {planned.name} with the writes alone"
    return f"CPU of the reads on at most {most_replicas} read replicas of {planned.name}"


def _nodes_tier(settings: StackSettings, catalog: Catalog, plan: SeasonPlan, needs: _Needs) -> TierHeadroom:
    def fits(services: Sequence[ServicePlan], workers: Sequence[WorkerPlan]) -> bool:
        try:
            plan_nodes(settings, catalog, tuple(services), tuple(workers))
        except InfeasibleError:
            return False
        return True

    # Beyond their HPAs' maxima the pods do not grow: if those fit, no load breaks the nodes.
    if fits(
        [replace(s, pods=s.hpa.max_replicas) for s in plan.services],
        [replace(w, pods=w.hpa.max_replicas) for w in plan.workers],
    ):
        limit = f"every HPA's maxReplicas pods fit in nodes.maxNodes {plan.max_nodes}"
        return TierHeadroom("nodes", None, None, limit, Reach.ANY_LOAD)
    largest = _largest_holding(lambda multiplier: fits(*needs.running_at(plan, multiplier)), plan.load_multiplier)
    if largest is None:
        return TierHeadroom("nodes", None, None, _BEYOND, Reach.BEYOND_SEARCH_LIMIT)
    return TierHeadroom("nodes", None, largest, f"nodes.maxNodes {plan.max_nodes}")
