"""Queue consumers: throughput-bound, so sized by Little's Law and the workers' target utilization."""

from __future__ import annotations

import math
from dataclasses import dataclass

from capacity.queueing import mgk_waiting_time, response_time_quantile
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
    target utilization keeps the backlog short and leaves room for retries.
    """
    busy = jobs_per_s * mean_job_time_s
    pods = max(1, ceil_tolerant(busy / (concurrency_per_pod * target_utilization)))
    return WorkerSizing(
        pods=pods, jobs_per_s=jobs_per_s, busy_slots=busy, utilization=busy / (pods * concurrency_per_pod)
    )


# The share of jobs a queue SLA is held to: 99 % done (waited and worked) within it.
SLA_QUANTILE = 0.99


@dataclass(frozen=True)
class ExponentialJobTime:
    """A job's time when only its mean is known: exponential, the M/M/k assumption.

    Implements `queueing.ServiceDistribution`, so a job's time from enqueue to done is solved like a
    request's response time.
    """

    mean_s: float

    def survival(self, t_s: float) -> float:
        return math.exp(-max(t_s, 0.0) / self.mean_s)

    def quantile_s(self, probability: float) -> float:
        return -self.mean_s * math.log1p(-probability)

    def discounted_mass(self, t_s: float, scale_s: float) -> float:
        """E[exp(-(t - S) / scale); S < t] = mu (e^(-mu t) - e^(-t/scale)) / (1/scale - mu), mu = 1 / mean;
        mu t e^(-mu t) where the two rates meet."""
        if t_s <= 0:
            return 0.0
        mu, k = 1.0 / self.mean_s, 1.0 / scale_s
        if math.isclose(k, mu, rel_tol=1e-9):
            return mu * t_s * math.exp(-mu * t_s)
        return mu * (math.exp(-mu * t_s) - math.exp(-k * t_s)) / (k - mu)


def _overloaded(jobs_per_s: float, mean_job_time_s: float, slots: int) -> bool:
    return jobs_per_s * mean_job_time_s >= slots


def job_wait_quantile_s(jobs_per_s: float, mean_job_time_s: float, slots: int, quantile: float = SLA_QUANTILE) -> float:
    """The `quantile` of a job's wait in the queue before a slot takes it, M/M/k (Erlang C): a job's time
    is only known by its mean, so it is taken as exponential. +inf when the slots cannot keep up.

    P(W > t) = C e^(-t/m), m = E[S] / (k - a): the quantile is m ln(C / (1 - q)), 0 when C <= 1 - q.
    """
    if _overloaded(jobs_per_s, mean_job_time_s, slots):
        return math.inf
    wait = mgk_waiting_time(jobs_per_s, slots, mean_job_time_s, 1.0)
    tail = 1.0 - quantile
    if wait.probability_of_wait <= tail:
        return 0.0
    return wait.conditional_mean_s * math.log(wait.probability_of_wait / tail)


def job_done_quantile_s(jobs_per_s: float, mean_job_time_s: float, slots: int, quantile: float = SLA_QUANTILE) -> float:
    """The `quantile` of a job's time from enqueue to done (wait + its own time), M/M/k; +inf when the
    slots cannot keep up."""
    if _overloaded(jobs_per_s, mean_job_time_s, slots):
        return math.inf
    wait = mgk_waiting_time(jobs_per_s, slots, mean_job_time_s, 1.0)
    return response_time_quantile(wait, ExponentialJobTime(mean_job_time_s), quantile)


def pods_for_sla(
    jobs_per_s: float, mean_job_time_s: float, concurrency_per_pod: int, sla_s: float, first: int, cap: int
) -> int | None:
    """The fewest pods from `first` up to `cap` whose p99 from enqueue to done is within `sla_s`;
    None when even `cap` pods cannot."""

    def meets(pods: int) -> bool:
        return job_done_quantile_s(jobs_per_s, mean_job_time_s, pods * concurrency_per_pod) <= sla_s

    if first > cap or not meets(cap):
        return None
    low, high = first, cap
    while low < high:  # the time falls as pods are added: bisect for the first that meets
        middle = (low + high) // 2
        if meets(middle):
            high = middle
        else:
            low = middle + 1
    return low
