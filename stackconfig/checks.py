"""Checks across sections (references, names, fit), run once every section is valid on its own."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence

from capacity.catalog import Catalog
from capacity.nodes import DaemonOverhead, PodShape, room_per_node
from stackconfig.model import StackSettings, Workload
from stackconfig.problems import Problem, key_path

Finding = tuple[tuple[str | int, ...], str]


def cross_section_problems(settings: StackSettings, catalog: Catalog, file: str) -> list[Problem]:
    findings = [
        *_duplicate_names(settings),
        *_route_references(settings),
        *_replica_caps(settings),
        *_pods_fit_nodes(settings, catalog),
        *_subnets_per_zone(settings),
    ]
    return [Problem(file, key_path(location), message) for location, message in findings]


def _duplicate_names(settings: StackSettings) -> Iterator[Finding]:
    sections = (("routes", settings.routes), ("services", settings.services), ("workers", settings.workers))
    for section, items in sections:
        for name, count in Counter(item.name for item in items).items():
            if count > 1:
                yield (section,), f"the name {name!r} is used {count} times; names must be unique"
    deployments = Counter((w.namespace, w.deployment) for w in settings.workloads)
    for (namespace, deployment), count in deployments.items():
        if count > 1:
            yield ("services",), f"deployment {namespace}/{deployment} is listed {count} times"


def _route_references(settings: StackSettings) -> Iterator[Finding]:
    service_names = [service.name for service in settings.services]
    for index, route in enumerate(settings.routes):
        if route.service not in service_names:
            yield (
                ("routes", index, "service"),
                (f"no service named {route.service!r}; accepted: one of {', '.join(service_names)}"),
            )
    for index, service in enumerate(settings.services):
        if not settings.routes_of(service.name):
            yield ("services", index), f"service {service.name!r} serves no route; add a route or remove it"


def _replica_caps(settings: StackSettings) -> Iterator[Finding]:
    for section, items in (("services", settings.services), ("workers", settings.workers)):
        for index, item in enumerate(items):
            if item.max_replicas_cap < item.replica_floor:
                yield (
                    (section, index, "maxReplicasCap"),
                    (
                        f"{item.max_replicas_cap} is below the {item.replica_floor} replicas the workload must keep; "
                        f"accepted: at least {item.replica_floor}"
                    ),
                )


def _pods_fit_nodes(settings: StackSettings, catalog: Catalog) -> Iterator[Finding]:
    instance = catalog.instance_types[settings.nodes.instance_type]
    overhead = settings.nodes.daemon_overhead
    room = room_per_node(instance, DaemonOverhead(overhead.cpu_millicores, overhead.memory_mib, overhead.pods))
    if min(room.cpu_m, room.memory_mib, room.pods) <= 0:
        yield (
            ("nodes", "daemonOverhead"),
            (
                f"the daemons take all of a {instance.name} ({instance.allocatable_cpu_m}m CPU, "
                f"{instance.allocatable_memory_mib} MiB, {instance.allocatable_pods} pods allocatable)"
            ),
        )
        return
    sections: tuple[tuple[str, Sequence[Workload]], ...] = (
        ("services", settings.services),
        ("workers", settings.workers),
    )
    for section, items in sections:
        for index, item in enumerate(items):
            shape = PodShape(item.name, item.cpu_request_millicores, item.memory_request_mib, 1)
            if room.fits(shape) < 1:
                yield (
                    (section, index),
                    (
                        f"a pod requesting {shape.cpu_m}m CPU and {shape.memory_mib} MiB does not fit on a "
                        f"{instance.name} node ({room.cpu_m}m CPU, {room.memory_mib} MiB free after daemons); "
                        "pick a larger nodes.instanceType or smaller requests"
                    ),
                )


def _subnets_per_zone(settings: StackSettings) -> Iterator[Finding]:
    if len(settings.platform.subnet_ids) < settings.nodes.availability_zones:
        yield (
            ("platform", "subnetIds"),
            (
                f"{len(settings.platform.subnet_ids)} subnets for {settings.nodes.availability_zones} "
                "availability zones; give at least one subnet per zone"
            ),
        )
