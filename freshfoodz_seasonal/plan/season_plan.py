"""The capacity plan of one season: pods, HPAs, workers, database, nodes and cost.

The plan carries what its consumers need from the settings (routes' methods and paths, slots per
pod, caps, the platform's own HPA values, the node architecture, the budget), so the manifests, alerts,
dashboard, load test and declaration take the plan alone and never join back to the settings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from capacity.catalog import Catalog
from capacity.cost import CostEstimate, PriceBook, cost_line, ec2_price, rds_price
from capacity.cpu import CpuUse, cpu_utilization, pods_for_cpu
from capacity.database import DatabaseDemand, DatabaseSizing, candidate_classes, size_database
from capacity.errors import InfeasibleError
from capacity.hpa import HpaBounds, hpa_bounds
from capacity.nodes import NodePlan, PodShape, pack_nodes
from capacity.pool_sizing import Method, PoolSizing, describe_pool, size_pool
from capacity.pool_spec import PoolSpec, RouteLoad
from capacity.service_time import ServiceTime
from capacity.workers import (
    SLA_QUANTILE,
    ExponentialJobTime,
    WorkerSizing,
    job_done_quantile_s,
    job_wait_quantile_s,
    pods_for_sla,
    size_workers,
)
from freshfoodz_seasonal.config.model import (
    Phase,
    Route,
    ScalingMetric,
    Service,
    StackSettings,
    Worker,
    WorkerAutoscaler,
    Workload,
)
from freshfoodz_seasonal.plan.variability import variability_warning
from freshfoodz_seasonal.seasons.ownership import running_days
from freshfoodz_seasonal.seasons.windows import Window, resolve_window

# What costs.seasonBudget is compared with, in the plan and in the policy pack alike.
BUDGET_MEASURE = (
    "what the season adds per hour, from its first provisioning day (T-14) to its scale-back two days after"
)


# An HPA CPU target outside this range cannot work: below, metrics noise and idle CPU trigger it;
# above, pods are saturated before the HPA reacts.
SENSIBLE_CPU_TARGET = (0.10, 0.90)
# The HPA leaves the replicas alone while the metric is within 10 % of its target (kube-controller-manager's
# --horizontal-pod-autoscaler-tolerance, default 0.1).
HPA_TOLERANCE = 0.1
# Above this load per pod (against the plan's) before the HPA reacts, idle CPU blunts it: warned.
LATE_REACTION = 1.2


@dataclass(frozen=True)
class CpuAtPlan:
    """A workload's CPU at the planned peak, and the HPA CPU target taken from it."""

    millicores_per_unit: float | None
    """CPU milliseconds per request (services) or job (workers); None when the stack has no measurement."""
    idle_millicores: float | None
    utilization_at_plan: float | None
    """CPU used / CPU requested at the planned pods and the peak load; None when unmeasured."""
    used_millicores: float | None
    """CPU a pod uses at the planned pods and the peak load; None when unmeasured."""
    hpa_target_percent: int
    pods_for_cpu: int | None
    """The fewest pods whose CPU stays under the tier's target; None when unmeasured."""
    reacts_at_load: float | None
    """The load per pod, as a multiple of the plan's, at which the HPA starts adding pods; None when unknown."""
    rate_per_pod: float
    """Requests (or jobs) per second each planned pod takes at the peak."""
    measured_up_to: float | None
    """The highest rate per pod the CPU line was measured on; None when unknown."""

    @property
    def source(self) -> str:
        return "fallback" if self.utilization_at_plan is None else "measured"


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
class Series:
    """A Prometheus metric and the exact label matchers that pick one workload's series."""

    metric: str
    matchers: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ScaledPlan:
    """What services and workers share: a Deployment whose HPA the season patches."""

    name: str
    deployment: str
    namespace: str
    pods: int
    binding_constraint: str
    baseline_replicas: int
    hpa: HpaBounds
    cpu: CpuAtPlan
    max_replicas_cap: int
    baseline_max_replicas: int
    """The platform's own HPA maxReplicas, which phase baseline restores."""
    baseline_cpu_target_percent: int
    """The platform's own HPA CPU target, which phase baseline restores."""
    concurrency_target: float | None
    """In-flight requests per pod the HPA keeps (autoscaling.metric concurrency, services only); None: CPU."""


