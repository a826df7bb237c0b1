"""What each phase sets: the planned season values at the peak, the platform's own at baseline.

Rollback is `phase: baseline`: it re-applies these baseline values explicitly, because deleting a
server-side-apply patch leaves the patched fields as they were (pulumi-kubernetes #2029).
"""

from __future__ import annotations

from freshfoodz_seasonal.config.model import Phase
from freshfoodz_seasonal.content.manifests.hpa import HpaValues, PodsMetric
from freshfoodz_seasonal.plan.season_plan import SeasonPlan


def hpa_values(plan: SeasonPlan) -> list[HpaValues]:
    """One HpaValues per service, then per worker, in the order of the stack file; both phases carry the cap.

    At the peak a service may scale on in-flight requests (autoscaling.metric concurrency); at baseline
    every HPA gets the platform's CPU target back.
    """
    values = []
    for item in plan.scaled:
        if plan.phase is Phase.PEAK:
            hpa = item.hpa
            bounds = (hpa.min_replicas, hpa.max_replicas, hpa.cpu_target_percent)
            concurrency, metric = item.concurrency_target, plan.concurrency_metric
            in_flight = None if concurrency is None or metric is None else PodsMetric(metric, concurrency)
        else:
            bounds = (item.baseline_replicas, item.baseline_max_replicas, item.baseline_cpu_target_percent)
            in_flight = None
        values.append(HpaValues(item.deployment, item.namespace, *bounds, item.max_replicas_cap, in_flight))
    return values


def database_values(plan: SeasonPlan) -> tuple[str, int]:
    """(RDS class, read replicas): the plan's at the peak, the platform's class and none at baseline."""
    if plan.phase is Phase.PEAK:
        return plan.database.instance_class, plan.database.read_replicas
    return plan.baseline_db_class, 0
