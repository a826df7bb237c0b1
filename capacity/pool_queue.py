"""The queue a request joins in a pool of N pods: P(wait), mean wait, and each route's response tail.

Several slots per queue: the delay probability with the wait's distribution for the routes' mixture (`multi_class`;
below a squared CV of 1, the corrected exponential wait of `queueing`). One slot per queue (per-pod
routing with one slot, or a single pod of one slot): the exact M/G/1 response time (`single_slot`),
because there the wait inherits the service time's heavy tail.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Protocol

from capacity.pool_spec import PoolSpec, Routing
from capacity.queueing import ErlangBTable

if TYPE_CHECKING:
    from capacity.multi_class import MultiClassWait
    from capacity.single_slot import SingleSlotQueue


class QueueState(Protocol):
    """One pod count's queue, as the sizing search and the plan read it."""

    probability_of_wait: float
    mean_wait_s: float

    def response_survival(self, route_index: int, t_s: float) -> float: ...

    def response_quantile(self, route_index: int, probability: float) -> float: ...


class _SingleSlotState:
    def __init__(self, queue: SingleSlotQueue, utilization: float, mean_wait_s: float) -> None:
        self._queue = queue
        self._utilization = utilization
        self.probability_of_wait = utilization  # one slot: an arrival waits exactly when it is busy
        self.mean_wait_s = mean_wait_s

    def response_survival(self, route_index: int, t_s: float) -> float:
        return self._queue.response_survival(self._utilization, route_index, t_s)

    def response_quantile(self, route_index: int, probability: float) -> float:
        return self._queue.response_quantile(self._utilization, route_index, probability)


class PoolQueue:
    """Queue states of one pool spec at any pod count, sharing what does not depend on it."""

    def __init__(self, spec: PoolSpec) -> None:
        self.spec = spec
        self._mean_s, self._scv = spec.service_mixture
        # Pooled: the offered load is the same at every pod count, so one Erlang B table serves all.
        self._table = ErlangBTable(spec.busy_slots) if spec.routing is Routing.POOLED else None

    @cached_property
    def _multi_class(self) -> MultiClassWait:
        # Imported here, as numpy: only pools that are searched need it.
        from capacity.multi_class import RouteClass, mixture_for  # noqa: PLC0415

        return mixture_for([RouteClass(r.rps, r.service_time, r.p95_slo_s) for r in self.spec.routes])

    @cached_property
    def _single_slot(self) -> SingleSlotQueue:
        # Imported here: numpy costs start-up time that only single-slot pools need.
        from capacity.single_slot import SingleSlotQueue, SingleSlotRoute  # noqa: PLC0415

        routes = tuple(SingleSlotRoute(r.name, r.rps, r.service_time) for r in self.spec.routes)
        return SingleSlotQueue(routes, self.spec.longest_slo_s)

    def at(self, pods: int) -> QueueState:
        """The queue with `pods` pods; ValueError when the load reaches the slots (no steady state)."""
        slots, rate = self.spec.queue_of(pods)
        if slots == 1:
            utilization = rate * self._mean_s
            if utilization >= 1.0:
                raise ValueError(f"offered load {utilization:.4g} Erlangs >= 1 slot: the queue grows forever")
            # Pollaczek-Khinchine: E[W] = rho / (1 - rho) x E[S^2] / (2 E[S]).
            mean_wait_s = utilization / (1.0 - utilization) * (1.0 + self._scv) / 2.0 * self._mean_s
            return _SingleSlotState(self._single_slot, utilization, mean_wait_s)
        return self._multi_class.at(slots, rate, self._table)