@dataclass(frozen=True)
class ServicePlan(ScaledPlan):
    routing: str
    sizing: PoolSizing
    seed_formula_pods: int
    slots_per_pod: int


@dataclass(frozen=True)
class WorkerPlan(ScaledPlan):
    sizing: WorkerSizing
    utilization: float
    sla_seconds: float | None
    predicted_p99_wait_s: float
    """The 99th percentile of a job's wait in the queue at the planned pods and the peak input."""
    predicted_p99_done_s: float
    """The 99th percentile of a job's time from enqueue to done (wait + work): what the SLA holds."""
    backlog_age: Series | None
    """The gauge of the oldest queued job's age, which the SLA alerts watch."""
    external_autoscaler: bool
    """Scaled by something else than the platform's HPA (e.g. KEDA): the season patches no HPA for it."""


@dataclass(frozen=True)
class SeasonPlan:
    stack: str
    season: str
    title: str
    phase: Phase
    method: Method
    load_multiplier: float
    app_server_utilization_target: float
    """The season's target utilization of the app servers' slots, 0 < x < 1."""
    window: Window
    routes: tuple[PlannedRoute, ...]
    services: tuple[ServicePlan, ...]
    workers: tuple[WorkerPlan, ...]
    concurrency_metric: str | None
    """The Pods metric the services' HPAs scale on (autoscaling.metric concurrency); None: CPU."""
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

    @property
    def scaled(self) -> tuple[ScaledPlan, ...]:
        """Every Deployment whose HPA the season patches: the services, then the workers the HPA scales."""
        return (*self.services, *self.hpa_workers)

    @property
    def pods(self) -> int:
        """The planned pods of every service and worker."""
        return sum(item.pods for item in (*self.services, *self.workers))

    @property
    def hpa_workers(self) -> tuple[WorkerPlan, ...]:
        """The workers the platform's HPA scales (not `autoscaler: external`)."""
        return tuple(worker for worker in self.workers if not worker.external_autoscaler)

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


def plan_service(settings: StackSettings, service: Service, method: Method) -> ServicePlan:
    try:
        return _size_service(settings, service, method)
    except InfeasibleError as error:
        raise error.within(f"service {service.name}") from None


def _size_service(settings: StackSettings, service: Service, method: Method) -> ServicePlan:
    """Pods from the sizing method and the CPU, raised to the service's floors, and the HPA around them."""
    target = settings.season.target_utilization.app_servers
    spec = pool_spec_of(settings, service, settings.season.load_multiplier)
    sizing = size_pool(spec, method)
    seed = size_pool(spec, Method.SEED).pods if method is Method.MODEL else sizing.pods
    peak_rps = sum(route.rps for route in spec.routes)
    cpu_pods = _cpu_pods(service, peak_rps, target)
    floor = service.replica_floor
    floor_name = "baselineReplicas" if floor == service.baseline_replicas else "minReplicas"
    pods, binding = max(
        (sizing.pods, sizing.binding_constraint.value), (cpu_pods or 0, "cpu"), (floor, floor_name), key=_most_pods
    )
    if pods > sizing.pods:
        # Report utilization and latency at the pods that will run, not at the unfloored count.
        sizing = describe_pool(
            spec, pods, method, sizing.binding_constraint, sizing.pods_for_utilization, sizing.pods_for_latency
        )
    concurrency = settings.autoscaling.metric is ScalingMetric.CONCURRENCY
    cpu = _cpu_at_plan(service, peak_rps, pods, cpu_pods, target, concurrency)
    return ServicePlan(
        name=service.name,
        deployment=service.deployment,
        namespace=service.namespace,
        pods=pods,
        binding_constraint=binding,
        baseline_replicas=service.baseline_replicas,
        hpa=_hpa(service, pods, cpu),
        cpu=cpu,
        max_replicas_cap=service.max_replicas_cap,
        baseline_max_replicas=service.baseline_max_replicas,
        baseline_cpu_target_percent=service.baseline_cpu_target_percent,
        # The requests a pod serves at once at the planned peak: the HPA keeps each pod at the plan's load.
        concurrency_target=sizing.busy_slots / pods if concurrency else None,
        routing=service.routing.value,
        sizing=sizing,
        seed_formula_pods=seed,
        slots_per_pod=service.slots_per_pod,
    )


