"""What a pool of pods is asked to carry: its routes at the planned rate, its slots, its target."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from capacity.service_time import ServiceTime, mixture_moments


class Routing(StrEnum):
    """How requests reach the slots.

    per-pod: a Kubernetes Service spreads requests at random, so a Poisson stream of rate L split
    over N pods gives each pod an independent Poisson stream of L/N: N separate M/G/k queues.
    pooled: one shared queue in front of all N x k slots (a load balancer with queueing).
    """

    PER_POD = "per-pod"
    POOLED = "pooled"


@dataclass(frozen=True)
class RouteLoad:
    """One route's demand on a pool at the planned rate."""

    name: str
    rps: float
    service_time: ServiceTime
    p95_slo_s: float


@dataclass(frozen=True)
class PoolSpec:
    """A service: `slots_per_pod` concurrent requests per pod (worker threads, or the request
    concurrency the pod is configured for), filled to at most `target_utilization`."""

    routes: tuple[RouteLoad, ...]
    slots_per_pod: int
    target_utilization: float
    routing: Routing = Routing.PER_POD

    @property
    def rps(self) -> float:
        return sum(route.rps for route in self.routes)

    @property
    def busy_slots(self) -> float:
        """Little's Law: mean number of requests in service = arrival rate x mean service time."""
        return sum(route.rps * route.service_time.mean_s for route in self.routes)

    @property
    def service_mixture(self) -> tuple[float, float]:
        """Mean (s) and squared CV of the service time a slot sees: the routes' rate-weighted mixture."""
        return mixture_moments([(route.rps, route.service_time) for route in self.routes])

    @property
    def longest_slo_s(self) -> float:
        return max(route.p95_slo_s for route in self.routes)

    def queue_of(self, pods: int) -> tuple[int, float]:
        """(slots, arrival rate) of the queue one request joins with `pods` pods: one pod's k slots at
        rps / N (per-pod), or all N x k slots at the whole rate (pooled)."""
        if self.routing is Routing.POOLED:
            return pods * self.slots_per_pod, self.rps
        return self.slots_per_pod, self.rps / pods
