"""The RDS class (and read replicas) a season needs: connections and CPU at the database target.

Assumptions, stated where the numbers are shown: database CPU grows linearly with request load
(busy vCPU at peak = baseline CPU utilization x baseline vCPU x load multiplier); every pod's pool
connects to the primary (conservative: replicas add capacity for reads, never connections).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from capacity.catalog import RdsClass
from capacity.errors import InfeasibleError

# RDS derives max_connections from DBInstanceClassMemory, which is below the nominal memory; the
# observed defaults run 3-12 % under LEAST(memory/9531392, 5000). See data/SOURCES.md.
MAX_CONNECTIONS_FACTOR = 0.9
# Replicas only pay off when reads are most of the work; below this share we scale the primary.
READS_DOMINATE_SHARE = 0.5


@dataclass(frozen=True)
class DatabaseDemand:
    connections: int
    busy_vcpu: float
    read_share: float


@dataclass(frozen=True)
class DatabaseSizing:
    instance_class: str
    vcpu: int
    read_replicas: int
    connections: int
    usable_max_connections: int
    connection_utilization: float
    busy_vcpu: float
    primary_cpu_utilization: float
    replica_cpu_utilization: float | None
    binding_constraint: str


def usable_max_connections(rds_class: RdsClass) -> int:
    return math.floor(rds_class.nominal_max_connections * MAX_CONNECTIONS_FACTOR)


def candidate_classes(classes: Iterable[RdsClass], baseline: RdsClass) -> list[RdsClass]:
    """The baseline class's family, from the baseline size up, smallest first.

    A season never shrinks the platform's database, and staying in one family keeps the engine
    version, storage and parameter group valid for the class change.
    """
    same_family = [c for c in classes if c.family == baseline.family and c.vcpu >= baseline.vcpu]
    return sorted(same_family, key=lambda c: (c.vcpu, c.memory_mib))


def size_database(
    demand: DatabaseDemand,
    candidates: list[RdsClass],
    target_utilization: float,
    max_read_replicas: int,
) -> DatabaseSizing:
    """The smallest candidate whose connections and vCPU meet the demand at the target.

    Connections fit when demand <= usable max_connections x target. CPU fits when busy vCPU <=
    vCPU x target on the primary alone, or, where reads dominate, when the writes fit on the
    primary and the reads on at most `max_read_replicas` replicas of the same class.
    """
    # Which constraint ruled out the class before the chosen one is the one that binds.
    binding = "platform class (season never shrinks it)"
    for rds_class in candidates:
        usable = usable_max_connections(rds_class)
        if demand.connections > usable * target_utilization:
            binding = "connections"
            continue
        capacity_vcpu = rds_class.vcpu * target_utilization
        if demand.busy_vcpu <= capacity_vcpu:
            return _sizing(demand, rds_class, 0, binding)
        if demand.read_share >= READS_DOMINATE_SHARE:
            write_vcpu = demand.busy_vcpu * (1.0 - demand.read_share)
            replicas = math.ceil(demand.busy_vcpu * demand.read_share / capacity_vcpu)
            if write_vcpu <= capacity_vcpu and replicas <= max_read_replicas:
                return _sizing(demand, rds_class, replicas, "cpu: reads moved to replicas")
        binding = "cpu"
    largest = candidates[-1]
    raise InfeasibleError(
        f"no class of family {largest.family} carries {demand.connections} connections and "
        f"{demand.busy_vcpu:.1f} busy vCPU at the database target {target_utilization:.0%} "
        f"(largest: {largest.name}, {usable_max_connections(largest)} usable connections, "
        f"{largest.vcpu} vCPU); pool connections (RDS Proxy, PgBouncer) or allow more read replicas"
    )


def _sizing(demand: DatabaseDemand, rds_class: RdsClass, replicas: int, binding: str) -> DatabaseSizing:
    usable = usable_max_connections(rds_class)
    on_primary = demand.busy_vcpu * (1.0 - demand.read_share) if replicas else demand.busy_vcpu
    return DatabaseSizing(
        instance_class=rds_class.name,
        vcpu=rds_class.vcpu,
        read_replicas=replicas,
        connections=demand.connections,
        usable_max_connections=usable,
        connection_utilization=demand.connections / usable,
        busy_vcpu=demand.busy_vcpu,
        primary_cpu_utilization=on_primary / rds_class.vcpu,
        replica_cpu_utilization=(
            demand.busy_vcpu * demand.read_share / (replicas * rds_class.vcpu) if replicas else None
        ),
        binding_constraint=binding,
    )