def _most_pods(candidate: tuple[int, str]) -> int:
    # max() keeps the first of equals: the queueing model, then the CPU, then the floor.
    return candidate[0]


def _cpu_pods(workload: Workload, rate_per_s: float, target: float) -> int | None:
    use = workload.cpu_use
    if use is None:
        return None
    return pods_for_cpu(rate_per_s, use, workload.cpu_request_millicores / 1000.0, target)


def _cpu_at_plan(
    workload: Workload, rate_per_s: float, pods: int, cpu_pods: int | None, target: float, concurrency: bool = False
) -> CpuAtPlan:
    """The CPU a pod uses at the planned peak: the HPA's target, so it adds pods when the load per pod passes
    the plan's. Without a measurement the target is the tier's target utilization (the fallback)."""
    use: CpuUse | None = workload.cpu_use
    if use is None:
        # In-flight requests grow with the load per pod: the HPA reacts past its tolerance.
        reacts = 1.0 + HPA_TOLERANCE if concurrency else None
        return CpuAtPlan(None, None, None, None, round(target * 100), None, reacts, rate_per_s / pods, None)
    request = workload.cpu_request_millicores / 1000.0
    utilization = cpu_utilization(rate_per_s, use, pods, request)
    percent = min(100, max(1, round(utilization * 100)))
    if concurrency:
        reacts = 1.0 + HPA_TOLERANCE
    else:
        # The HPA adds pods once CPU passes (1 + tolerance) x its target; idle CPU does not grow with load,
        # so the load per pod must grow by more than the tolerance.
        at_plan = rate_per_s / pods * use.seconds_per_unit
        reacts = ((1.0 + HPA_TOLERANCE) * percent / 100.0 * request - use.idle_cores_per_pod) / at_plan
    return CpuAtPlan(
        millicores_per_unit=use.seconds_per_unit * 1000.0,
        idle_millicores=use.idle_cores_per_pod * 1000.0,
        utilization_at_plan=utilization,
        used_millicores=utilization * workload.cpu_request_millicores,
        hpa_target_percent=percent,
        pods_for_cpu=cpu_pods,
        reacts_at_load=reacts,
        rate_per_pod=rate_per_s / pods,
        measured_up_to=use.measured_up_to,
    )


def _hpa(workload: Workload, pods: int, cpu: CpuAtPlan) -> HpaBounds:
    return hpa_bounds(
        pods, workload.hpa_headroom, workload.max_replicas_cap, cpu.hpa_target_percent, workload.baseline_max_replicas
    )


def plan_worker(settings: StackSettings, worker: Worker) -> WorkerPlan:
    try:
        return _size_worker(settings, worker)
    except InfeasibleError as error:
        raise error.within(f"worker {worker.name}") from None


