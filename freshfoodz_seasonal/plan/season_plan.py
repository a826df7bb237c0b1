"""The capacity plan of one season: pods, HPAs, workers, database, nodes and cost.

The plan carries what its consumers need from the settings (routes' methods and paths, slots per
pod, caps, the platform's own HPA values, the node architecture, the budget), so the manifests, alerts,
dashboard, load test and declaration take the plan alone and never join back to the settings.
"""

from __future__ import annotations

from dataclasses import dataclass

from capacity.catalog import Catalog
from capacity.cost import CostEstimate, PriceBook, cost_line, ec2_price, rds_price
from capacity.database import DatabaseDemand, DatabaseSizing, candidate_classes, size_database
from capacity.errors import InfeasibleError
from capacity.hpa import HpaBounds, hpa_bounds
from capacity.nodes import NodePlan, PodShape, pack_nodes
from capacity.pool_sizing import Method, PoolSizing, describe_pool, size_pool
from capacity.pool_spec import PoolSpec, RouteLoad
from capacity.service_time import ServiceTime
from capacity.workers import WorkerSizing, size_workers
from freshfoodz_seasonal.config.model import Phase, Route, Service, StackSettings, Worker
from freshfoodz_seasonal.seasons.ownership import running_days
from freshfoodz_seasonal.seasons.windows import Window, resolve_window

# What costs.seasonBudget is compared with, in the plan and in the policy pack alike.
BUDGET_MEASURE = (
    "what the season adds per hour, from its first provisioning day (T-14) to its scale-back two days after"
)


@dataclass(frozen=True)
class PlannedRoute:
    """A route as the stack declares it, in the stack file's order."""

    name: str
    service: str
    method: str
    path: str
    """The URI template, as the HTTP metrics label it."""
    baseline_rps: float
    p95_slo_ms: float


@dataclass(frozen=True)
class ServicePlan:
    name: str
    deployment: str
    namespace: str
    routing: str
    sizing: PoolSizing
    pods: int
    binding_constraint: str
    baseline_replicas: int
    hpa: HpaBounds
    seed_formula_pods: int
    slots_per_pod: int
    max_replicas_cap: int
    baseline_max_replicas: int
    """The platform's own HPA maxReplicas, which phase baseline restores."""
    baseline_cpu_target_percent: int
    """The platform's own HPA CPU target, which phase baseline restores."""


@dataclass(frozen=True)
class WorkerPlan:
    name: str
    deployment: str
    namespace: str
    sizing: WorkerSizing
    pods: int
    utilization: float
    baseline_replicas: int
    max_replicas: int


@dataclass(frozen=True)
class SeasonPlan:
    stack: str
    season: str
    title: str
    phase: Phase
    method: Method
    load_multiplier: float
    app_server_utilization_target: float
    """The season's target utilisation of the app servers' slots, 0 < x < 1."""
    window: Window
    routes: tuple[PlannedRoute, ...]
    services: tuple[ServicePlan, ...]
    workers: tuple[WorkerPlan, ...]
    baseline_db_class: str
    database: DatabaseSizing
    connections_at_hpa_max: int
    nodes: NodePlan
    max_nodes: int
    node_arch: str
    """The seasonal instance type's CPU architecture (the catalog's `arm64` or `amd64`)."""
    cost: CostEstimate
    season_budget: float | None
    """`costs.seasonBudget` in the cost's currency, if the stack sets one."""
    warnings: tuple[str, ...]

    def route(self, name: str) -> PlannedRoute:
        """The route named `name`; KeyError if the plan has none."""
        for route in self.routes:
            if route.name == name:
                return route
        raise KeyError(name)


def service_time_of(route: Route) -> ServiceTime:
    """The route's lognormal; the config model guarantees exactly one of CV and p95."""
    mean_s = route.mean_service_time_ms / 1000.0
    if route.service_time_cv is not None:
        return ServiceTime(mean_s, route.service_time_cv)
    return ServiceTime.from_mean_and_p95(mean_s, float(route.p95_service_time_ms or 0.0) / 1000.0)


def pool_spec_of(settings: StackSettings, service: Service, load_multiplier: float) -> PoolSpec:
    return PoolSpec(
        routes=tuple(
            RouteLoad(
                name=route.name,
                rps=route.baseline_rps * load_multiplier,
                service_time=service_time_of(route),
                p95_slo_s=route.p95_slo_ms / 1000.0,
            )
            for route in settings.routes_of(service.name)
        ),
        slots_per_pod=service.slots_per_pod,
        target_utilization=settings.season.target_utilization.app_servers,
        routing=service.routing,
    )


def _plan_service(settings: StackSettings, service: Service, method: Method) -> ServicePlan:
    try:
        return _size_service(settings, service, method)
    except InfeasibleError as error:
        raise InfeasibleError(f"service {service.name}: {error}") from None


