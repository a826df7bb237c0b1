"""Per-route rate limits from the plan's capacity."""

from __future__ import annotations

import math

from freshfoodz_seasonal.content.manifests.peak_controls import RouteLimit
from freshfoodz_seasonal.plan.season_plan import SeasonPlan


def route_limits(plan: SeasonPlan) -> list[RouteLimit]:
    """What each route may send before it is throttled, in requests per second.

    A service carries, at its HPA's maxReplicas and the app-server target utilization,
    max pods x slots per pod x target / mean service time requests per second (Little's Law). Each
    route gets that capacity in proportion to its share of the planned traffic, so a surge on one
    route is throttled before it takes the capacity of the others. Rounded down: a limit promises
    no more than the pods can carry.
    """
    target = plan.app_server_utilization_target
    limits = []
    for service in plan.services:
        routes = service.sizing.routes
        peak_rps = sum(route.rps for route in routes)
        capacity_rps = service.hpa.max_replicas * service.slots_per_pod * target * peak_rps / service.sizing.busy_slots
        for route in routes:
            declared = plan.route(route.name)
            limits.append(
                RouteLimit(route.name, declared.method, declared.path, math.floor(capacity_rps * route.rps / peak_rps))
            )
    return limits
