"""Pods' CPU as cAdvisor and kube-state-metrics export it, with a known CPU per request or job, as OpenMetrics.

A Deployment runs through ReplicaSets one after another (rollouts), each with its own number of pods
named `<deployment>-<replicaset hash>-<pod hash>`; the pods share the Deployment's traffic evenly,
and each pod's CPU counter is the exact integral of
    cores = idle cores + rate per pod x CPU seconds per unit,
so the line `seasonctl baseline` fits is known. What a real cluster adds around it is here too, for
the queries to see through: the pod's own cgroup (`container=""`, the sum of its containers) and the
pause container (`container="POD"`), the kubelet's second endpoint with the same counter
(`metrics_path`), and two kube-state-metrics replicas exporting every owner series twice.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from tests.support.prometheus_data import DailyCycle, series_lines

CPU_COUNTER = "container_cpu_usage_seconds"  # the family; its samples are `<family>_total`
POD_OWNER = "kube_pod_owner"
REPLICASET_OWNER = "kube_replicaset_owner"
APP_CONTAINER = "app"
# The pause container's own small CPU: counted in the pod's cgroup, never in the fit.
PAUSE_CORES = 0.002
KUBELET_PATHS = ("/metrics/cadvisor", "/metrics/resource")
KSM_INSTANCES = ("kube-state-metrics-0", "kube-state-metrics-1")


@dataclass(frozen=True)
class ReplicaSet:
    """One generation of a Deployment's pods: `pods` of them run from `start_s` to `end_s`."""

    hash: str
    pods: int
    start_s: float
    end_s: float


@dataclass(frozen=True)
class SyntheticDeployment:
    namespace: str
    name: str
    cpu_seconds_per_unit: float
    idle_cores: float
    traffic: Sequence[DailyCycle]
    """What the Deployment's pods serve together: its routes' requests or its queue's jobs."""
    replicasets: Sequence[ReplicaSet]

    def units_since(self, start_s: float, t_s: np.ndarray) -> np.ndarray:
        return sum((cycle.units_since(start_s, t_s) for cycle in self.traffic), np.zeros_like(t_s))

    def pods(self) -> Iterator[tuple[ReplicaSet, str]]:
        for replicaset in self.replicasets:
            for index in range(replicaset.pods):
                yield replicaset, f"{self.name}-{replicaset.hash}-{index:05x}"


@dataclass(frozen=True)
class SyntheticJobs:
    """A worker's counter of jobs done, following its cycle."""

    metric: str  # the family; its samples are `<metric>_total`
    queue: str
    cycle: DailyCycle


@dataclass(frozen=True)
class SyntheticPods:
    deployments: Sequence[SyntheticDeployment]
    jobs: Sequence[SyntheticJobs] = ()

    def openmetrics_lines(self, times: np.ndarray) -> Iterator[str]:
        yield f"# TYPE {CPU_COUNTER} counter\n"
        for deployment in self.deployments:
            yield from _cpu_lines(deployment, times)
        yield f"# TYPE {POD_OWNER} gauge\n"
        for deployment in self.deployments:
            for replicaset, pod in deployment.pods():
                alive = _during(times, replicaset.start_s, replicaset.end_s)
                owner = f"{deployment.name}-{replicaset.hash}"
                for instance in KSM_INSTANCES:
                    labels = (
                        f'instance="{instance}",namespace="{deployment.namespace}",owner_is_controller="true",'
                        f'owner_kind="ReplicaSet",owner_name="{owner}",pod="{pod}"'
                    )
                    yield from series_lines(POD_OWNER, labels, alive, np.ones_like(alive))
        yield f"# TYPE {REPLICASET_OWNER} gauge\n"
        for deployment in self.deployments:
            for replicaset in deployment.replicasets:
                # A Deployment keeps its old ReplicaSets (scaled to zero) after a rollout.
                kept = times[times >= replicaset.start_s]
                for instance in KSM_INSTANCES:
                    labels = (
                        f'instance="{instance}",namespace="{deployment.namespace}",owner_is_controller="true",'
                        f'owner_kind="Deployment",owner_name="{deployment.name}",'
                        f'replicaset="{deployment.name}-{replicaset.hash}"'
                    )
                    yield from series_lines(REPLICASET_OWNER, labels, kept, np.ones_like(kept))
        for jobs in self.jobs:
            yield f"# TYPE {jobs.metric} counter\n"
            yield from series_lines(
                f"{jobs.metric}_total", f'queue="{jobs.queue}"', times, jobs.cycle.units_since(float(times[0]), times)
            )


def _during(times: np.ndarray, start_s: float, end_s: float) -> np.ndarray:
    return times[(times >= start_s) & (times <= end_s)]


def _cpu_lines(deployment: SyntheticDeployment, times: np.ndarray) -> Iterator[str]:
    for replicaset, pod in deployment.pods():
        alive = _during(times, replicaset.start_s, replicaset.end_s)
        # A new container's counter starts at zero; the pods share the Deployment's units evenly.
        since = alive - replicaset.start_s
        app = (
            deployment.idle_cores * since
            + deployment.cpu_seconds_per_unit * deployment.units_since(replicaset.start_s, alive) / replicaset.pods
        )
        pause = PAUSE_CORES * since
        pod_labels = f'namespace="{deployment.namespace}",pod="{pod}"'
        for path in KUBELET_PATHS:
            labels = f'container="{APP_CONTAINER}",cpu="total",metrics_path="{path}",{pod_labels}'
            yield from series_lines(f"{CPU_COUNTER}_total", labels, alive, app)
        path = KUBELET_PATHS[0]
        yield from series_lines(
            f"{CPU_COUNTER}_total", f'container="POD",cpu="total",metrics_path="{path}",{pod_labels}', alive, pause
        )
        yield from series_lines(
            f"{CPU_COUNTER}_total", f'container="",cpu="total",metrics_path="{path}",{pod_labels}', alive, app + pause
        )
