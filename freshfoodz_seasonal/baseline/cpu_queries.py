"""The PromQL that measures CPU per request and per job: three range queries, whatever the workloads.

Each query is a range query over the baseline window, read every `cpu_step_s`; at every step each
value is a `rate_window` rate, so the CPU and the traffic it is held against cover the same minutes.

- cores: per Deployment, the CPU cores its pods use. cAdvisor's counter per container, without the
  pod's own cgroup (`container=""`, the sum of its containers) and the pause container
  (`container="POD"`), summed per pod; the pod joined to its ReplicaSet (kube-state-metrics'
  pod owner) and the ReplicaSet to its Deployment (the ReplicaSet's owner), so every ReplicaSet
  of a rollout counts. Each side of a join is reduced with `max by` first: two scrapes of the same
  series (two kube-state-metrics replicas, the kubelet's cAdvisor and resource endpoints) must
  neither be counted twice nor break the join's one-to-one match.
- pods: per Deployment, how many pods had a CPU rate at that step (running pods).
- rate: per workload, the units it serves per second, tagged with its name (`label_replace`) and
  joined with `or`, so all workloads share one query and its answer holds one series per workload.
  A service's requests: the sum over its routes, each selected exactly (method and uri, with the
  stack's HTTP matchers; a regex over the uris and one over the methods would also count their
  cross pairs, e.g. a GET /api/orders beside the stack's POST /api/orders). A worker's jobs: the rate
  of its `jobsMetric` counter.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from freshfoodz_seasonal.baseline.queries import BaselineWindow, RouteKey, literal_regex
from freshfoodz_seasonal.metrics.names import MetricNames
from freshfoodz_seasonal.metrics.promql import Matcher, duration_seconds, selector, string_literal

# Labels the queries make themselves (label_replace): the Deployment a pod belongs to, the worker a rate is of.
DEPLOYMENT_LABEL = "deployment"
WORKLOAD_LABEL = "workload"
# Prometheus refuses a range query of more than 11,000 points per series; a margin below it.
MAX_POINTS = 10_000
# cAdvisor's series that are not a container of the pod: the pod's cgroup (the sum) and the pause container.
NOT_A_CONTAINER = ("", "POD")


class CpuMeasure(StrEnum):
    CORES = "cpu_cores"
    PODS = "cpu_pods"
    RATE = "cpu_rate"


class Unit(StrEnum):
    """What a workload's CPU is counted per: a service's request or a worker's job."""

    REQUEST = "request"
    JOB = "job"

    @property
    def workload_kind(self) -> str:
        """What counts this unit: a service its requests, a worker its jobs."""
        return "service" if self is Unit.REQUEST else "worker"


@dataclass(frozen=True)
class JobsCounter:
    """A worker's counter of jobs done and the exact matchers that pick its series."""

    metric: str
    matchers: tuple[Matcher, ...] = ()

    @property
    def selector(self) -> str:
        return selector(self.metric, self.matchers)


@dataclass(frozen=True)
class CpuTarget:
    """One workload whose CPU per unit is measured: its Deployment and what counts its units."""

    workload: str
    unit: Unit
    namespace: str
    deployment: str
    routes: tuple[RouteKey, ...] = ()
    """A service's routes (at least one): its request rate is theirs."""
    jobs: JobsCounter | None = None
    """A worker's jobs counter."""


@dataclass(frozen=True)
class CpuScope:
    targets: tuple[CpuTarget, ...]
    cpu_matchers: tuple[Matcher, ...] = ()
    """The stack's `metrics.cpuMatchers`, on every cAdvisor and kube-state-metrics selector."""
    http_matchers: tuple[Matcher, ...] = ()
    unmeasured: tuple[str, ...] = ()
    """Why a workload of the stack is not measured, one line each."""


def cpu_step_s(window: BaselineWindow) -> float:
    """The range queries' step in seconds: the window's step, or coarser where the window would hold more
    than MAX_POINTS points, rounded up to a whole minute."""
    wanted = max(duration_seconds(window.step), duration_seconds(window.window) / MAX_POINTS)
    return float(math.ceil(wanted / 60) * 60)


