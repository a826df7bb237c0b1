"""CPU as a constraint beside the slots: pods whose CPU stays under the tier's target utilization.

A pod's CPU is modelled as what it uses idle (runtime, GC, probes) plus a fixed CPU time per request
or job: cores = idle + rate per pod x CPU seconds per unit. `seasonctl baseline` fits both from the
cluster's own metrics. Kubernetes measures CPU utilization against the pod's CPU request, so both
the constraint and the HPA's target are shares of the request.
"""

from __future__ import annotations

from dataclasses import dataclass

from capacity.errors import InfeasibleError
from capacity.rounding import ceil_tolerant


@dataclass(frozen=True)
class CpuUse:
    seconds_per_unit: float
    """CPU seconds one request (or job) takes: cores per unit per second."""
    idle_cores_per_pod: float
    """Cores a pod uses without traffic."""
    measured_up_to: float | None = None
    """The highest rate per pod the line was measured on (None: unknown); beyond it, it is extrapolated."""


def pods_for_cpu(rate_per_s: float, use: CpuUse, request_cores: float, target_utilization: float) -> int:
    """The fewest pods whose CPU at `rate_per_s` stays at or under `target_utilization` of their request:
    pods >= rate x CPU per unit / (request x target - idle). InfeasibleError when the idle pod alone
    passes the target (no number of pods helps)."""
    room = request_cores * target_utilization - use.idle_cores_per_pod
    if room <= 0:
        raise InfeasibleError(
            f"an idle pod uses {use.idle_cores_per_pod * 1000:.0f} millicores, at or above "
            f"{target_utilization:.0%} of its CPU request of {request_cores * 1000:.0f} millicores; raise the request"
        )
    return max(1, ceil_tolerant(rate_per_s * use.seconds_per_unit / room))


def cpu_utilization(rate_per_s: float, use: CpuUse, pods: int, request_cores: float) -> float:
    """The share of its CPU request a pod uses when `pods` share `rate_per_s` evenly."""
    return (use.idle_cores_per_pod + rate_per_s / pods * use.seconds_per_unit) / request_cores
