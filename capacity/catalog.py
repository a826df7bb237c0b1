"""The EC2 instance and RDS class catalog: facts with sources (see data/SOURCES.md).

Parsing is pure (text in, records out); reading the packaged CSV files is the job of
`freshfoodz_seasonal.adapters.catalog_files`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass


@dataclass(frozen=True)
class InstanceType:
    """An EC2 type as a Kubernetes node: what the kubelet can allocate to pods (Karpenter's figures)."""

    name: str
    family: str
    arch: str
    vcpu: int
    memory_mib: int
    allocatable_cpu_m: int
    allocatable_memory_mib: int
    allocatable_pods: int
    on_demand_usd_per_hour_us_east_1: float


@dataclass(frozen=True)
class RdsClass:
    """An RDS for PostgreSQL class: the hardware of the EC2 type of the same name."""

    name: str
    vcpu: int
    memory_mib: int
    nominal_max_connections: int
    ec2_on_demand_usd_per_hour_us_east_1: float

    @property
    def family(self) -> str:
        """`db.r7g.xlarge` -> `db.r7g`."""
        return self.name.rsplit(".", 1)[0]


@dataclass(frozen=True)
class Catalog:
    instance_types: dict[str, InstanceType]
    rds_classes: dict[str, RdsClass]


def parse_instance_types(csv_text: str) -> dict[str, InstanceType]:
    rows = csv.DictReader(io.StringIO(csv_text))
    return {
        row["instance_type"]: InstanceType(
            name=row["instance_type"],
            family=row["family"],
            arch=row["arch"],
            vcpu=int(row["vcpu"]),
            memory_mib=int(row["memory_mib"]),
            allocatable_cpu_m=int(row["allocatable_cpu_m"]),
            allocatable_memory_mib=int(row["allocatable_memory_mib"]),
            allocatable_pods=int(row["allocatable_pods"]),
            on_demand_usd_per_hour_us_east_1=float(row["on_demand_usd_per_hour_us_east_1"]),
        )
        for row in rows
    }


def parse_rds_classes(csv_text: str) -> dict[str, RdsClass]:
    rows = csv.DictReader(io.StringIO(csv_text))
    return {
        row["db_instance_class"]: RdsClass(
            name=row["db_instance_class"],
            vcpu=int(row["vcpu"]),
            memory_mib=int(row["memory_mib"]),
            nominal_max_connections=int(row["nominal_max_connections_postgres"]),
            ec2_on_demand_usd_per_hour_us_east_1=float(row["ec2_on_demand_usd_per_hour_us_east_1"]),
        )
        for row in rows
    }
