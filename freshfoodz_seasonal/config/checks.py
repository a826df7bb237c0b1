"""Checks across sections (references, names, fit).

Each check runs as soon as the sections it reads are valid on their own, so a file with a bad
value in one section still hears about a broken reference in another.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from capacity.catalog import Catalog
from capacity.nodes import PodShape, room_per_node
from freshfoodz_seasonal.config.model import (
    Kpis,
    Nodes,
    PeakControls,
    Platform,
    Route,
    SeasonWindow,
    Service,
    Worker,
    Workload,
)
from freshfoodz_seasonal.config.problems import Problem, key_path
from freshfoodz_seasonal.config.war_room import WarRoom
from freshfoodz_seasonal.metrics.names import DEFAULT_SAMPLE_ROUTE
from freshfoodz_seasonal.seasons.windows import EVERY_KIND_OF_YEAR, resolve_window

Finding = tuple[tuple[str | int, ...], str]


@dataclass(frozen=True)
class ValidSections:
    """What passed validation on its own: list items with their index, whole mapping sections
    (None where invalid). Names come from every entry, valid or not, so that a route is not
    blamed for naming a service whose other keys are wrong, nor a service for a broken route."""

    routes: Sequence[tuple[int, Route]]
    services: Sequence[tuple[int, Service]]
    workers: Sequence[tuple[int, Worker]]
    nodes: Nodes | None
    platform: Platform | None
    peak_controls: PeakControls | None
    sample_route: str | None
    kpis: Kpis | None
    window: SeasonWindow | None
    war_room: WarRoom | None
    route_names: frozenset[str]
    service_names: frozenset[str]
    served_names: frozenset[str]


def cross_section_problems(sections: ValidSections, catalog: Catalog, file: str) -> list[Problem]:
    findings = [
        *_duplicate_names(sections),
        *_route_references(sections),
        *_replica_caps(sections),
        *_pods_fit_nodes(sections, catalog),
        *_subnets_per_zone(sections),
        *_priority_services(sections),
        *_sample_route(sections),
        *_kpi_routes(sections),
        *_staffed_days(sections),
    ]
    return [Problem(file, key_path(location), message) for location, message in findings]


def _workload_sections(sections: ValidSections) -> list[tuple[str, Sequence[tuple[int, Workload]]]]:
    return [("services", sections.services), ("workers", sections.workers)]


def _duplicate_names(sections: ValidSections) -> Iterator[Finding]:
    named: list[tuple[str, Sequence[tuple[int, Route | Workload]]]] = [
        ("routes", sections.routes),
        *_workload_sections(sections),
    ]
    for section, items in named:
        for name, count in Counter(item.name for _, item in items).items():
            if count > 1:
                yield (section,), f"the name {name!r} is used {count} times; names must be unique"
    # A workload is named in alerts, `--skip-cpu` and the plan by its name alone: a service and a worker may
    # not share one.
    services = {service.name for _, service in sections.services}
    for index, worker in sections.workers:
        if worker.name in services:
            yield (
                ("workers", index, "name"),
                f"{worker.name!r} is also a service's name; a service and a worker need names of their own",
            )
    # The HTTP metrics label a request by method and path only: two routes with both alike would share one
    # series (its traffic counted twice, its CPU given to the wrong service).
    endpoints: dict[tuple[str, str], str] = {}
    for index, route in sections.routes:
        endpoint = (route.method, route.path)
        if endpoint in endpoints:
            yield (
                ("routes", index, "path"),
                f"{route.method} {route.path} is already route {endpoints[endpoint]!r}; each method and path belongs "
                "to one route (the HTTP metrics cannot tell two apart)",
            )
        endpoints.setdefault(endpoint, route.name)
    # By name alone, across namespaces: each HPA patch (and its provisioning step) is named after its
    # Deployment, and two resources of one name would collide in the stack.
    seen: dict[str, str] = {}
    for section, workloads in _workload_sections(sections):
        for index, workload in workloads:
            if workload.deployment in seen:
                yield (
                    (section, index, "deployment"),
                    (
                        f"deployment {workload.deployment!r} is already scaled by {seen[workload.deployment]}; "
                        "each Deployment name belongs to one service or worker, across namespaces too (the season "
                        "names each HPA patch after its Deployment)"
                    ),
                )
            seen.setdefault(workload.deployment, f"{section} {workload.name!r} (namespace {workload.namespace})")


def _route_references(sections: ValidSections) -> Iterator[Finding]:
    known = sorted(sections.service_names)
    for index, route in sections.routes:
        if route.service not in sections.service_names:
            yield (
                ("routes", index, "service"),
                f"no service named {route.service!r}; accepted: one of {', '.join(known) or '(no services)'}",
            )
    for index, service in sections.services:
        if service.name not in sections.served_names:
            yield ("services", index), f"service {service.name!r} serves no route; add a route or remove it"


def _replica_caps(sections: ValidSections) -> Iterator[Finding]:
    for section, workloads in _workload_sections(sections):
        for index, item in workloads:
            if item.baseline_max_replicas < item.baseline_replicas:
                yield (
                    (section, index, "baselineMaxReplicas"),
                    f"{item.baseline_max_replicas} is below baselineReplicas {item.baseline_replicas}; "
                    f"accepted: at least {item.baseline_replicas}",
                )
            # The policy pack holds the HPA to maxReplicasCap in both phases: a baseline above the cap
            # would block the rollback at the end of the season, so it is refused now.
            if item.baseline_max_replicas > item.max_replicas_cap:
                yield (
                    (section, index, "baselineMaxReplicas"),
                    f"{item.baseline_max_replicas} is above maxReplicasCap {item.max_replicas_cap}, which bounds "
                    f"the HPA in both phases; accepted: at most {item.max_replicas_cap}",
                )
            if item.max_replicas_cap < item.replica_floor:
                yield (
                    (section, index, "maxReplicasCap"),
                    f"{item.max_replicas_cap} is below the {item.replica_floor} replicas the workload must keep; "
                    f"accepted: at least {item.replica_floor}",
                )


def _pods_fit_nodes(sections: ValidSections, catalog: Catalog) -> Iterator[Finding]:
    if sections.nodes is None:
        return
    instance = catalog.instance_types[sections.nodes.instance_type]
    room = room_per_node(instance, sections.nodes.daemon_overhead.as_request())
    if min(room.cpu_m, room.memory_mib, room.pods) <= 0:
        yield (
            ("nodes", "daemonOverhead"),
            (
                f"the daemons take all of a {instance.name} ({instance.allocatable_cpu_m}m CPU, "
                f"{instance.allocatable_memory_mib} MiB, {instance.allocatable_pods} pods allocatable)"
            ),
        )
        return
    for section, workloads in _workload_sections(sections):
        for index, item in workloads:
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


def _subnets_per_zone(sections: ValidSections) -> Iterator[Finding]:
    if sections.platform is None or sections.nodes is None:
        return
    subnets, zones = len(sections.platform.subnet_ids), sections.nodes.availability_zones
    if subnets < zones:
        yield (
            ("platform", "subnetIds"),
            f"{subnets} subnets for {zones} availability zones; give at least one subnet per zone",
        )


def _priority_services(sections: ValidSections) -> Iterator[Finding]:
    if sections.peak_controls is None:
        return
    known = sorted(sections.service_names)
    for index, name in enumerate(sections.peak_controls.priority_services):
        if name not in sections.service_names:
            yield (
                ("peakControls", "priorityServices", index),
                f"no service named {name!r}; accepted: one of {', '.join(known) or '(no services)'}",
            )


def _sample_route(sections: ValidSections) -> Iterator[Finding]:
    if sections.sample_route is not None and sections.sample_route not in sections.route_names:
        known = ", ".join(sorted(sections.route_names)) or "(no routes)"
        default = (
            " (the default where metrics.sampleRoute is not set)"
            if sections.sample_route == DEFAULT_SAMPLE_ROUTE
            else ""
        )
        yield (
            ("metrics", "sampleRoute"),
            f"no route named {sections.sample_route!r}{default}; name the route whose success rate is your "
            f"business KPI, one of {known}",
        )


def _kpi_routes(sections: ValidSections) -> Iterator[Finding]:
    if sections.kpis is None:
        return
    known = ", ".join(sorted(sections.route_names)) or "(no routes)"
    for index, name in enumerate(sections.kpis.p95_routes):
        if name not in sections.route_names:
            yield (("kpis", "p95Routes", index), f"no route named {name!r}; accepted: one of {known}")


def _staffed_days(sections: ValidSections) -> Iterator[Finding]:
    """The war room's days within the season's window in every year, not only the coming one: the Wiesn
    and a window ending with it move with the weekdays."""
    if sections.war_room is None or sections.window is None:
        return
    refusals = []
    for year in EVERY_KIND_OF_YEAR:
        try:
            sections.war_room.staffed_days(resolve_window(sections.window.start, sections.window.end, year))
        except ValueError as error:
            refusals.append(str(error))
    if len(refusals) == len(EVERY_KIND_OF_YEAR):
        yield (("warRoom", "days"), refusals[0])
    elif refusals:
        yield (
            ("warRoom", "days"),
            f"{refusals[0]}; the Wiesn moves with the weekdays: the days must fit the window in every year; "
            f"they fit in {len(EVERY_KIND_OF_YEAR) - len(refusals)} of {len(EVERY_KIND_OF_YEAR)} years",
        )