def _size_service(settings: StackSettings, service: Service, method: Method) -> ServicePlan:
    """Pods from the sizing method, raised to the service's floors, and the HPA around them."""
    spec = pool_spec_of(settings, service, settings.season.load_multiplier)
    sizing = size_pool(spec, method)
    seed = size_pool(spec, Method.SEED).pods if method is Method.MODEL else sizing.pods
    floor = service.replica_floor
    floor_name = "baselineReplicas" if floor == service.baseline_replicas else "minReplicas"
    pods = max(sizing.pods, floor)
    binding = sizing.binding_constraint.value if pods == sizing.pods else floor_name
    if pods > sizing.pods:
        # Report utilisation and latency at the pods that will run, not at the unfloored count.
        sizing = describe_pool(
            spec, pods, method, sizing.binding_constraint, sizing.pods_for_utilization, sizing.pods_for_latency
        )
    hpa = hpa_bounds(
        pods,
        service.hpa_headroom,
        service.max_replicas_cap,
        settings.season.target_utilization.app_servers,
        service.baseline_max_replicas,
    )
    return ServicePlan(
        name=service.name,
        deployment=service.deployment,
        namespace=service.namespace,
        routing=service.routing.value,
        sizing=sizing,
        pods=pods,
        binding_constraint=binding,
        baseline_replicas=service.baseline_replicas,
        hpa=hpa,
        seed_formula_pods=seed,
        slots_per_pod=service.slots_per_pod,
        max_replicas_cap=service.max_replicas_cap,
        baseline_max_replicas=service.baseline_max_replicas,
        baseline_cpu_target_percent=service.baseline_cpu_target_percent,
    )


def _plan_worker(settings: StackSettings, worker: Worker) -> WorkerPlan:
    sizing = size_workers(
        worker.baseline_jobs_per_second * settings.season.load_multiplier,
        worker.mean_job_time_ms / 1000.0,
        worker.concurrency_per_pod,
        settings.season.target_utilization.workers,
    )
    pods = max(sizing.pods, worker.baseline_replicas)
    if pods > worker.max_replicas_cap:
        raise InfeasibleError(
            f"worker {worker.name}: the plan needs {pods} pods but maxReplicasCap is {worker.max_replicas_cap}"
        )
    return WorkerPlan(
        name=worker.name,
        deployment=worker.deployment,
        namespace=worker.namespace,
        sizing=sizing,
        pods=pods,
        utilization=sizing.busy_slots / (pods * worker.concurrency_per_pod),
        baseline_replicas=worker.baseline_replicas,
        max_replicas=worker.max_replicas_cap,
    )


def _connections(settings: StackSettings, service_pods: dict[str, int], worker_pods: dict[str, int]) -> int:
    """Connections = sum of pods x pool per pod, over services and workers."""
    return sum(s.db_pool_per_pod * service_pods[s.name] for s in settings.services) + sum(
        w.db_pool_per_pod * worker_pods[w.name] for w in settings.workers
    )


def _plan_database(
    settings: StackSettings, catalog: Catalog, services: tuple[ServicePlan, ...], workers: tuple[WorkerPlan, ...]
) -> tuple[DatabaseSizing, int]:
    db = settings.database
    baseline = catalog.rds_classes[db.instance_class]
    demand = DatabaseDemand(
        connections=_connections(settings, {s.name: s.pods for s in services}, {w.name: w.pods for w in workers}),
        # Database CPU is assumed to grow in proportion to the request load.
        busy_vcpu=db.baseline_cpu_utilization * baseline.vcpu * settings.season.load_multiplier,
        read_share=db.read_share,
    )
    sizing = size_database(
        demand,
        candidate_classes(catalog.rds_classes.values(), baseline),
        settings.season.target_utilization.database,
        db.max_read_replicas,
    )
    at_max = _connections(
        settings, {s.name: s.hpa.max_replicas for s in services}, {w.name: w.max_replicas for w in workers}
    )
    return sizing, at_max


def _plan_nodes(
    settings: StackSettings, catalog: Catalog, services: tuple[ServicePlan, ...], workers: tuple[WorkerPlan, ...]
) -> NodePlan:
    """The seasonal node group carries the pods above baseline; the platform's group keeps the rest."""
    requests = {w.name: (w.cpu_request_millicores, w.memory_request_mib) for w in settings.workloads}
    planned: list[ServicePlan | WorkerPlan] = [*services, *workers]
    shapes = [PodShape(p.name, *requests[p.name], p.pods - p.baseline_replicas) for p in planned]
    nodes = pack_nodes(
        shapes,
        catalog.instance_types[settings.nodes.instance_type],
        settings.nodes.daemon_overhead.as_request(),
        headroom_nodes=settings.nodes.availability_zones,
    )
    if nodes.nodes > settings.nodes.max_nodes:
        raise InfeasibleError(
            f"the seasonal node group needs {nodes.nodes} nodes ({nodes.nodes_for_pods} for pods + "
            f"{nodes.headroom_nodes} headroom) but nodes.maxNodes is {settings.nodes.max_nodes}"
        )
    return nodes


