"""From the CPU range queries' answers to each workload's CPU per unit, or the reason there is none.

Pure: it takes the parsed series of `baseline.cpu_queries` and returns fits and problems. At each
step, a workload's point is its Deployment's cores and its rate, both divided by its pods; a step
counts where all three are known and a pod ran. A service's rate at a step is the sum of the routes
that have a series then on its pods (a route without one had no traffic since its pods started); a
step where none has one is unknown, not zero.

A step whose pod count differs from the step before's is left out, and counted: around a rollout or
a scaling the count includes pods that started or stopped within the rate window (whose rates cover
part of it) and pods warming up (JIT compilation, caches), which spend more CPU than the line. The
first step of the Deployment's series has no step before and stays.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from freshfoodz_seasonal.baseline.cpu_fit import CpuFit, CpuFitRefused, fit_cpu
from freshfoodz_seasonal.baseline.cpu_queries import (
    DEPLOYMENT_LABEL,
    SERIES_LABEL,
    WORKLOAD_LABEL,
    CpuMeasure,
    CpuScope,
    CpuTarget,
    SeriesKind,
    cpu_selectors,
    unit_selectors,
)
from freshfoodz_seasonal.baseline.measure import Sample
from freshfoodz_seasonal.baseline.range_answer import RangeSeries
from freshfoodz_seasonal.metrics.names import DEFAULT_RATE_WINDOW, MetricNames
from freshfoodz_seasonal.metrics.promql import Matcher, duration_seconds


@dataclass(frozen=True)
class WorkloadCpu:
    target: CpuTarget
    fit: CpuFit
    dropped_steps: int = 0
    """Steps left out because the pod count differed from the step before's (rollouts, scaling)."""


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


def unanswered(scope: CpuScope, step_s: float, query: str, error: str) -> CpuBaseline:
    """Every workload refused because a CPU query got no answer: the routes still stand, the CPU does not."""
    problems = [
        CpuProblem(target.workload, f"the CPU query {query} got no answer ({error}); {_way_out(target.workload)}")
        for target in scope.targets
    ]
    return CpuBaseline(step_s, [], problems, scope.unmeasured)


def _way_out(workload: str, no_cpu: str = "to measure no CPU at all") -> str:
    """What every refusal ends with: how to write the rest without this workload's CPU, or without any."""
    return (
        f"give --skip-cpu {workload} to write the rest without its CPU (its cpu stays as it is), or --no-cpu {no_cpu}"
    )


def _deployment_series(
    series: Sequence[RangeSeries], target: CpuTarget, names: MetricNames, workload: str | None = None
) -> Mapping[float, float] | None:
    for one in series:
        if (
            one.labels.get(names.pod_namespace_label) == target.namespace
            and one.labels.get(DEPLOYMENT_LABEL) == target.deployment
            and (workload is None or one.labels.get(WORKLOAD_LABEL) == workload)
        ):
            return one.points
    return None


def _no_cpu_series(target: CpuTarget, names: MetricNames, cpu_matchers: Sequence[Matcher]) -> str:
    # The selectors the queries use, as they read for this Deployment alone.
    selectors = cpu_selectors(names, (target,), cpu_matchers)
    return (
        f"no CPU series for Deployment {target.namespace}/{target.deployment}: checked {selectors.usage} joined by "
        f"{names.pod_label} to {selectors.pod_owner} and by {names.replicaset_label} to {selectors.replicaset_owner}; "
        "check the deployment's name and the metrics section's names and cpuMatchers; "
        + _way_out(target.workload, "if the cluster does not export cAdvisor and kube-state-metrics metrics")
    )


def _counter(target: CpuTarget, names: MetricNames, http_matchers: Sequence[Matcher]) -> str:
    """The workload's counter as the messages name it: its selectors, every pod's."""
    counter = " or ".join(unit_selectors(names, target, http_matchers))
    return f"{counter} (workers[].jobsMetric)" if target.jobs is not None else counter


def _no_rate(
    target: CpuTarget, names: MetricNames, http_matchers: Sequence[Matcher], rate_labels: Sequence[Sample] | None
) -> str:
    """Why a workload with CPU series has no rate on its Deployment's pods, as far as the diagnostic query tells."""
    counted = {
        sample.labels.get(SERIES_LABEL): sample.value
        for sample in rate_labels or ()
        if sample.labels.get(WORKLOAD_LABEL) == target.workload
    }
    counter = _counter(target, names, http_matchers)
    pod_labels = (
        f"{names.pod_namespace_label} and {names.pod_label} (metrics.podNamespaceLabel, metrics.podLabel: the "
        "labels cAdvisor's series name the pod by)"
    )
    unit = "job" if target.jobs is not None else "request"
    if rate_labels is not None and not counted.get(SeriesKind.ANY.value):
        reason = f"no series of {counter} in the window: the {unit} rate is unknown"
    elif rate_labels is not None and not counted.get(SeriesKind.WITH_POD.value):
        reason = (
            f"{counter} has {counted[SeriesKind.ANY.value]:.0f} series in the window, none with the pod labels "
            f"{pod_labels}: the {unit} rate is held to the Deployment's pods by them, so the scrape config must keep "
            "the pod's namespace and name on the application's series (kube-prometheus ServiceMonitors do); a "
            "counter exported elsewhere (a queue broker's, a gateway's) cannot be held to this Deployment's pods"
        )
    elif rate_labels is not None:
        reason = (
            f"the series of {counter} name pods, but none of Deployment {target.namespace}/{target.deployment}'s "
            f"pods with a CPU rate at the same steps: check that the labels {pod_labels} name the pod that counted "
            "them, and that this Deployment's pods are the ones that serve them"
        )
    else:
        reason = (
            f"no series of {counter} on Deployment {target.namespace}/{target.deployment}'s pods: the series must "
            f"carry the labels {pod_labels} (the scrape config must keep them; kube-prometheus ServiceMonitors do)"
        )
    return f"{reason}; {_way_out(target.workload)}"


