"""The one model of a season stack's config, shared by `seasonctl` and the Pulumi program.

Keys are camelCase as in Pulumi config (`freshfoodz-seasonal:season` -> `season`), fields are
snake_case in Python. Catalog membership is checked during validation, so it needs the catalog in
the validation context: `StackSettings.model_validate(data, context={"catalog": catalog})`.
Defaults live here and nowhere else.
"""

from __future__ import annotations

import difflib
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    Field,
    Strict,
    ValidationInfo,
    field_validator,
    model_validator,
)

from capacity.catalog import Catalog
from capacity.cpu import CpuUse
from capacity.nodes import DaemonOverhead as DaemonOverheadRequest
from capacity.pool_spec import Routing
from capacity.service_time import MAX_P95_TO_MEAN_RATIO
from freshfoodz_seasonal.config.fields import ConfigSection, Duration, MonthDay, Slug, Text, printable
from freshfoodz_seasonal.config.war_room import WarRoom
from freshfoodz_seasonal.durations import ChangeKind, Minutes
from freshfoodz_seasonal.metrics.names import DEFAULT_RATE_WINDOW, DEFAULT_SAMPLE_ROUTE, MetricNames
from freshfoodz_seasonal.metrics.promql import LABEL_NAME, METRIC_NAME
from freshfoodz_seasonal.metrics.thresholds import ERROR_RATE_THRESHOLD, SAMPLE_SUCCESS_THRESHOLD, BusinessKpis
from freshfoodz_seasonal.seasons.ownership import MAX_WINDOW_DAYS, PROVISION_LEAD_DAYS, SCALE_BACK_DAYS_AFTER
from freshfoodz_seasonal.seasons.windows import EVERY_KIND_OF_YEAR, OKTOBERFEST_END, parse_month_day, resolve_window


def _window_end(text: str) -> str:
    if text != OKTOBERFEST_END:
        parse_month_day(text)
    return text


# Lower bounds keep the queueing maths sound: a share of 5e-324 or a CV of 1e-200 divides by zero or
# asks for infinitely many pods.
Fraction = Annotated[float, Field(ge=0.01, le=0.99, description="a fraction from 0.01 to 0.99")]
MIN_MS = 0.01


# A URL path: printable, without white space.
UrlPath = Annotated[
    str,
    Field(pattern=r"^/\S{0,499}$", description="the URL path, starting with '/', printable, no white space"),
    AfterValidator(printable),
]
# Requests or jobs per second: below this the queueing maths divides by numbers too small to be traffic.
MIN_RATE = 0.0001
# Upper bounds keep every product in the plan finite and say what is plausible.
MAX_RPS = 1_000_000.0
MAX_MS = 3_600_000.0


def _catalog(info: ValidationInfo) -> Catalog:
    context = info.context or {}
    if "catalog" not in context:
        raise RuntimeError("StackSettings must be validated with context={'catalog': ...}")
    catalog: Catalog = context["catalog"]
    return catalog