def _size_worker(settings: StackSettings, worker: Worker) -> WorkerPlan:
    """Pods for the target utilization, the queue SLA and the CPU, raised to the baseline, and the HPA around them."""
    target = settings.season.target_utilization.workers
    jobs_per_s = worker.baseline_jobs_per_second * settings.season.load_multiplier
    job_s = worker.mean_job_time_ms / 1000.0
    sizing = size_workers(jobs_per_s, job_s, worker.concurrency_per_pod, target)
    cap = worker.max_replicas_cap
    sla_pods = _sla_pods(worker, jobs_per_s, sizing.pods)
    cpu_pods = _cpu_pods(worker, jobs_per_s, target)
    pods, binding = max(
        (sizing.pods, "utilization"),
        (sla_pods or 0, "sla"),
        (cpu_pods or 0, "cpu"),
        (worker.baseline_replicas, "baselineReplicas"),
        key=_most_pods,
    )
    if pods > cap:
        raise InfeasibleError(f"the plan needs {pods} pods ({binding}) but maxReplicasCap is {cap}")
    cpu = _cpu_at_plan(worker, jobs_per_s, pods, cpu_pods, target)
    return WorkerPlan(
        name=worker.name,
        deployment=worker.deployment,
        namespace=worker.namespace,
        pods=pods,
        binding_constraint=binding,
        baseline_replicas=worker.baseline_replicas,
        hpa=_hpa(worker, pods, cpu),
        cpu=cpu,
        max_replicas_cap=cap,
        baseline_max_replicas=worker.baseline_max_replicas,
        baseline_cpu_target_percent=worker.baseline_cpu_target_percent,
        concurrency_target=None,
        sizing=sizing,
        utilization=sizing.busy_slots / (pods * worker.concurrency_per_pod),
        sla_seconds=worker.sla_seconds,
        predicted_p99_wait_s=job_wait_quantile_s(jobs_per_s, job_s, pods * worker.concurrency_per_pod),
        predicted_p99_done_s=job_done_quantile_s(jobs_per_s, job_s, pods * worker.concurrency_per_pod),
        backlog_age=(
            None
            if worker.backlog_age_metric is None
            else Series(worker.backlog_age_metric.name, tuple(sorted(worker.backlog_age_metric.matchers.items())))
        ),
        external_autoscaler=worker.autoscaler is WorkerAutoscaler.EXTERNAL,
    )


def _sla_pods(worker: Worker, jobs_per_s: float, first: int) -> int | None:
    """The fewest pods that hold the queue SLA; InfeasibleError when maxReplicasCap pods cannot."""
    sla = worker.sla_seconds
    if sla is None:
        return None
    job_s = worker.mean_job_time_ms / 1000.0
    own = ExponentialJobTime(job_s).quantile_s(SLA_QUANTILE)
    if own > sla:
        raise InfeasibleError(
            f"slaSeconds {sla:g} is shorter than a job's own p99 time of {own:.4g} s (a job of {job_s:.4g} s on "
            "average, taken as exponential): no number of pods helps; shorten the jobs or allow a longer SLA"
        )
    cap = worker.max_replicas_cap
    pods = pods_for_sla(jobs_per_s, job_s, worker.concurrency_per_pod, sla, min(first, cap), cap)
    if pods is not None:
        return pods
    drain = cap * worker.concurrency_per_pod / job_s
    if jobs_per_s >= drain:
        reason = f"the peak input of {jobs_per_s:.4g} jobs/s is at or above the {drain:.4g} jobs/s {cap} pods drain"
    else:
        done = job_done_quantile_s(jobs_per_s, job_s, cap * worker.concurrency_per_pod)
        reason = f"at {cap} pods 1 % of the jobs take longer than {done:.4g} s from enqueue to done"
    raise InfeasibleError(
        f"slaSeconds {sla:g} cannot be held at maxReplicasCap: {reason}; raise the cap or the concurrency per pod"
    )


def _connections(settings: StackSettings, service_pods: dict[str, int], worker_pods: dict[str, int]) -> int:
    """Connections = sum of pods x pool per pod, over services and workers."""
    return sum(s.db_pool_per_pod * service_pods[s.name] for s in settings.services) + sum(
        w.db_pool_per_pod * worker_pods[w.name] for w in settings.workers
    )