# A new pod's JVM compiles and warms its caches for minutes, burning CPU no request asked for: the steps that
# follow a change of the pod count are left out for this long, on top of the rate window (whose rates still
# mix the old pods in).
WARMUP_S = 600.0
DEFAULT_SETTLE_S = WARMUP_S + duration_seconds(DEFAULT_RATE_WINDOW)


def _steady_steps(steps: Sequence[float], pods: Mapping[float, float], step_s: float, settle_s: float) -> list[float]:
    """The steps with no change of the pod count (or gap in its series) within `settle_s` before them; the
    first step of the pods' series stays. A replacement that keeps the count is not seen (the count is all
    the query reads)."""
    ordered = sorted(pods)
    changes = [
        later
        for earlier, later in itertools.pairwise(ordered)
        if pods[earlier] != pods[later] or abs(later - earlier - step_s) >= step_s / 2
    ]
    kept = []
    for at_s in steps:
        if not any(at_s - settle_s < changed <= at_s for changed in changes):
            kept.append(at_s)
    return kept


def rateless_targets(
    scope: CpuScope, answers: Mapping[CpuMeasure, Sequence[RangeSeries]], names: MetricNames
) -> list[CpuTarget]:
    """The targets with CPU series but no rate series on their Deployment: the diagnostic query's."""
    return [
        target
        for target in scope.targets
        if _deployment_series(answers.get(CpuMeasure.CORES, ()), target, names) is not None
        and _deployment_series(answers.get(CpuMeasure.PODS, ()), target, names) is not None
        and _deployment_series(answers.get(CpuMeasure.RATE, ()), target, names, target.workload) is None
    ]


def _fit(
    answers: Mapping[CpuMeasure, Sequence[RangeSeries]],
    target: CpuTarget,
    names: MetricNames,
    scope: CpuScope,
    step_s: float,
    rate_labels: Sequence[Sample] | None,
    settle_s: float,
) -> WorkloadCpu:
    cores = _deployment_series(answers.get(CpuMeasure.CORES, ()), target, names)
    pods = _deployment_series(answers.get(CpuMeasure.PODS, ()), target, names)
    if cores is None or pods is None:
        raise _Unusable(_no_cpu_series(target, names, scope.cpu_matchers))
    rate = _deployment_series(answers.get(CpuMeasure.RATE, ()), target, names, target.workload)
    if rate is None:
        raise _Unusable(_no_rate(target, names, scope.http_matchers, rate_labels))
    steps = sorted(
        at_s
        for at_s in cores.keys() & pods.keys() & rate.keys()
        if pods[at_s] > 0 and min(cores[at_s], rate[at_s]) >= 0
    )
    kept = _steady_steps(steps, pods, step_s, settle_s)
    try:
        fit = fit_cpu(
            [rate[at_s] / pods[at_s] for at_s in kept], [cores[at_s] / pods[at_s] for at_s in kept], target.unit.value
        )
    except CpuFitRefused as error:
        dropped = len(steps) - len(kept)
        note = f" ({dropped} steps left out after the pod count changed)" if dropped else ""
        raise _Unusable(f"{error}{note}; {_way_out(target.workload)}") from None
    return WorkloadCpu(target, fit, len(steps) - len(kept))


def measure_cpu(
    scope: CpuScope,
    answers: Mapping[CpuMeasure, Sequence[RangeSeries]],
    names: MetricNames,
    step_s: float,
    rate_labels: Sequence[Sample] | None = None,
    settle_s: float = DEFAULT_SETTLE_S,
) -> CpuBaseline:
    """A fit for every target that has one, in the scope's order, and a problem for every one that has none.
    `rate_labels`: the answer of `cpu_queries.rate_labels_query` for `rateless_targets`, if it was run."""
    workloads: list[WorkloadCpu] = []
    problems: list[CpuProblem] = []
    for target in scope.targets:
        try:
            workloads.append(_fit(answers, target, names, scope, step_s, rate_labels, settle_s))
        except _Unusable as error:
            problems.append(CpuProblem(target.workload, str(error)))
    return CpuBaseline(step_s, workloads, problems, scope.unmeasured)
