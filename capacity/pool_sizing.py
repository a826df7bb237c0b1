"""How many pods a service needs: the smallest count meeting the utilization cap and every SLO."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

from capacity.errors import InfeasibleError
from capacity.pool_queue import PoolQueue, QueueState
from capacity.pool_spec import PoolSpec
from capacity.queueing import VARIABILITY_CHECKED_SCV
from capacity.rounding import ceil_tolerant

# Beyond this many pods we stop searching and call the request infeasible: no EKS cluster of a
# food distributor runs a hundred thousand replicas of one deployment.
MAX_PODS = 100_000
SLO_QUANTILE = 0.95


class Method(StrEnum):
    MODEL = "model"
    SEED = "seed"


class Binding(StrEnum):
    UTILIZATION = "utilization"
    LATENCY = "latency"
    SEED_FORMULA = "seed-formula"


@dataclass(frozen=True)
class RoutePrediction:
    name: str
    rps: float
    p95_slo_s: float
    predicted_p95_s: float
    service_p95_s: float


@dataclass(frozen=True)
class PoolSizing:
    pods: int
    method: Method
    binding_constraint: Binding
    pods_for_utilization: int
    pods_for_latency: int | None
    busy_slots: float
    utilization: float
    probability_of_wait: float
    mean_wait_s: float
    spec: PoolSpec = field(repr=False, compare=False)
    state: QueueState | None = field(repr=False, compare=False)
    """The queue at `pods` pods; None where the load reaches the slots."""

    @property
    def unchecked_variability_scv(self) -> float | None:
        """The routes' mixture's squared CV where it lies beyond what the delay probability was checked
        on and the latency decides a queue of several slots (the plan may be a pod short); else None."""
        queue_slots, _ = self.spec.queue_of(self.pods)
        if self.binding_constraint is not Binding.LATENCY or queue_slots < 2:
            return None
        _, scv = self.spec.service_mixture
        return scv if scv > VARIABILITY_CHECKED_SCV else None

    @cached_property
    def routes(self) -> tuple[RoutePrediction, ...]:
        """Each route's predicted p95 at `pods` pods: computed when asked for (a search for the headroom
        sizes a pool many times and reads only its pods)."""
        state = self.state
        return tuple(
            RoutePrediction(
                name=route.name,
                rps=route.rps,
                p95_slo_s=route.p95_slo_s,
                predicted_p95_s=state.response_quantile(index, SLO_QUANTILE) if state else math.inf,
                service_p95_s=route.service_time.quantile_s(SLO_QUANTILE),
            )
            for index, route in enumerate(self.spec.routes)
        )


def pods_for_utilization(spec: PoolSpec) -> int:
    """Smallest N with busy slots / (N x slots per pod) <= target; at least one pod."""
    pods = spec.busy_slots / (spec.slots_per_pod * spec.target_utilization)
    if not pods <= MAX_PODS:  # also catches inf and nan from extreme inputs
        raise InfeasibleError(
            f"the utilization cap alone needs {pods:.3g} pods, more than the {MAX_PODS} one pool may have"
        )
    return max(1, ceil_tolerant(pods))


def _meets_slos(queue: PoolQueue, pods: int) -> bool:
    try:
        state = queue.at(pods)
    except ValueError:
        return False
    tail = 1.0 - SLO_QUANTILE
    return all(state.response_survival(i, r.p95_slo_s) <= tail for i, r in enumerate(queue.spec.routes))


def _smallest_meeting(failing: int, guess: int, meets: Callable[[int], bool]) -> int:
    """Smallest N > `failing` with meets(N), for a predicate that stays true once true.

    Tries `guess` first, then bisects below it or gallops above it: O(log N) evaluations, so a
    pool of 100,000 slots costs a few Erlang recursions, not a scan.
    """
    if meets(guess):
        passing = guess
    else:
        failing, step = guess, 1
        while not meets(min(guess + step, MAX_PODS)):
            if guess + step >= MAX_PODS:
                raise InfeasibleError(f"more than {MAX_PODS} pods would be needed to meet the SLO")
            failing = guess + step
            step *= 2
        passing = min(guess + step, MAX_PODS)
    while passing - failing > 1:
        middle = (failing + passing) // 2
        if meets(middle):
            passing = middle
        else:
            failing = middle
    return passing


def check_feasible(spec: PoolSpec) -> None:
    """Raise InfeasibleError naming every route whose service time alone breaks its SLO at p95."""
    broken = [
        f"route {route.name}: the service time alone has p95 {p95 * 1000:.0f} ms, at or above the "
        f"{route.p95_slo_s * 1000:.0f} ms SLO; no number of pods can meet it (make the route faster or relax "
        "the SLO)"
        for route in spec.routes
        if (p95 := route.service_time.quantile_s(SLO_QUANTILE)) >= route.p95_slo_s
    ]
    if broken:
        raise InfeasibleError(*broken)


def seed_formula_pods(spec: PoolSpec) -> int:
    """The original plan's formula: ceil(ceil(rps x p95) / target utilization).

    It puts a p95 where Little's Law needs a mean and ignores that a pod serves several requests
    at once; kept so users can compare it with the model.
    """
    concurrency = ceil_tolerant(sum(r.rps * r.service_time.quantile_s(SLO_QUANTILE) for r in spec.routes))
    return max(1, ceil_tolerant(concurrency / spec.target_utilization))


def size_pool(spec: PoolSpec, method: Method = Method.MODEL) -> PoolSizing:
    """Plan the pods of one pool; raises InfeasibleError when no count meets the SLOs."""
    if not spec.routes or spec.rps <= 0:
        raise ValueError("a pool needs at least one route with positive traffic")
    utilization_pods = pods_for_utilization(spec)
    latency_pods: int | None = None
    if method is Method.SEED:
        pods, binding = seed_formula_pods(spec), Binding.SEED_FORMULA
    else:
        check_feasible(spec)
        # At or below busy/slots pods the load reaches the slots: no steady state, SLO missed.
        unstable = math.floor(spec.busy_slots / spec.slots_per_pod)
        queue = PoolQueue(spec)
        latency_pods = _smallest_meeting(unstable, utilization_pods, lambda n: _meets_slos(queue, n))
        pods = max(utilization_pods, latency_pods)
        binding = Binding.LATENCY if latency_pods > utilization_pods else Binding.UTILIZATION
    if pods > MAX_PODS:  # the seed formula's count can exceed what the model's search allows
        raise InfeasibleError(f"the plan needs {pods:.3g} pods, more than the {MAX_PODS} one pool may have")
    return describe_pool(spec, pods, method, binding, utilization_pods, latency_pods)


def describe_pool(
    spec: PoolSpec,
    pods: int,
    method: Method,
    binding: Binding,
    utilization_pods: int,
    latency_pods: int | None,
) -> PoolSizing:
    """Predicted utilization, waiting and per-route p95 of a pool with `pods` pods."""
    busy = spec.busy_slots
    state: QueueState | None
    try:
        state = PoolQueue(spec).at(pods)
    except ValueError:
        state = None
    return PoolSizing(
        pods=pods,
        method=method,
        binding_constraint=binding,
        pods_for_utilization=utilization_pods,
        pods_for_latency=latency_pods,
        busy_slots=busy,
        utilization=busy / (pods * spec.slots_per_pod),
        probability_of_wait=state.probability_of_wait if state else 1.0,
        mean_wait_s=state.mean_wait_s if state else math.inf,
        spec=spec,
        state=state,
    )