def _nearby(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    return f"; did you mean {', '.join(close)}?" if close else ""


def _known_instance_type(name: str, info: ValidationInfo) -> str:
    known = _catalog(info).instance_types
    if name not in known:
        raise ValueError(f"unknown EC2 instance type {name!r}{_nearby(name, list(known))} (see capacity/data)")
    return name


def _known_rds_class(name: str, info: ValidationInfo) -> str:
    known = _catalog(info).rds_classes
    if name not in known:
        raise ValueError(f"unknown RDS class {name!r}{_nearby(name, list(known))} (see capacity/data)")
    return name


InstanceTypeName = Annotated[str, AfterValidator(_known_instance_type)]
RdsClassName = Annotated[str, AfterValidator(_known_rds_class)]


class TargetUtilization(ConfigSection):
    """How busy each tier may be at the planned peak; the rest is headroom for surprises."""

    app_servers: Fraction
    workers: Fraction
    database: Fraction


class SeasonWindow(ConfigSection):
    """First and last day, both inclusive; an end before the start lies in the next year (12-20 to 01-06)."""

    start: Annotated[MonthDay, Field(description="first day, MM-DD")]
    end: Annotated[
        str,
        AfterValidator(_window_end),
        Field(
            description=f"last day, MM-DD (before start: in the next year) or {OKTOBERFEST_END!r} (the last day "
            "of the Wiesn)"
        ),
    ]

    @model_validator(mode="after")
    def _fits_a_year(self) -> SeasonWindow:
        # The Wiesn's end moves with the weekdays and a window is a day longer across a 29 February.
        longest = max(resolve_window(self.start, self.end, year).days for year in EVERY_KIND_OF_YEAR)
        if longest > MAX_WINDOW_DAYS:
            raise ValueError(
                f"{self.start} to {self.end} lasts up to {longest} days; a season lasts at most {MAX_WINDOW_DAYS} "
                f"days, so that its provisioning ({PROVISION_LEAD_DAYS} days before) and scale-back "
                f"({SCALE_BACK_DAYS_AFTER} days after) end before next year's begin"
            )
        return self


class Season(ConfigSection):
    # 20 characters: Grafana folder uids (`freshfoodz-seasonal-<name>`) may have 40.
    name: Annotated[str, Field(max_length=20)] = Field(
        pattern=r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$", description="a lowercase name of at most 20 characters"
    )
    title: Text
    load_multiplier: float = Field(ge=1, le=50, description="peak load / baseline load, 1 to 50")
    window: SeasonWindow
    target_utilization: TargetUtilization
    provisioning_budget_minutes: int = Field(
        default=30, ge=5, le=720, description="minutes one provisioning window may take, 5 to 720"
    )
    quiet_hour: int | None = Field(
        default=None,
        ge=0,
        le=23,
        description="the Europe/Berlin hour with the least traffic, 0 to 23: the failover's hour (baseline --write)",
    )


class Route(ConfigSection):
    """One API route at baseline: its traffic, its service time, its latency objective."""

    name: Slug
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"]
    path: UrlPath
    service: Slug = Field(description="the name of the service (under services) that serves it")
    baseline_rps: float = Field(
        ge=MIN_RATE, le=MAX_RPS, description="requests per second at baseline, 0.0001 <= x <= 1e6"
    )
    mean_service_time_ms: float = Field(ge=MIN_MS, le=MAX_MS, description="mean service time in ms, 0.01 <= x <= 3.6e6")
    service_time_cv: float | None = Field(
        default=None, ge=0.05, le=10, description="coefficient of variation of the service time, 0.05 <= cv <= 10"
    )
    p95_service_time_ms: float | None = Field(
        default=None, ge=MIN_MS, le=MAX_MS, description="95th percentile of the service time in ms (or serviceTimeCv)"
    )
    p95_slo_ms: float = Field(
        ge=MIN_MS, le=MAX_MS, description="the p95 response time objective in ms, 0.01 <= x <= 3.6e6"
    )

    @model_validator(mode="after")
    def _one_spread(self) -> Route:
        if (self.service_time_cv is None) == (self.p95_service_time_ms is None):
            raise ValueError("give exactly one of serviceTimeCv and p95ServiceTimeMs")
        if self.p95_service_time_ms is not None:
            ratio = self.p95_service_time_ms / self.mean_service_time_ms
            if not 1 < ratio <= MAX_P95_TO_MEAN_RATIO:
                raise ValueError(
                    f"p95ServiceTimeMs / meanServiceTimeMs = {ratio:.3g}; a lognormal service time "
                    f"needs a ratio above 1 and at most {MAX_P95_TO_MEAN_RATIO:.2f}"
                )
        return self


MetricName = Annotated[str, Field(pattern=METRIC_NAME.pattern, description="a Prometheus metric name")]
LabelName = Annotated[str, Field(pattern=LABEL_NAME.pattern, description="a Prometheus label name")]


def _not_reserved(label: str) -> str:
    # `__name__` would set the metric name twice (Prometheus refuses the rule file); `__` names are internal.
    if label.startswith("__"):
        raise ValueError(f"{label!r} starts with '__', reserved by Prometheus; accepted: a label name without it")
    return label


# A label an exact matcher may name: a label name, not one of Prometheus's reserved `__` labels.
MatcherLabel = Annotated[str, Field(pattern=LABEL_NAME.pattern), AfterValidator(_not_reserved)]
# CPU-milliseconds per request: also the millicores one request per second keeps busy.
CpuMs = Annotated[float, Field(gt=0, le=MAX_MS, description="CPU milliseconds, 0 < x <= 3.6e6")]
IdleMillicores = Annotated[
    float, Field(ge=0, le=1_000_000, description="millicores a pod uses without traffic, 0 to 1e6")
]


# The highest rate per pod a CPU line was measured on: beyond it the plan extrapolates, and says so.
PeakRatePerPod = Annotated[
    float | None,
    Field(default=None, gt=0, le=MAX_RPS, description="the highest rate per pod the measurement saw, > 0"),
]


class CpuPerRequest(ConfigSection):
    """What one request costs in CPU, and what a pod uses without any (JVM, GC, health checks)."""

    ms_per_request: CpuMs
    idle_millicores: IdleMillicores
    peak_rate_per_pod: PeakRatePerPod = None


class CpuPerJob(ConfigSection):
    """What one job costs in CPU, and what a pod uses without any."""

    ms_per_job: CpuMs
    idle_millicores: IdleMillicores
    peak_rate_per_pod: PeakRatePerPod = None


class SeriesSelector(ConfigSection):
    """One Prometheus metric and exact label matchers that pick the series of this workload."""

    name: MetricName
    matchers: dict[MatcherLabel, Text] = Field(
        default_factory=dict, max_length=20, description="exact label matchers, e.g. queue: sample-dispatch"
    )


class Workload(ConfigSection):
    """What services and workers share: a Deployment, its requests, its pool, its replica bounds."""

    name: Slug
    deployment: Slug
    namespace: Slug
    cpu_request_millicores: int = Field(gt=0, le=1_000_000, description="CPU request per pod in millicores, > 0")
    memory_request_mib: int = Field(gt=0, le=10_000_000, description="memory request per pod in MiB, > 0")
    db_pool_per_pod: int = Field(ge=0, le=10_000, description="database connections per pod, 0 to 10000")
    baseline_replicas: int = Field(ge=1, le=100_000, description="replicas outside the season, >= 1")
    max_replicas_cap: int = Field(ge=1, le=100_000, description="upper bound for the replicas at the peak, >= 1")
    hpa_headroom: float = Field(
        default=0.5, ge=0, le=5, description="maxReplicas = planned pods x (1 + headroom), capped; 0 to 5"
    )
    baseline_max_replicas: int = Field(
        ge=1, le=100_000, description="the HPA's maxReplicas outside the season, restored at rollback"
    )
    baseline_cpu_target_percent: int = Field(
        default=70, ge=1, le=100, description="the HPA's CPU target outside the season, 1 to 100"
    )

    @property
    def replica_floor(self) -> int:
        """The fewest replicas a season may plan."""
        return self.baseline_replicas

    @property
    def cpu_use(self) -> CpuUse | None:
        """The measured CPU of one request or job and of an idle pod, if the stack has it."""
        return None


class Service(Workload):
    """A request-serving Deployment, scaled by its HPA."""

    slots_per_pod: int = Field(ge=1, le=10_000, description="requests one pod serves at once, 1 to 10000")
    min_replicas: int = Field(default=2, ge=1, le=100_000, description="never plan fewer pods than this, >= 1")
    routing: Annotated[Routing, Field(strict=False, description="'per-pod' or 'pooled'")] = Routing.PER_POD
    cpu: CpuPerRequest | None = Field(
        default=None, description="CPU per request and of an idle pod (seasonctl baseline --write measures it)"
    )

    @property
    def replica_floor(self) -> int:
        return max(self.baseline_replicas, self.min_replicas)

    @property
    def cpu_use(self) -> CpuUse | None:
        cpu = self.cpu
        return (
            None
            if cpu is None
            else CpuUse(cpu.ms_per_request / 1000, cpu.idle_millicores / 1000, cpu.peak_rate_per_pod)
        )


class WorkerAutoscaler(StrEnum):
    """Who scales a worker: the platform's HPA, which the season patches, or something else (KEDA)."""

    HPA = "hpa"
    EXTERNAL = "external"


class Worker(Workload):
    """A queue-consuming Deployment."""

    autoscaler: WorkerAutoscaler = Field(
        default=WorkerAutoscaler.HPA,
        strict=False,
        description="'hpa' (the season patches the HPA named like the Deployment) or 'external' (e.g. KEDA: "
        "the season declares nothing for it)",
    )

    baseline_jobs_per_second: float = Field(
        ge=MIN_RATE, le=MAX_RPS, description="jobs per second at baseline, 0.0001 <= x <= 1e6"
    )
    mean_job_time_ms: float = Field(
        ge=MIN_MS, le=MAX_MS, description="mean time one job holds a slot, ms, 0.01 <= x <= 3.6e6"
    )
    concurrency_per_pod: int = Field(ge=1, le=10_000, description="jobs one pod works on at once, 1 to 10000")
    cpu: CpuPerJob | None = Field(
        default=None, description="CPU per job and of an idle pod (seasonctl baseline --write measures it)"
    )
    sla_seconds: float | None = Field(
        default=None,
        ge=1,
        le=604_800,
        description="the longest a job may take from enqueue to done, seconds, 1 to 604800 (a week)",
    )
    backlog_age_metric: SeriesSelector | None = Field(
        default=None, description="a gauge of the oldest queued job's age in seconds, for the SLA alerts"
    )
    jobs_metric: SeriesSelector | None = Field(
        default=None, description="a counter of the jobs done, for seasonctl baseline's CPU per job"
    )

    @property
    def cpu_use(self) -> CpuUse | None:
        cpu = self.cpu
        if cpu is None:
            return None
        return CpuUse(cpu.ms_per_job / 1000, cpu.idle_millicores / 1000, cpu.peak_rate_per_pod)


class DaemonOverhead(ConfigSection):
    cpu_millicores: int = Field(ge=0, le=1_000_000, description="CPU requested by DaemonSets per node, >= 0")
    memory_mib: int = Field(ge=0, le=10_000_000, description="memory requested by DaemonSets per node, >= 0")
    pods: int = Field(ge=0, le=1000, description="DaemonSet pods per node, >= 0")

    def as_request(self) -> DaemonOverheadRequest:
        return DaemonOverheadRequest(self.cpu_millicores, self.memory_mib, self.pods)


class Nodes(ConfigSection):
    """The seasonal EKS managed node group."""

    instance_type: InstanceTypeName
    availability_zones: int = Field(ge=1, le=6, description="zones the group spans, 1 to 6")
    daemon_overhead: DaemonOverhead
    max_nodes: int = Field(ge=1, le=1000, description="the node group's maxSize, 1 to 1000")


class Database(ConfigSection):
    """The platform's primary PostgreSQL on RDS, which the season resizes."""

    instance_class: RdsClassName = Field(description="the class outside the season")
    multi_az: bool
    baseline_cpu_utilization: Fraction = Field(description="average CPU busy share at baseline, 0.01 to 0.99")
    read_share: float = Field(
        ge=0, lt=1, description="share of database CPU spent on reads that may go to a replica, 0 <= x < 1"
    )
    max_read_replicas: int = Field(default=2, ge=0, le=15, description="0 to 15 (the RDS limit)")


class Costs(ConfigSection):
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$", description="an ISO 4217 code, e.g. EUR")
    currency_per_usd: float = Field(
        default=1.0, gt=0, le=1_000_000, description="your exchange rate: units of `currency` per USD, > 0"
    )
    region_price_factor: float = Field(
        gt=0, le=5, description="your region's on-demand price / us-east-1's, e.g. 1.2 for eu-central-1"
    )
    rds_to_ec2_price_ratio: float = Field(
        default=2.0, gt=0, le=10, description="RDS price / EC2 price of the same hardware (estimate)"
    )
    season_budget: float | None = Field(
        default=None,
        gt=0,
        le=1e12,
        description="the season's budget in `currency`, which its estimated cost must not exceed, 0 < x <= 1e12",
    )
    price_overrides_usd_per_hour: dict[str, Annotated[float, Field(gt=0, le=10_000)]] = Field(
        default_factory=dict,
        max_length=500,
        description="your own prices: instance type or RDS class -> USD per hour (0 < x <= 10000)",
    )

    @model_validator(mode="after")
    def _usd_rate_is_one(self) -> Costs:
        if self.currency == "USD" and self.currency_per_usd != 1.0:
            raise ValueError("currency USD needs currencyPerUsd 1.0")
        return self

    @field_validator("price_overrides_usd_per_hour")
    @classmethod
    def _known_priced_names(cls, overrides: dict[str, float], info: ValidationInfo) -> dict[str, float]:
        catalog = _catalog(info)
        unknown = sorted(set(overrides) - set(catalog.instance_types) - set(catalog.rds_classes))
        if unknown:
            raise ValueError(f"no such instance type or RDS class: {', '.join(unknown)}")
        return overrides


class BaselineNodeGroup(ConfigSection):
    instance_type: InstanceTypeName
    nodes: int = Field(ge=0, le=10_000, description="nodes outside the season, >= 0")


class Platform(ConfigSection):
    """What the platform owns and the season only refers to."""

    cluster_name: Text
    organization: Text | None = Field(
        default=None, description="the name in the Grafana folder's and dashboard's titles and tag; none by default"
    )
    primary_db_identifier: Slug
    node_role_arn: str = Field(pattern=r"^arn:aws[a-z-]*:iam::\d{12}:role/[\x21-\x7e]+$", description="an IAM role ARN")
    subnet_ids: list[
        Annotated[str, Field(pattern=r"^subnet-[0-9a-f]{8,17}$", description="a subnet id, e.g. subnet-0a1b2c3d")]
    ] = Field(min_length=1, max_length=16, description="the subnets of the seasonal node group, one per zone or more")
    prometheus_datasource_uid: Text
    baseline_node_group: BaselineNodeGroup


class PeakControls(ConfigSection):
    """Oktoberfest's lessons, for every season: who goes first, how much each route may take,
    what to switch off."""

    priority_services: list[Slug] = Field(
        default_factory=list, max_length=50, description="services whose pods get the season's PriorityClass"
    )
    priority_class_value: int = Field(
        default=100_000, ge=1, le=1_000_000_000, description="the PriorityClass value, 1 to 1e9 (user range)"
    )
    non_critical_features: list[Slug] = Field(
        default_factory=list, max_length=100, description="feature flags the app switches off at the peak"
    )
    namespace: Slug = Field(description="where the peak-controls ConfigMap goes (the app's namespace)")


METRIC_NAME_FIELDS = (
    "http_histogram",
    "uri_label",
    "method_label",
    "status_label",
    "hpa_current_replicas",
    "hpa_max_replicas",
    "hpa_namespace_label",
    "hpa_name_label",
    "db_connections",
    "container_cpu_usage",
    "pod_owner",
    "replicaset_owner",
    "pod_namespace_label",
    "pod_label",
    "container_label",
    "replicaset_label",
    "owner_kind_label",
    "owner_name_label",
)


class Metrics(ConfigSection):
    """Where the alerts, the dashboard and `seasonctl baseline` find their numbers; unset names keep the
    exporters' defaults (metrics.names.MetricNames: Quarkus/Micrometer, kube-state-metrics,
    postgres_exporter, cAdvisor)."""

    http_histogram: MetricName | None = None
    uri_label: LabelName | None = None
    method_label: LabelName | None = None
    status_label: LabelName | None = None
    hpa_current_replicas: MetricName | None = None
    hpa_max_replicas: MetricName | None = None
    hpa_namespace_label: LabelName | None = None
    hpa_name_label: LabelName | None = None
    db_connections: MetricName | None = None
    container_cpu_usage: MetricName | None = None
    pod_owner: MetricName | None = None
    replicaset_owner: MetricName | None = None
    pod_namespace_label: LabelName | None = None
    pod_label: LabelName | None = None
    container_label: LabelName | None = None
    replicaset_label: LabelName | None = None
    owner_kind_label: LabelName | None = None
    owner_name_label: LabelName | None = None
    http_matchers: dict[MatcherLabel, Text] = Field(
        default_factory=dict, max_length=20, description="extra exact label matchers on HTTP queries, e.g. job"
    )
    db_matchers: dict[MatcherLabel, Text] = Field(
        default_factory=dict, max_length=20, description="extra exact label matchers on database queries"
    )
    cpu_matchers: dict[MatcherLabel, Text] = Field(
        default_factory=dict,
        max_length=20,
        description="extra exact label matchers on the CPU and pod-owner queries (cAdvisor, kube-state-metrics), "
        "e.g. cluster",
    )
    db_cpu_percent: MetricName | None = Field(
        default=None,
        description="a gauge of the database primary's CPU in percent (0-100), e.g. a CloudWatch exporter's "
        "aws_rds_cpuutilization_average; unset: `seasonctl track` says the database CPU is not measured",
    )
    db_cpu_matchers: dict[MatcherLabel, Text] = Field(
        default_factory=dict,
        max_length=20,
        description="extra exact label matchers that select the primary on dbCpuPercent, e.g. "
        "dimension_DBInstanceIdentifier",
    )
    rate_window: str = Field(
        default=DEFAULT_RATE_WINDOW,
        pattern=r"^[1-9][0-9]{0,3}[smh]$",
        description="a PromQL duration of at most four digits and s, m or h, e.g. 5m",
    )
    sample_route: Slug = Field(
        default=DEFAULT_SAMPLE_ROUTE, description="the route whose success rate is a business KPI"
    )

    @model_validator(mode="after")
    def _names_make_sense(self) -> Metrics:
        # MetricNames holds the rules for names (e.g. a histogram's base name, without _bucket).
        MetricNames(**self.metric_names())
        return self

    def metric_names(self) -> dict[str, str]:
        """The names the stack sets; MetricNames keeps its defaults for the rest."""
        return {name: value for name in METRIC_NAME_FIELDS if (value := getattr(self, name)) is not None}


class Kpis(ConfigSection):
    """The season's business KPIs; unset, the original plan's: sample success above 80 %, errors below 2 %,
    the sample route's p95 against its SLO."""

    sample_success: float = Field(
        default=SAMPLE_SUCCESS_THRESHOLD,
        gt=0,
        le=1,
        description="the sample route's 2xx share stays above it, 0 < x <= 1",
    )
    error_rate: float = Field(
        default=ERROR_RATE_THRESHOLD, gt=0, le=1, description="the share of 5xx answers stays below it, 0 < x <= 1"
    )
    p95_routes: list[Slug] = Field(
        default_factory=list,
        max_length=20,
        description="routes whose p95 against their own p95SloMs is a KPI (default: the sample route)",
    )


# An API's URL inside a cluster, as an example: its Service, namespace and port.
EXAMPLE_API_BASE_URL = "http://api.shop.svc.cluster.local:8080"


class LoadTest(ConfigSection):
    """The season's k6 peak test: its ramp, and whether it runs inside the cluster (the k6-operator), declared
    with the season."""

    ramp_up: Duration = Field(default="10m", description="from the baseline rate to the peak rate, e.g. 10m")
    hold: Duration = Field(default="30m", description="how long the peak rate is held, e.g. 30m")
    ramp_down: Duration = Field(default="5m", description="from the peak rate to none, e.g. 5m")
    in_cluster: bool = Field(default=False, description="declare the k6-operator TestRun at the peak")
    api_base_url: str | None = Field(
        default=None,
        pattern=r"^https?://[\x21-\x2e\x30-\x7e]+(:\d+)?(/[\x21-\x7e]*)?$",
        description=f"the API as the runners reach it, e.g. {EXAMPLE_API_BASE_URL}",
    )

    @model_validator(mode="after")
    def _url_when_in_cluster(self) -> LoadTest:
        if self.in_cluster and self.api_base_url is None:
            raise ValueError("inCluster: true needs apiBaseUrl")
        return self


class ScalingMetric(StrEnum):
    """What the services' HPAs scale on: CPU (metrics-server), or in-flight requests per pod."""

    CPU = "cpu"
    CONCURRENCY = "concurrency"


class Autoscaling(ConfigSection):
    """How the season's HPAs measure load. Workers always scale on CPU."""

    metric: ScalingMetric = Field(default=ScalingMetric.CPU, strict=False, description="'cpu' or 'concurrency'")
    concurrency_metric: MetricName | None = Field(
        default=None,
        description="the Pods metric of in-flight requests per pod, as the cluster's metrics adapter serves it",
    )

    @model_validator(mode="after")
    def _metric_named(self) -> Autoscaling:
        if self.metric is ScalingMetric.CONCURRENCY and self.concurrency_metric is None:
            raise ValueError("metric: concurrency needs concurrencyMetric (the metrics adapter's name)")
        return self


class MeasuredMinutes(ConfigSection):
    """A team's own measurement of one kind of change, in minutes."""

    low: float = Field(ge=0, le=1440, description="minutes, 0 to 1440")
    typical: float = Field(ge=0, le=1440, description="minutes, 0 to 1440")
    high: float = Field(ge=0, le=1440, description="minutes, 0 to 1440")

    @model_validator(mode="after")
    def _ordered(self) -> MeasuredMinutes:
        if not self.low <= self.typical <= self.high:
            raise ValueError(f"low <= typical <= high is not true of {self.low:g}, {self.typical:g}, {self.high:g}")
        return self

    def as_minutes(self) -> Minutes:
        return Minutes(self.low, self.typical, self.high)


class Provisioning(ConfigSection):
    """How provisioning is planned: the duration model's rows this stack replaces with its own figures."""

    durations: dict[Annotated[ChangeKind, Strict(False)], MeasuredMinutes] = Field(
        default_factory=dict,
        description="kind of change -> {low, typical, high} minutes (seasonctl provision --record writes them)",
    )


class Phase(StrEnum):
    """`peak` declares the season; `baseline` re-applies the platform's own values and removes the season's."""

    PEAK = "peak"
    BASELINE = "baseline"


class StackSettings(ConfigSection):
    """Everything one season stack declares."""

    phase: Phase = Field(strict=False)  # from its string value, as a stack file holds it
    season: Season
    routes: list[Route] = Field(min_length=1, max_length=200, description="1 to 200 routes")
    services: list[Service] = Field(min_length=1, max_length=50, description="1 to 50 services")
    workers: list[Worker] = Field(default_factory=list, max_length=50, description="0 to 50 workers")
    nodes: Nodes
    database: Database
    costs: Costs
    platform: Platform
    peak_controls: PeakControls
    metrics: Metrics = Field(default_factory=Metrics)
    load_test: LoadTest = Field(default_factory=LoadTest)
    autoscaling: Autoscaling = Field(default_factory=Autoscaling)
    provisioning: Provisioning = Field(default_factory=Provisioning)
    kpis: Kpis = Field(default_factory=Kpis)
    war_room: WarRoom | None = Field(
        default=None, description="receivers, routing by severity, the escalation ladder and the rota's limits"
    )

    @property
    def business_kpis(self) -> BusinessKpis:
        kpis = self.kpis
        routes = tuple(kpis.p95_routes) or (self.metrics.sample_route,)
        return BusinessKpis(self.metrics.sample_route, routes, kpis.sample_success, kpis.error_rate)

    def routes_of(self, service: str) -> list[Route]:
        return [route for route in self.routes if route.service == service]

    @property
    def workloads(self) -> list[Workload]:
        return [*self.services, *self.workers]
