"""What each phase sets: the planned season values at the peak, the platform's own at baseline.

Rollback is `phase: baseline`: it re-applies these baseline values explicitly, because deleting a
server-side-apply patch leaves the patched fields as they were (pulumi-kubernetes #2029).
"""

from __future__ import annotations

from freshfoodz_seasonal.config.model import Phase
from freshfoodz_seasonal.content.manifests.hpa import HpaValues
from freshfoodz_seasonal.plan.season_plan import SeasonPlan


def hpa_values(plan: SeasonPlan) -> list[HpaValues]:
    """One HpaValues per service, in the order of the stack file; both phases carry the service's cap."""
    values = []
    for service in plan.services:
        if plan.phase is Phase.PEAK:
            hpa = service.hpa
            bounds = (hpa.min_replicas, hpa.max_replicas, hpa.cpu_target_percent)
        else:
            bounds = (service.baseline_replicas, service.baseline_max_replicas, service.baseline_cpu_target_percent)
        values.append(HpaValues(service.deployment, service.namespace, *bounds, service.max_replicas_cap))
    return values


def database_values(plan: SeasonPlan) -> tuple[str, int]:
    """(RDS class, read replicas): the plan's at the peak, the platform's class and none at baseline."""
    if plan.phase is Phase.PEAK:
        return plan.database.instance_class, plan.database.read_replicas
    return plan.baseline_db_class, 0