def database_demand(
    settings: StackSettings, catalog: Catalog, services: Sequence[ServicePlan], workers: Sequence[WorkerPlan]
) -> DatabaseDemand:
    """What the planned pods and the season's load ask of the database."""
    db = settings.database
    baseline = catalog.rds_classes[db.instance_class]
    return DatabaseDemand(
        connections=_connections(settings, {s.name: s.pods for s in services}, {w.name: w.pods for w in workers}),
        # Database CPU is assumed to grow in proportion to the request load.
        busy_vcpu=db.baseline_cpu_utilization * baseline.vcpu * settings.season.load_multiplier,
        read_share=db.read_share,
    )


def _plan_database(
    settings: StackSettings, catalog: Catalog, services: tuple[ServicePlan, ...], workers: tuple[WorkerPlan, ...]
) -> tuple[DatabaseSizing, int]:
    db = settings.database
    sizing = size_database(
        database_demand(settings, catalog, services, workers),
        candidate_classes(catalog.rds_classes.values(), catalog.rds_classes[db.instance_class]),
        settings.season.target_utilization.database,
        db.max_read_replicas,
    )
    at_max = _connections(
        settings, {s.name: s.hpa.max_replicas for s in services}, {w.name: w.hpa.max_replicas for w in workers}
    )
    return sizing, at_max