def _label_replace(vector: str, destination: str, replacement: str, source: str, regex: str) -> str:
    arguments = ", ".join(string_literal(value) for value in (destination, replacement, source, regex))
    return f"label_replace({vector}, {arguments})"


def pod_cores_query(
    names: MetricNames, targets: Sequence[CpuTarget], rate_window: str, matchers: Sequence[Matcher]
) -> str:
    """Each pod's CPU cores, labelled with its namespace, its name and its Deployment (`DEPLOYMENT_LABEL`)."""
    namespace, pod, replicaset = names.pod_namespace_label, names.pod_label, names.replicaset_label
    in_namespaces = (*matchers, (namespace, "=~", literal_regex([target.namespace for target in targets])))
    usage = selector(
        names.container_cpu_usage, (*in_namespaces, *((names.container_label, "!=", c) for c in NOT_A_CONTAINER))
    )
    by_pod = f"{namespace}, {pod}"
    cores = f"sum by ({by_pod}) (max by ({by_pod}, {names.container_label}) (rate({usage}[{rate_window}])))"
    replicaset_owner = selector(
        names.replicaset_owner,
        (
            *in_namespaces,
            (names.owner_kind_label, "=", "Deployment"),
            (names.owner_name_label, "=~", literal_regex([target.deployment for target in targets])),
        ),
    )
    deployment_of_replicaset = (
        f"max by ({namespace}, {replicaset}, {DEPLOYMENT_LABEL}) "
        f"({_label_replace(replicaset_owner, DEPLOYMENT_LABEL, '$1', names.owner_name_label, '(.+)')})"
    )
    pod_owner = selector(names.pod_owner, (*in_namespaces, (names.owner_kind_label, "=", "ReplicaSet")))
    replicaset_of_pod = _label_replace(pod_owner, replicaset, "$1", names.owner_name_label, "(.+)")
    deployment_of_pod = (
        f"max by ({by_pod}, {DEPLOYMENT_LABEL}) ({replicaset_of_pod} "
        f"* on ({namespace}, {replicaset}) group_left ({DEPLOYMENT_LABEL}) {deployment_of_replicaset})"
    )
    return f"{cores} * on ({by_pod}) group_left ({DEPLOYMENT_LABEL}) {deployment_of_pod}"


def units_query(names: MetricNames, target: CpuTarget, rate_window: str, http_matchers: Sequence[Matcher]) -> str:
    """The units `target` serves per second, over all its pods: its jobs counter's rate, or its routes' requests."""
    if target.jobs is not None:
        return f"sum(rate({target.jobs.selector}[{rate_window}]))"
    requests = (
        selector(names.http_count, (*http_matchers, (names.method_label, "=", r.method), (names.uri_label, "=", r.uri)))
        for r in target.routes
    )
    return f"sum({' or '.join(f'rate({count}[{rate_window}])' for count in requests)})"


def cpu_queries(names: MetricNames, window: BaselineWindow, scope: CpuScope) -> dict[CpuMeasure, str]:
    """The range queries by measure, in `CpuMeasure` order; none without workloads."""
    if not scope.targets:
        return {}
    pod_cores = pod_cores_query(names, scope.targets, window.rate_window, scope.cpu_matchers)
    by_deployment = f"{names.pod_namespace_label}, {DEPLOYMENT_LABEL}"
    rates = (
        _label_replace(
            units_query(names, target, window.rate_window, scope.http_matchers), WORKLOAD_LABEL, target.workload, "", ""
        )
        for target in scope.targets
    )
    return {
        CpuMeasure.CORES: f"sum by ({by_deployment}) ({pod_cores})",
        CpuMeasure.PODS: f"count by ({by_deployment}) ({pod_cores})",
        CpuMeasure.RATE: " or ".join(rates),
    }
