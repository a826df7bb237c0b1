"""Pods' CPU as cAdvisor and kube-state-metrics export it, with a known CPU per request or job, as OpenMetrics,
and the pods' own request and job counters.

A Deployment runs through ReplicaSets one after another (rollouts), each with its own number of pods
named `<deployment>-<replicaset hash>-<pod hash>`; a rollout may be a surge (one new pod at a time, an
old one stopping when the new one is up) and a new pod may warm up (extra CPU for its first minutes,
as a JVM compiling). The pods alive at a time share the Deployment's part of each route's requests or
queue's jobs evenly, and each pod's CPU counter is the integral of
    cores = idle cores + rate per pod x CPU seconds per unit (+ the warm-up),
with seeded gaussian noise on each scrape's increment, so the line `seasonctl baseline` fits is known.
What a real cluster adds around it is here too, for the queries to see through: the pod's own cgroup
(`container=""`, the sum of its containers) and the pause container (`container="POD"`), the
kubelet's second endpoint with the same counter (`metrics_path`), two kube-state-metrics replicas
exporting every owner series twice, and old ReplicaSets kept (scaled to zero) up to a history limit.

The pods' own counters carry the pod's `namespace` and `pod` labels, as a kube-prometheus ServiceMonitor
keeps them: the routes' histograms (through `SyntheticTraffic.servers`, tests/support/prometheus_data.py)
and the workers' jobs counters. A queue may also have a broker's counter of the same jobs, without pod
labels (a queue exporter's).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from tests.support.prometheus_data import DailyCycle, PodCounter, series_lines

CPU_COUNTER = "container_cpu_usage_seconds"  # the family; its samples are `<family>_total`
POD_OWNER = "kube_pod_owner"
REPLICASET_OWNER = "kube_replicaset_owner"
APP_CONTAINER = "app"
# The pause container's own small CPU: counted in the pod's cgroup, never in the fit.
PAUSE_CORES = 0.002
KUBELET_PATHS = ("/metrics/cadvisor", "/metrics/resource")
KSM_INSTANCES = ("kube-state-metrics-0", "kube-state-metrics-1")
# A Deployment's revisionHistoryLimit: older ReplicaSets are deleted.
HISTORY_LIMIT = 10
# The CPU counter's increments from one scrape to the next vary by this share (gaussian), seeded.
CPU_NOISE = 0.04
# What the jobs a Deployment serves are keyed by, beside the routes' (method, uri).
QUEUE = "queue"


@dataclass(frozen=True)
class ReplicaSet:
    """One generation of a Deployment's pods: `pods` of them from `start_s` to `end_s`.

    With `surge_interval_s`, a surge rollout at each end (one pod at a time): pod i starts `i` intervals
    after `start_s`, and stops `i + 1` intervals after `end_s`, when the next ReplicaSet's pod i is up."""

    hash: str
    pods: int
    start_s: float
    end_s: float
    surge_interval_s: float = 0.0

    def life(self, index: int) -> tuple[float, float]:
        interval = self.surge_interval_s
        return self.start_s + index * interval, self.end_s + (index + 1) * interval if interval else self.end_s


@dataclass(frozen=True)
class Share:
    """What a Deployment's pods serve of a route's requests (key: method, uri) or a queue's jobs (key: QUEUE,
    the queue): `cycle`, the whole stream's cycle scaled to the Deployment's part."""

    key: tuple[str, str]
    cycle: DailyCycle


@dataclass(frozen=True)
class Pod:
    name: str
    replicaset: ReplicaSet
    start_s: float
    end_s: float


