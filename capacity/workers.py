"""Queue consumers: throughput-bound, so sized by Little's Law and the workers' target utilisation."""

from __future__ import annotations

from dataclasses import dataclass

from capacity.rounding import ceil_tolerant


@dataclass(frozen=True)
class WorkerSizing:
    pods: int
    jobs_per_s: float
    busy_slots: float
    utilization: float


def size_workers(
    jobs_per_s: float, mean_job_time_s: float, concurrency_per_pod: int, target_utilization: float
) -> WorkerSizing:
    """Pods = ceil(jobs/s x mean job time / (concurrency per pod x target)), at least one.

    Jobs wait in a durable queue, not in front of a user, so there is no latency SLO here: the
    target utilisation keeps the backlog short and leaves room for retries.
    """
    busy = jobs_per_s * mean_job_time_s
    pods = max(1, ceil_tolerant(busy / (concurrency_per_pod * target_utilization)))
    return WorkerSizing(
        pods=pods, jobs_per_s=jobs_per_s, busy_slots=busy, utilization=busy / (pods * concurrency_per_pod)
    )
