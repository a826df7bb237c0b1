"""Queue consumers: throughput-bound, so sized by Little's Law and the workers' target utilisation."""

from __future__ import annotations

import math
from dataclasses import dataclass

from capacity.queueing import mgk_waiting_time
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


# The share of jobs a queue SLA is held to: 99 % wait no longer than the SLA allows.
SLA_QUANTILE = 0.99


def job_wait_quantile_s(jobs_per_s: float, mean_job_time_s: float, slots: int, quantile: float = SLA_QUANTILE) -> float:
    """The `quantile` of a job's wait in the queue before a slot takes it, M/M/k (Erlang C): a job's time
    is only known by its mean, so it is taken as exponential. +inf when the slots cannot keep up.

    P(W > t) = C e^(-t/m), m = E[S] / (k - a): the quantile is m ln(C / (1 - q)), 0 when C <= 1 - q.
    """
    if jobs_per_s * mean_job_time_s >= slots:
        return math.inf
    wait = mgk_waiting_time(jobs_per_s, slots, mean_job_time_s, 1.0)
    tail = 1.0 - quantile
    if wait.probability_of_wait <= tail:
        return 0.0
    return wait.conditional_mean_s * math.log(wait.probability_of_wait / tail)


def pods_for_sla(
    jobs_per_s: float, mean_job_time_s: float, concurrency_per_pod: int, sla_s: float, first: int, cap: int
) -> int | None:
    """The fewest pods from `first` up to `cap` whose p99 wait plus the mean job time is within `sla_s`;
    None when even `cap` pods cannot."""

    def meets(pods: int) -> bool:
        wait = job_wait_quantile_s(jobs_per_s, mean_job_time_s, pods * concurrency_per_pod)
        return wait + mean_job_time_s <= sla_s

    if first > cap or not meets(cap):
        return None
    low, high = first, cap
    while low < high:  # the wait falls as pods are added: bisect for the first that meets
        middle = (low + high) // 2
        if meets(middle):
            high = middle
        else:
            low = middle + 1
    return low
