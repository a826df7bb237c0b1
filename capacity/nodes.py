"""Nodes for the seasonal node group: bin-pack pod requests onto what an instance can allocate."""

from __future__ import annotations

from dataclasses import dataclass

from capacity.catalog import InstanceType
from capacity.errors import InfeasibleError


@dataclass(frozen=True)
class PodShape:
    """`count` identical pods of one workload with these resource requests."""

    workload: str
    cpu_m: int
    memory_mib: int
    count: int


@dataclass(frozen=True)
class DaemonOverhead:
    """What DaemonSets (CNI, kube-proxy, log and metrics agents) request on every node."""

    cpu_m: int
    memory_mib: int
    pods: int


@dataclass(frozen=True)
class NodeRoom:
    cpu_m: int
    memory_mib: int
    pods: int

    def fits(self, shape: PodShape) -> int:
        """How many pods of this shape still fit."""
        return min(self.cpu_m // shape.cpu_m, self.memory_mib // shape.memory_mib, self.pods)

    def minus(self, shape: PodShape, count: int) -> NodeRoom:
        return NodeRoom(self.cpu_m - count * shape.cpu_m, self.memory_mib - count * shape.memory_mib, self.pods - count)


@dataclass(frozen=True)
class NodePlan:
    instance_type: str
    nodes_for_pods: int
    headroom_nodes: int
    pods: int
    cpu_requested_m: int
    memory_requested_mib: int
    cpu_allocation: float
    memory_allocation: float

    @property
    def nodes(self) -> int:
        return self.nodes_for_pods + self.headroom_nodes


def room_per_node(instance: InstanceType, overhead: DaemonOverhead) -> NodeRoom:
    return NodeRoom(
        cpu_m=instance.allocatable_cpu_m - overhead.cpu_m,
        memory_mib=instance.allocatable_memory_mib - overhead.memory_mib,
        pods=instance.allocatable_pods - overhead.pods,
    )


def pack_nodes(
    shapes: list[PodShape], instance: InstanceType, overhead: DaemonOverhead, headroom_nodes: int
) -> NodePlan:
    """First-fit decreasing over identical pods, then `headroom_nodes` spare nodes.

    Larger pods go first; each workload fills the open nodes before a new one is opened. The
    spare nodes (one per availability zone) keep a zone's pods schedulable while a node drains.
    """
    empty = room_per_node(instance, overhead)
    for shape in shapes:
        if shape.count and empty.fits(shape) < 1:
            raise InfeasibleError(
                f"a {shape.workload} pod ({shape.cpu_m}m CPU, {shape.memory_mib} MiB) does not fit on an "
                f"empty {instance.name} ({empty.cpu_m}m, {empty.memory_mib} MiB after daemons)"
            )
    ordered = sorted(shapes, key=lambda s: max(s.cpu_m / empty.cpu_m, s.memory_mib / empty.memory_mib), reverse=True)
    nodes: list[NodeRoom] = []
    for shape in ordered:
        left = shape.count
        for index, room in enumerate(nodes):
            placed = min(left, room.fits(shape))
            if placed:
                nodes[index] = room.minus(shape, placed)
                left -= placed
        while left:
            placed = min(left, empty.fits(shape))
            nodes.append(empty.minus(shape, placed))
            left -= placed
    cpu = sum(s.cpu_m * s.count for s in shapes)
    memory = sum(s.memory_mib * s.count for s in shapes)
    return NodePlan(
        instance_type=instance.name,
        nodes_for_pods=len(nodes),
        headroom_nodes=headroom_nodes,
        pods=sum(s.count for s in shapes),
        cpu_requested_m=cpu,
        memory_requested_mib=memory,
        cpu_allocation=cpu / (len(nodes) * instance.allocatable_cpu_m) if nodes else 0.0,
        memory_allocation=memory / (len(nodes) * instance.allocatable_memory_mib) if nodes else 0.0,
    )