def plan_nodes(
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


def _cpu_target_warnings(item: ScaledPlan) -> list[str]:
    """What makes a CPU measurement or target unfit: a plan beyond the measured rates (whatever the HPA scales
    on, the CPU constraint uses the line), a target out of the sensible range, idle CPU that blunts the HPA."""
    cpu = item.cpu
    utilization = cpu.utilization_at_plan
    if utilization is None:
        return []
    warnings = []
    if cpu.measured_up_to is not None and cpu.rate_per_pod > cpu.measured_up_to:
        warnings.append(
            f"each pod takes {cpu.rate_per_pod:.3g}/s at the planned peak, beyond the {cpu.measured_up_to:.3g}/s per "
            "pod its CPU was measured on: the CPU constraint and target are extrapolated; measure again "
            "after a busier period, or check them in the load test"
        )
    if item.concurrency_target is not None:
        return warnings
    low, high = SENSIBLE_CPU_TARGET
    if not low <= utilization <= high:
        consequence = (
            "metrics noise and idle CPU move the HPA more than the load does; lower the CPU request"
            if utilization < low
            else "a pod is near saturation before the HPA reacts; raise the CPU request"
        )
        warnings.append(
            f"the CPU a pod uses at the planned peak, {utilization:.1%} of its request (the HPA CPU target), is "
            f"outside {low:.0%} to {high:.0%}: {consequence}"
        )
    if cpu.reacts_at_load is not None and cpu.reacts_at_load > LATE_REACTION:
        warnings.append(
            f"idle CPU is {cpu.idle_millicores or 0:.0f} of the {cpu.used_millicores or 0:.0f} millicores "
            f"a pod uses at the peak, so the HPA adds pods only at {cpu.reacts_at_load:.2f}x the plan's load per pod "
            "(CPU must pass its target by 10 %); consider autoscaling.metric: concurrency"
        )
    return warnings


def _variability_warnings(plan_services: tuple[ServicePlan, ...]) -> list[str]:
    return [
        f"service {planned.name}: {warning}"
        for planned in plan_services
        if (warning := variability_warning(planned.sizing)) is not None
    ]


def _warnings(
    settings: StackSettings,
    plan_services: tuple[ServicePlan, ...],
    plan_workers: tuple[WorkerPlan, ...],
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
    for kind, scaled in (("service", plan_services), ("worker", plan_workers)):
        for item in scaled:
            if item.hpa.capped:
                warnings.append(
                    f"{kind} {item.name}: maxReplicasCap {item.hpa.max_replicas} leaves less headroom "
                    f"than asked above the planned {item.pods} pods"
                )
            warnings.extend(f"{kind} {item.name}: {text}" for text in _cpu_target_warnings(item))
    warnings.extend(_variability_warnings(plan_services))
    for worker in plan_workers:
        if worker.external_autoscaler:
            warnings.append(
                f"worker {worker.name}: scaled by an external autoscaler (autoscaler: external), so the season "
                f"declares nothing for it; set its minimum to {worker.pods} and its maximum to at least "
                f"{worker.hpa.max_replicas} at T-14 yourself, and back to {worker.baseline_replicas} and "
                f"{worker.baseline_max_replicas} at rollback"
            )
        if worker.backlog_age is not None and worker.sla_seconds is None:
            warnings.append(
                f"worker {worker.name}: backlogAgeMetric is set but no slaSeconds, so no alert watches its queue"
            )
        if worker.sla_seconds is not None and worker.backlog_age is None:
            warnings.append(
                f"worker {worker.name}: slaSeconds is set but no backlogAgeMetric, so no alert watches the age of "
                "its oldest job; the plan's p99 wait is a prediction nobody checks at the peak"
            )
    unmeasured = [
        item.name
        for item in (*plan_services, *plan_workers)
        if item.cpu.utilization_at_plan is None and item.concurrency_target is None
    ]
    if unmeasured:
        warnings.append(
            f"no CPU per request or job for {', '.join(unmeasured)}: their HPA CPU target is the tier's target "
            "utilization (the fallback), a share of slots, not of CPU; `seasonctl baseline --write` measures it"
        )
    autoscaling = settings.autoscaling
    if autoscaling.metric is ScalingMetric.CPU and autoscaling.concurrency_metric is not None:
        warnings.append(
            f"autoscaling: concurrencyMetric {autoscaling.concurrency_metric} is set but metric is cpu, so the "
            "HPAs scale on CPU; set metric: concurrency to use it"
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


Item = TypeVar("Item")
Planned = TypeVar("Planned")


def _every_one(items: Sequence[Item], plan_one: Callable[[Item], Planned], errors: list[str]) -> tuple[Planned, ...]:
    """Each item planned; the problem of every item that cannot be added to `errors`, not only the first."""
    planned = []
    for item in items:
        try:
            planned.append(plan_one(item))
        except InfeasibleError as error:
            errors += error.problems
    return tuple(planned)


def at_multiplier(settings: StackSettings, load_multiplier: float) -> StackSettings:
    """The same stack at another load: what if the forecast is off."""
    season = settings.season.model_copy(update={"load_multiplier": load_multiplier})
    return settings.model_copy(update={"season": season})


def plan_season(
    settings: StackSettings, catalog: Catalog, stack: str, year: int, method: Method = Method.MODEL
) -> SeasonPlan:
    """The whole plan of a season in `year`; raises InfeasibleError when the config asks the impossible
    (naming every problem of every service and worker that cannot be planned)."""
    season = settings.season
    window = resolve_window(season.window.start, season.window.end, year)
    errors: list[str] = []
    services = _every_one(settings.services, lambda service: plan_service(settings, service, method), errors)
    workers = _every_one(settings.workers, lambda worker: plan_worker(settings, worker), errors)
    if errors:
        raise InfeasibleError(*errors)
    database, at_max = _plan_database(settings, catalog, services, workers)
    nodes = plan_nodes(settings, catalog, services, workers)
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
        concurrency_metric=(
            settings.autoscaling.concurrency_metric
            if settings.autoscaling.metric is ScalingMetric.CONCURRENCY
            else None
        ),
        baseline_db_class=settings.database.instance_class,
        database=database,
        connections_at_hpa_max=at_max,
        nodes=nodes,
        max_nodes=settings.nodes.max_nodes,
        node_arch=catalog.instance_types[nodes.instance_type].arch,
        cost=cost,
        season_budget=settings.costs.season_budget,
        warnings=tuple(_warnings(settings, services, workers, database, at_max, cost)),
    )