@dataclass(frozen=True)
class SyntheticDeployment:
    namespace: str
    name: str
    cpu_seconds_per_unit: float
    idle_cores: float
    serves: Sequence[Share]
    """What the Deployment's pods serve together: parts of routes' requests and queues' jobs."""
    replicasets: Sequence[ReplicaSet]
    warmup_cores: float = 0.0
    """Extra cores a new pod uses for its first `warmup_s` (JIT compilation, caches)."""
    warmup_s: float = 0.0

    def pods(self) -> list[Pod]:
        return [
            Pod(f"{self.name}-{replicaset.hash}-{index:05x}", replicaset, *replicaset.life(index))
            for replicaset in self.replicasets
            for index in range(replicaset.pods)
        ]

    @functools.cached_property
    def _segments(self) -> tuple[np.ndarray, np.ndarray]:
        """The times the number of pods changes, and that number from each of them to the next."""
        lives = [(pod.start_s, pod.end_s) for pod in self.pods()]
        bounds = np.unique(np.array(lives).ravel())
        counts = np.array([sum(start <= at < end for start, end in lives) for at in bounds[:-1]] + [0])
        return bounds, counts

    def pod_units(self, pod: Pod, cycle: DailyCycle, times: np.ndarray) -> np.ndarray:
        """The units of `cycle` that `pod` served from its start to each of `times` (within its life): its
        share of each stretch of time, the stream split evenly over the pods alive then."""
        bounds, counts = self._segments
        inside = (bounds >= pod.start_s) & (bounds <= pod.end_s)
        edges, alive = bounds[inside], counts[inside]
        done = cycle.units_since(0.0, edges)
        per_pod = np.diff(done) / np.maximum(alive[:-1], 1)
        before = np.concatenate([[0.0], np.cumsum(per_pod)])
        index = np.clip(np.searchsorted(edges, times, side="right") - 1, 0, max(len(edges) - 2, 0))
        return before[index] + (cycle.units_since(0.0, times) - done[index]) / np.maximum(alive[index], 1)

    def units(self, pod: Pod, times: np.ndarray, key: tuple[str, str] | None = None) -> np.ndarray:
        """What `pod` served up to each of `times`: of the stream `key`, or of everything."""
        shares = [share for share in self.serves if key is None or share.key == key]
        return sum((self.pod_units(pod, share.cycle, times) for share in shares), np.zeros_like(times))


@dataclass(frozen=True)
class SyntheticJobs:
    """A queue's jobs, counted by the workers that do them (`<metric>_total{namespace, pod, queue}`), and, if
    `broker_metric`, by the broker too (`<broker_metric>_total{queue}`, no pod)."""

    metric: str  # the family; its samples are `<metric>_total`
    queue: str
    cycle: DailyCycle
    broker_metric: str | None = None