def _plan_cost(
    settings: StackSettings, catalog: Catalog, window: Window, database: DatabaseSizing, nodes: NodePlan
) -> CostEstimate:
    costs = settings.costs
    book = PriceBook(
        currency=costs.currency,
        currency_per_usd=costs.currency_per_usd,
        region_price_factor=costs.region_price_factor,
        rds_to_ec2_price_ratio=costs.rds_to_ec2_price_ratio,
        overrides_usd_per_hour=costs.price_overrides_usd_per_hour,
    )
    platform_group = settings.platform.baseline_node_group
    platform_type = catalog.instance_types[platform_group.instance_type]
    platform_nodes = cost_line(
        book, "platform node group", platform_type.name, platform_group.nodes, ec2_price(book, platform_type)
    )
    baseline_class = catalog.rds_classes[settings.database.instance_class]
    planned_class = catalog.rds_classes[database.instance_class]
    multi_az = settings.database.multi_az
    peak = [
        platform_nodes,
        cost_line(
            book,
            "seasonal node group",
            nodes.instance_type,
            nodes.nodes,
            ec2_price(book, catalog.instance_types[nodes.instance_type]),
        ),
        cost_line(book, "RDS primary", planned_class.name, 1, rds_price(book, planned_class, multi_az)),
    ]
    if database.read_replicas:
        peak.append(
            cost_line(
                book,
                "RDS read replicas",
                planned_class.name,
                database.read_replicas,
                rds_price(book, planned_class, False),
            )
        )
    baseline = (
        platform_nodes,
        cost_line(book, "RDS primary", baseline_class.name, 1, rds_price(book, baseline_class, multi_az)),
    )
    return CostEstimate(
        currency=costs.currency,
        currency_per_usd=costs.currency_per_usd,
        hours=window.hours,
        baseline=baseline,
        peak=tuple(peak),
        running_hours=running_days(window) * 24,
    )


def _warnings(
    settings: StackSettings,
    plan_services: tuple[ServicePlan, ...],
    database: DatabaseSizing,
    at_max: int,
    cost: CostEstimate,
) -> list[str]:
    phase = settings.phase
    warnings = []
    if phase is Phase.BASELINE:
        warnings.append(
            "phase baseline: the stack re-applies the baseline values and removes the seasonal extras; "
            "this plan is what phase peak would declare"
        )
    for service in plan_services:
        if service.hpa.capped:
            warnings.append(
                f"service {service.name}: maxReplicasCap {service.hpa.max_replicas} leaves less headroom "
                f"than asked above the planned {service.pods} pods"
            )
    if at_max > database.usable_max_connections:
        warnings.append(
            f"database: at HPA maxReplicas the pools open {at_max} connections, above the "
            f"{database.usable_max_connections} that {database.instance_class} accepts; lower the pools "
            "or the caps, or put a connection pooler in front"
        )
    budget = settings.costs.season_budget
    # In cents, as the node group's tag carries it to the policy pack: the same verdict at the cent.
    if budget is not None and round(cost.extra_while_running, 2) > budget:
        warnings.append(
            f"cost: the season's own cost while its resources run ({BUDGET_MEASURE}) is "
            f"{cost.extra_while_running:,.2f} {cost.currency}, above costs.seasonBudget {budget:,.2f}; the "
            "policy pack (`pulumi up --policy-pack policy`) refuses it"
        )
    return warnings


def plan_season(
    settings: StackSettings, catalog: Catalog, stack: str, year: int, method: Method = Method.MODEL
) -> SeasonPlan:
    """The whole plan of a season in `year`; raises InfeasibleError when the config asks the impossible."""
    season = settings.season
    window = resolve_window(season.window.start, season.window.end, year)
    services = tuple(_plan_service(settings, service, method) for service in settings.services)
    workers = tuple(_plan_worker(settings, worker) for worker in settings.workers)
    database, at_max = _plan_database(settings, catalog, services, workers)
    nodes = _plan_nodes(settings, catalog, services, workers)
    cost = _plan_cost(settings, catalog, window, database, nodes)
    return SeasonPlan(
        stack=stack,
        season=season.name,
        title=season.title,
        phase=settings.phase,
        method=method,
        load_multiplier=season.load_multiplier,
        app_server_utilization_target=season.target_utilization.app_servers,
        window=window,
        routes=tuple(
            PlannedRoute(route.name, route.service, route.method, route.path, route.baseline_rps, route.p95_slo_ms)
            for route in settings.routes
        ),
        services=services,
        workers=workers,
        baseline_db_class=settings.database.instance_class,
        database=database,
        connections_at_hpa_max=at_max,
        nodes=nodes,
        max_nodes=settings.nodes.max_nodes,
        node_arch=catalog.instance_types[nodes.instance_type].arch,
        cost=cost,
        season_budget=settings.costs.season_budget,
        warnings=tuple(_warnings(settings, services, database, at_max, cost)),
    )
