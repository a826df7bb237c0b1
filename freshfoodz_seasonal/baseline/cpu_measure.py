"""From the CPU range queries' answers to each workload's CPU per unit, or the reason there is none.

Pure: it takes the parsed series of `baseline.cpu_queries` and returns fits and problems. At each
step, a workload's point is its Deployment's cores and its rate, both divided by its pods; a step
counts where all three are known and a pod ran. A service's rate at a step is the sum of the routes
that have a series then (a route without one had no traffic since its pods started); a step where
none has one is unknown, not zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from freshfoodz_seasonal.baseline.cpu_fit import CpuFit, CpuFitRefused, fit_cpu
from freshfoodz_seasonal.baseline.cpu_queries import (
    DEPLOYMENT_LABEL,
    NOT_A_CONTAINER,
    WORKLOAD_LABEL,
    CpuMeasure,
    CpuScope,
    CpuTarget,
)
from freshfoodz_seasonal.baseline.range_answer import RangeSeries
from freshfoodz_seasonal.metrics.names import MetricNames
from freshfoodz_seasonal.metrics.promql import selector


@dataclass(frozen=True)
class WorkloadCpu:
    target: CpuTarget
    fit: CpuFit


@dataclass(frozen=True)
class CpuProblem:
    workload: str
    message: str

    def __str__(self) -> str:
        return f"{self.workload} (CPU): {self.message}"


@dataclass(frozen=True)
class CpuBaseline:
    """What the CPU measurement found: a fit per measured workload, a problem per workload without one."""

    step_s: float
    workloads: list[WorkloadCpu]
    problems: list[CpuProblem]
    unmeasured: tuple[str, ...] = ()


class _Unusable(ValueError):
    """A workload's series cannot give a fit; the message says why."""


def _deployment_series(
    series: Sequence[RangeSeries], target: CpuTarget, names: MetricNames
) -> Mapping[float, float] | None:
    for one in series:
        if (one.labels.get(names.pod_namespace_label), one.labels.get(DEPLOYMENT_LABEL)) == (
            target.namespace,
            target.deployment,
        ):
            return one.points
    return None


def _no_cpu_series(target: CpuTarget, names: MetricNames) -> str:
    usage = selector(
        names.container_cpu_usage,
        (
            (names.pod_namespace_label, "=", target.namespace),
            *((names.container_label, "!=", container) for container in NOT_A_CONTAINER),
        ),
    )
    pod_owner = selector(names.pod_owner, ((names.owner_kind_label, "=", "ReplicaSet"),))
    replicaset_owner = selector(
        names.replicaset_owner,
        ((names.owner_kind_label, "=", "Deployment"), (names.owner_name_label, "=", target.deployment)),
    )
    return (
        f"no CPU series for Deployment {target.namespace}/{target.deployment}: checked {usage} joined by "
        f"{names.pod_label} to {pod_owner} and by {names.replicaset_label} to {replicaset_owner}; check the "
        "deployment's name and the metrics section's names and cpuMatchers, or give --no-cpu if the cluster does "
        "not export cAdvisor and kube-state-metrics metrics"
    )


def _rate(
    answers: Mapping[CpuMeasure, Sequence[RangeSeries]], target: CpuTarget, names: MetricNames
) -> Mapping[float, float]:
    rates = [s for s in answers.get(CpuMeasure.RATE, ()) if s.labels.get(WORKLOAD_LABEL) == target.workload]
    if rates:
        return rates[0].points
    if target.jobs is not None:
        raise _Unusable(f"no {target.jobs.selector} series (workers[].jobsMetric): the job rate is unknown")
    requests = ", ".join(f"{route.method} {route.uri}" for route in target.routes)
    raise _Unusable(
        f"no {names.http_count} series for its routes ({requests}) with the metrics section's httpMatchers: "
        "the request rate is unknown"
    )


def _fit(answers: Mapping[CpuMeasure, Sequence[RangeSeries]], target: CpuTarget, names: MetricNames) -> CpuFit:
    cores = _deployment_series(answers.get(CpuMeasure.CORES, ()), target, names)
    pods = _deployment_series(answers.get(CpuMeasure.PODS, ()), target, names)
    if cores is None or pods is None:
        raise _Unusable(_no_cpu_series(target, names))
    rate = _rate(answers, target, names)
    steps = sorted(
        at_s
        for at_s in cores.keys() & pods.keys() & rate.keys()
        if pods[at_s] > 0 and min(cores[at_s], rate[at_s]) >= 0
    )
    try:
        return fit_cpu(
            [rate[at_s] / pods[at_s] for at_s in steps], [cores[at_s] / pods[at_s] for at_s in steps], target.unit.value
        )
    except CpuFitRefused as error:
        raise _Unusable(str(error)) from None


def measure_cpu(
    scope: CpuScope, answers: Mapping[CpuMeasure, Sequence[RangeSeries]], names: MetricNames, step_s: float
) -> CpuBaseline:
    """A fit for every target that has one, in the scope's order, and a problem for every one that has none."""
    workloads: list[WorkloadCpu] = []
    problems: list[CpuProblem] = []
    for target in scope.targets:
        try:
            workloads.append(WorkloadCpu(target, _fit(answers, target, names)))
        except _Unusable as error:
            problems.append(CpuProblem(target.workload, str(error)))
    return CpuBaseline(step_s, workloads, problems, scope.unmeasured)