@dataclass(frozen=True)
class SyntheticPods:
    deployments: Sequence[SyntheticDeployment]
    jobs: Sequence[SyntheticJobs] = ()
    seed: int = 7
    _pods: dict[str, list[Pod]] = field(default_factory=dict, compare=False, repr=False)

    def _pods_of(self, deployment: SyntheticDeployment) -> list[Pod]:
        return self._pods.setdefault(deployment.name, deployment.pods())

    def route_counters(self, method: str, uri: str, times: np.ndarray) -> list[PodCounter]:
        """Each pod's count of the route's requests, for the pods of the Deployments that serve it."""
        counters = []
        for deployment in self.deployments:
            if not any(share.key == (method, uri) for share in deployment.serves):
                continue
            for pod in self._pods_of(deployment):
                alive = _during(times, pod.start_s, pod.end_s)
                labels = f'namespace="{deployment.namespace}",pod="{pod.name}"'
                counters.append(PodCounter(labels, alive, deployment.units(pod, alive, (method, uri))))
        return counters

    def openmetrics_lines(self, times: np.ndarray) -> Iterator[str]:
        rng = np.random.default_rng(self.seed)
        yield f"# TYPE {CPU_COUNTER} counter\n"
        for deployment in self.deployments:
            yield from self._cpu_lines(deployment, times, rng)
        yield f"# TYPE {POD_OWNER} gauge\n"
        for deployment in self.deployments:
            for pod in self._pods_of(deployment):
                alive = _during(times, pod.start_s, pod.end_s)
                owner = f"{deployment.name}-{pod.replicaset.hash}"
                for instance in KSM_INSTANCES:
                    labels = (
                        f'instance="{instance}",namespace="{deployment.namespace}",owner_is_controller="true",'
                        f'owner_kind="ReplicaSet",owner_name="{owner}",pod="{pod.name}"'
                    )
                    yield from series_lines(POD_OWNER, labels, alive, np.ones_like(alive))
        yield f"# TYPE {REPLICASET_OWNER} gauge\n"
        for deployment in self.deployments:
            replicasets = list(deployment.replicasets)
            for index, replicaset in enumerate(replicasets):
                # A Deployment keeps its old ReplicaSets (scaled to zero) after a rollout, up to its history limit.
                later = replicasets[index + HISTORY_LIMIT] if index + HISTORY_LIMIT < len(replicasets) else None
                kept = times[(times >= replicaset.start_s) & (times < (later.start_s if later else np.inf))]
                for instance in KSM_INSTANCES:
                    labels = (
                        f'instance="{instance}",namespace="{deployment.namespace}",owner_is_controller="true",'
                        f'owner_kind="Deployment",owner_name="{deployment.name}",'
                        f'replicaset="{deployment.name}-{replicaset.hash}"'
                    )
                    yield from series_lines(REPLICASET_OWNER, labels, kept, np.ones_like(kept))
        for jobs in self.jobs:
            yield f"# TYPE {jobs.metric} counter\n"
            for deployment in self.deployments:
                if not any(share.key == (QUEUE, jobs.queue) for share in deployment.serves):
                    continue
                for pod in self._pods_of(deployment):
                    alive = _during(times, pod.start_s, pod.end_s)
                    labels = f'namespace="{deployment.namespace}",pod="{pod.name}",queue="{jobs.queue}"'
                    done = deployment.units(pod, alive, (QUEUE, jobs.queue))
                    yield from series_lines(f"{jobs.metric}_total", labels, alive, done)
            if jobs.broker_metric is not None:
                yield f"# TYPE {jobs.broker_metric} counter\n"
                done = jobs.cycle.units_since(float(times[0]), times)
                yield from series_lines(f"{jobs.broker_metric}_total", f'queue="{jobs.queue}"', times, done)

    def _cpu_lines(self, deployment: SyntheticDeployment, times: np.ndarray, rng: np.random.Generator) -> Iterator[str]:
        for pod in self._pods_of(deployment):
            alive = _during(times, pod.start_s, pod.end_s)
            # A new container's counter starts at zero.
            since = alive - pod.start_s
            exact = (
                deployment.idle_cores * since
                + deployment.cpu_seconds_per_unit * deployment.units(pod, alive)
                + deployment.warmup_cores * np.minimum(since, deployment.warmup_s)
            )
            steps = np.diff(exact, prepend=0.0)
            app = np.cumsum(steps * (1 + CPU_NOISE * rng.standard_normal(steps.size)))
            pause = PAUSE_CORES * since
            pod_labels = f'namespace="{deployment.namespace}",pod="{pod.name}"'
            for path in KUBELET_PATHS:
                labels = f'container="{APP_CONTAINER}",cpu="total",metrics_path="{path}",{pod_labels}'
                yield from series_lines(f"{CPU_COUNTER}_total", labels, alive, app)
            path = KUBELET_PATHS[0]
            yield from series_lines(
                f"{CPU_COUNTER}_total", f'container="POD",cpu="total",metrics_path="{path}",{pod_labels}', alive, pause
            )
            yield from series_lines(
                f"{CPU_COUNTER}_total",
                f'container="",cpu="total",metrics_path="{path}",{pod_labels}',
                alive,
                app + pause,
            )


def _during(times: np.ndarray, start_s: float, end_s: float) -> np.ndarray:
    return times[(times >= start_s) & (times <= end_s)]
