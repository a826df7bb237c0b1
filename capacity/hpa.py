"""HorizontalPodAutoscaler bounds from a planned pod count."""

from __future__ import annotations

import math
from dataclasses import dataclass

from capacity.errors import InfeasibleError


@dataclass(frozen=True)
class HpaBounds:
    min_replicas: int
    max_replicas: int
    cpu_target_percent: int
    capped: bool


def hpa_bounds(
    planned_pods: int, headroom: float, cap: int, cpu_target_percent: int, platform_max: int = 0
) -> HpaBounds:
    """minReplicas = the plan; maxReplicas = ceil(plan x (1 + headroom)), at most `cap`, and never below
    `platform_max` (the platform's own maxReplicas: a season must not lower the ceiling at its peak;
    the config keeps it within the cap).

    The minimum pins the planned capacity in place before the peak (the HPA cannot scale below
    it when traffic is still low); the headroom lets it absorb a peak beyond the multiplier. The
    CPU target is the planner's (the CPU a pod uses at the planned load), so the HPA adds pods at
    the load the plan considered full.
    """
    if planned_pods > cap:
        raise InfeasibleError(
            f"the plan needs {planned_pods} pods but maxReplicasCap is {cap}; raise the cap or lower the load"
        )
    wanted = math.ceil(planned_pods * (1.0 + headroom))
    return HpaBounds(
        min_replicas=planned_pods,
        max_replicas=max(min(wanted, cap), platform_max),
        cpu_target_percent=cpu_target_percent,
        capped=wanted > cap,
    )
