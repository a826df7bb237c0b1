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
- rate: per workload and Deployment, the units its pods serve per second. Each workload's counter,
  summed per pod (a service's requests: its routes, each selected exactly by method and uri with the
  stack's HTTP matchers, since a regex over the uris and one over the methods would also count their
  cross pairs; a worker's jobs: its `jobsMetric`), tagged with its name (`label_replace`), joined to
  the same pod -> Deployment mapping as the cores and kept only on the pods that have a CPU rate at
  that step (`and on`): the rate and the CPU cover the same pods. Traffic that other pods serve (a
  canary Deployment on the same routes, another namespace or cluster) is not this Deployment's. The
  counter's series must carry the pod's namespace and name in the same labels as cAdvisor's
  (`metrics.podNamespaceLabel`, `metrics.podLabel`), as a kube-prometheus ServiceMonitor keeps them.

Every selector is held to the workloads' namespaces and to pod names that begin with one of their
Deployments' names (`pod=~"(d1-|d2-).+"`), so Prometheus reads the samples of those pods only; the
joins stay exact (a Deployment named like another's prefix, `api` and `api-canary`, is told apart
by its owner series).

When a workload has no rate series, `rate_labels_query` (an instant query, run only then) tells
whether its counter has no series at all, or series without the pod labels the join needs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from freshfoodz_seasonal.baseline.queries import BaselineWindow, RouteKey, literal_regex
from freshfoodz_seasonal.metrics.names import MetricNames
from freshfoodz_seasonal.metrics.promql import Matcher, duration_seconds, selector, string_literal

# Labels the queries make themselves (label_replace): the Deployment a pod belongs to, the worker a rate is
# of, and in the diagnostic query which series were counted.
DEPLOYMENT_LABEL = "deployment"
WORKLOAD_LABEL = "workload"
SERIES_LABEL = "series"
# Prometheus refuses a range query of more than 11,000 points per series; a margin below it.
MAX_POINTS = 10_000
# cAdvisor's series that are not a container of the pod: the pod's cgroup (the sum) and the pause container.
NOT_A_CONTAINER = ("", "POD")
# A Deployment's pods are named `<deployment>-<template hash>-<5 characters>`, from a generated-name base
# (`<deployment>-<hash>-`) that Kubernetes cuts to 58 characters (63 less the random suffix): a pod's name
# begins with the first 58 characters of `<deployment>-`.
POD_NAME_BASE_CHARS = 58
# The diagnostic query's measure, beside the three range queries.
RATE_LABELS = "cpu_rate_labels"


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


@dataclass(frozen=True)
class CpuSelectors:
    """The series the CPU side reads: cAdvisor's counter and the two owner series of kube-state-metrics."""

    usage: str
    pod_owner: str
    replicaset_owner: str


def cpu_step_s(window: BaselineWindow) -> float:
    """The range queries' step in seconds: the window's step, or coarser where the window would hold more
    than MAX_POINTS points, rounded up to a whole minute."""
    wanted = max(duration_seconds(window.step), duration_seconds(window.window) / MAX_POINTS)
    return float(math.ceil(wanted / 60) * 60)


def _label_replace(vector: str, destination: str, replacement: str, source: str, regex: str) -> str:
    arguments = ", ".join(string_literal(value) for value in (destination, replacement, source, regex))
    return f"label_replace({vector}, {arguments})"


def _tagged(vector: str, label: str, value: str) -> str:
    """`vector` with `label` set to `value` on every series."""
    return _label_replace(vector, label, value, "", "")


def pod_name_regex(deployments: Sequence[str]) -> str:
    """An RE2 regex for the names of these Deployments' pods, and of pods of Deployments whose names begin
    like theirs: a pre-filter for the samples Prometheus reads, not the join (the owner series are exact)."""
    return f"({literal_regex([f'{name}-'[:POD_NAME_BASE_CHARS] for name in deployments])}).+"


def _in_namespaces(names: MetricNames, targets: Sequence[CpuTarget]) -> Matcher:
    return (names.pod_namespace_label, "=~", literal_regex([target.namespace for target in targets]))


def _pods_of(names: MetricNames, targets: Sequence[CpuTarget]) -> tuple[Matcher, ...]:
    """The targets' namespaces, and pod names that begin as their Deployments' pods' names do."""
    return (
        _in_namespaces(names, targets),
        (names.pod_label, "=~", pod_name_regex([target.deployment for target in targets])),
    )


def cpu_selectors(names: MetricNames, targets: Sequence[CpuTarget], matchers: Sequence[Matcher]) -> CpuSelectors:
    """The selectors of the CPU queries for `targets`, with the stack's `metrics.cpuMatchers`."""
    pods = (*matchers, *_pods_of(names, targets))
    namespaces = (*matchers, _in_namespaces(names, targets))
    return CpuSelectors(
        usage=selector(
            names.container_cpu_usage, (*pods, *((names.container_label, "!=", c) for c in NOT_A_CONTAINER))
        ),
        pod_owner=selector(names.pod_owner, (*pods, (names.owner_kind_label, "=", "ReplicaSet"))),
        replicaset_owner=selector(
            names.replicaset_owner,
            (
                *namespaces,
                (names.owner_kind_label, "=", "Deployment"),
                (names.owner_name_label, "=~", literal_regex([target.deployment for target in targets])),
            ),
        ),
    )


def _cores_by_pod(names: MetricNames, selectors: CpuSelectors, rate_window: str) -> str:
    """Each pod's CPU cores, labelled with its namespace and name.

    `max by` over one container's series, not `sum`: two series of one container are either the same
    counter from the kubelet's two endpoints (/metrics/cadvisor and /metrics/resource; the latter has no
    container id label to tell instances apart), which a sum would count twice at every step; or an old and
    a restarted instance of the container within one rate window, where `max` under-counts the container
    for the one or two steps that window spans: a restart's few points among the window's thousands, well
    within the fit's noise, where doubling would bias every step.
    """
    by_pod = f"{names.pod_namespace_label}, {names.pod_label}"
    return f"sum by ({by_pod}) (max by ({by_pod}, {names.container_label}) (rate({selectors.usage}[{rate_window}])))"


def _deployment_of_pod(names: MetricNames, selectors: CpuSelectors) -> str:
    """One series per pod of the targets' Deployments, labelled with its Deployment (`DEPLOYMENT_LABEL`)."""
    namespace, pod, replicaset = names.pod_namespace_label, names.pod_label, names.replicaset_label
    deployment_of_replicaset = (
        f"max by ({namespace}, {replicaset}, {DEPLOYMENT_LABEL}) "
        f"({_label_replace(selectors.replicaset_owner, DEPLOYMENT_LABEL, '$1', names.owner_name_label, '(.+)')})"
    )
    replicaset_of_pod = _label_replace(selectors.pod_owner, replicaset, "$1", names.owner_name_label, "(.+)")
    return (
        f"max by ({namespace}, {pod}, {DEPLOYMENT_LABEL}) ({replicaset_of_pod} "
        f"* on ({namespace}, {replicaset}) group_left ({DEPLOYMENT_LABEL}) {deployment_of_replicaset})"
    )


def pod_cores_query(
    names: MetricNames, targets: Sequence[CpuTarget], rate_window: str, matchers: Sequence[Matcher]
) -> str:
    """Each pod's CPU cores, labelled with its namespace, its name and its Deployment (`DEPLOYMENT_LABEL`)."""
    selectors = cpu_selectors(names, targets, matchers)
    by_pod = f"{names.pod_namespace_label}, {names.pod_label}"
    return (
        f"{_cores_by_pod(names, selectors, rate_window)} * on ({by_pod}) group_left ({DEPLOYMENT_LABEL}) "
        f"{_deployment_of_pod(names, selectors)}"
    )


def unit_selectors(
    names: MetricNames, target: CpuTarget, http_matchers: Sequence[Matcher], extra: Sequence[Matcher] = ()
) -> tuple[str, ...]:
    """The series that count `target`'s units, with `extra` matchers: its jobs counter, or one per route."""
    if target.jobs is not None:
        return (selector(target.jobs.metric, (*target.jobs.matchers, *extra)),)
    return tuple(
        selector(
            names.http_count,
            (*http_matchers, (names.method_label, "=", r.method), (names.uri_label, "=", r.uri), *extra),
        )
        for r in target.routes
    )


def units_by_pod_query(
    names: MetricNames, target: CpuTarget, rate_window: str, http_matchers: Sequence[Matcher]
) -> str:
    """The units `target` serves per second, per pod (namespace and pod labels) that its counter names; only
    series of its namespace and of pods named as its Deployment's pods may be are read."""
    by_pod = f"{names.pod_namespace_label}, {names.pod_label}"
    series = unit_selectors(names, target, http_matchers, _pods_of(names, (target,)))
    return f"sum by ({by_pod}) ({' or '.join(f'rate({one}[{rate_window}])' for one in series)})"


def rate_query(names: MetricNames, window: BaselineWindow, scope: CpuScope) -> str:
    """Per workload (`WORKLOAD_LABEL`) and Deployment, the units per second its pods with a CPU rate serve."""
    selectors = cpu_selectors(names, scope.targets, scope.cpu_matchers)
    by_pod = f"{names.pod_namespace_label}, {names.pod_label}"
    rate_window = window.rate_window
    units = " or ".join(
        _tagged(units_by_pod_query(names, target, rate_window, scope.http_matchers), WORKLOAD_LABEL, target.workload)
        for target in scope.targets
    )
    return (
        f"sum by ({WORKLOAD_LABEL}, {names.pod_namespace_label}, {DEPLOYMENT_LABEL}) (({units}) "
        f"* on ({by_pod}) group_left ({DEPLOYMENT_LABEL}) {_deployment_of_pod(names, selectors)} "
        f"and on ({by_pod}) {_cores_by_pod(names, selectors, rate_window)})"
    )


def cpu_queries(names: MetricNames, window: BaselineWindow, scope: CpuScope) -> dict[CpuMeasure, str]:
    """The range queries by measure, in `CpuMeasure` order; none without workloads."""
    if not scope.targets:
        return {}
    pod_cores = pod_cores_query(names, scope.targets, window.rate_window, scope.cpu_matchers)
    by_deployment = f"{names.pod_namespace_label}, {DEPLOYMENT_LABEL}"
    return {
        CpuMeasure.CORES: f"sum by ({by_deployment}) ({pod_cores})",
        CpuMeasure.PODS: f"count by ({by_deployment}) ({pod_cores})",
        CpuMeasure.RATE: rate_query(names, window, scope),
    }


class SeriesKind(StrEnum):
    """What the diagnostic query counts per workload: its counter's series, and those with both pod labels."""

    ANY = "any"
    WITH_POD = "with_pod"


def rate_labels_query(
    names: MetricNames, window: BaselineWindow, targets: Sequence[CpuTarget], http_matchers: Sequence[Matcher]
) -> str:
    """An instant query at the window's end: per workload (`WORKLOAD_LABEL`) and `SERIES_LABEL` (a
    `SeriesKind`), how many series of its counter the window holds, anywhere, and with a namespace and a pod
    label. A workload without any has no series of the kind."""
    has_pod: tuple[Matcher, ...] = ((names.pod_namespace_label, "!=", ""), (names.pod_label, "!=", ""))
    parts = []
    for target in targets:
        for kind in SeriesKind:
            series = unit_selectors(names, target, http_matchers, has_pod if kind is SeriesKind.WITH_POD else ())
            present = " or ".join(f"present_over_time({one}[{window.window}])" for one in series)
            parts.append(
                _tagged(_tagged(f"count({present})", SERIES_LABEL, kind.value), WORKLOAD_LABEL, target.workload)
            )
    return " or ".join(parts)
