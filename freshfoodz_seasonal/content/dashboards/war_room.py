"""The season's war-room dashboard: business KPIs, latency against SLOs, capacity against the plan.

Built with `grafana-foundation-sdk` (pinned to a Grafana 11.x build, schemaVersion 41) and returned as
the plain JSON model Grafana stores, so a Pulumi component, `seasonctl preview --out` and the schema
test all see the same dict. Pure: no pulumi, no file or network I/O, no clock; the same plan gives the
same JSON, byte for byte.

Every line the war room compares against comes from the plan, not from a second copy of the numbers:
- p95 per route: the route's `p95_slo_s` as a dashed red threshold line;
- traffic: the sum of the planned route rates (the season's peak) as the threshold;
- replicas per service and per worker: the HPA's `max_replicas` (and its `min_replicas`, the planned pods);
- the oldest queued job of each worker with a queue SLA and a gauge of that age: half the SLA and the
  SLA, where the warning and the critical alert fire;
- database connections: the planned class's `usable_max_connections` (and the planned connections).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from grafana_foundation_sdk.builders import common as common_builders
from grafana_foundation_sdk.builders import dashboard as dashboard_builders
from grafana_foundation_sdk.builders import prometheus, stat, timeseries
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models import common
from grafana_foundation_sdk.models.dashboard import DashboardCursorSync, DataSourceRef, Threshold, ThresholdsMode
from grafana_foundation_sdk.models.prometheus import QueryEditorMode

from freshfoodz_seasonal.metrics import promql
from freshfoodz_seasonal.metrics.names import DEFAULT_RATE_WINDOW, DEFAULT_SAMPLE_ROUTE, MetricNames
from freshfoodz_seasonal.metrics.thresholds import (
    ERROR_RATE_THRESHOLD,
    QUEUE_SLA_WARNING_SHARE,
    SAMPLE_SUCCESS_THRESHOLD,
)
from freshfoodz_seasonal.naming import (
    organization_tag,
    resource_prefix,
    war_room_dashboard_title,
)
from freshfoodz_seasonal.plan.season_plan import ScaledPlan, SeasonPlan, Series, WorkerPlan

GRID_WIDTH = 24
MAX_UID_LENGTH = 40

GREEN = "green"
ORANGE = "orange"
RED = "red"


def war_room_uid(season: str) -> str:
    """`freshfoodz-<season>-war-room`; Grafana uids hold at most 40 characters, so long names are hashed."""
    uid = f"{resource_prefix(season)}-war-room"
    if len(uid) <= MAX_UID_LENGTH:
        return uid
    digest = hashlib.sha256(season.encode()).hexdigest()[:8]
    head = season[: MAX_UID_LENGTH - len(f"{resource_prefix('')}-war-room") - 9]
    return f"{resource_prefix(head)}-{digest}-war-room"


# The matchers below are regexes on the status code, constants of our own: no user data in them.
_STATUS_5XX = "5.."
_STATUS_2XX = "2.."


class _Queries:
    def __init__(
        self,
        metrics: MetricNames,
        http_matchers: tuple[promql.Matcher, ...],
        db_matchers: tuple[promql.Matcher, ...],
        rate_window: str,
    ) -> None:
        self.m = metrics
        self.http_matchers = http_matchers
        self.db_matchers = db_matchers
        self.rate_window = rate_window

    def _route(self, method: str, path: str, *extra: promql.Matcher) -> tuple[promql.Matcher, ...]:
        m = self.m
        return (*self.http_matchers, (m.method_label, "=", method), (m.uri_label, "=", path), *extra)

    def _rate(self, metric: str, matchers: tuple[promql.Matcher, ...]) -> str:
        return f"rate({promql.selector(metric, matchers)}[{self.rate_window}])"

    def route_p95(self, method: str, path: str) -> str:
        rate = self._rate(self.m.http_bucket, self._route(method, path))
        return f"histogram_quantile(0.95, sum by (le) ({rate}))"

    def route_mean(self, method: str, path: str) -> str:
        matchers = self._route(method, path)
        return f"sum({self._rate(self.m.http_sum, matchers)}) / sum({self._rate(self.m.http_count, matchers)})"

    def route_success_rate(self, method: str, path: str) -> str:
        ok = self._route(method, path, (self.m.status_label, "=~", _STATUS_2XX))
        count = self.m.http_count
        return f"sum({self._rate(count, ok)}) / sum({self._rate(count, self._route(method, path))})"

    def error_rate(self) -> str:
        m = self.m
        errors = (*self.http_matchers, (m.status_label, "=~", _STATUS_5XX))
        return f"sum({self._rate(m.http_count, errors)}) / {self.total_rps()}"

    def total_rps(self) -> str:
        return f"sum({self._rate(self.m.http_count, self.http_matchers)})"

    def rps_by_route(self) -> str:
        m = self.m
        return f"sum by ({m.method_label}, {m.uri_label}) ({self._rate(m.http_count, self.http_matchers)})"

    def rps_legend(self) -> str:
        return f"{{{{{self.m.method_label}}}}} {{{{{self.m.uri_label}}}}}"

    def replicas(self, namespace: str, hpa: str) -> str:
        m = self.m
        which = ((m.hpa_namespace_label, "=", namespace), (m.hpa_name_label, "=", hpa))
        return f"sum({promql.selector(m.hpa_current_replicas, which)})"

    def db_connections(self) -> str:
        return f"sum({promql.selector(self.m.db_connections, self.db_matchers)})"

    def oldest_job_age(self, backlog: Series) -> str:
        """As the SLA alerts read it: the oldest age over every series the worker's matchers pick."""
        return f"max({promql.selector(backlog.metric, promql.exact_matchers(dict(backlog.matchers)))})"


@dataclass(frozen=True)
class _PlannedRoute:
    name: str
    service: str
    method: str
    path: str
    rps: float
    p95_slo_s: float
    predicted_p95_s: float


def _planned_routes(plan: SeasonPlan, route_paths: Mapping[str, tuple[str, str]]) -> list[_PlannedRoute]:
    routes = [(service.name, route) for service in plan.services for route in service.sizing.routes]
    missing = sorted(route.name for _, route in routes if route.name not in route_paths)
    if missing:
        raise ValueError(f"route_paths has no (method, path) for the planned routes: {', '.join(missing)}")
    return [
        _PlannedRoute(
            name=route.name,
            service=service,
            method=route_paths[route.name][0],
            path=route_paths[route.name][1],
            rps=route.rps,
            p95_slo_s=route.p95_slo_s,
            predicted_p95_s=route.predicted_p95_s,
        )
        for service, route in routes
    ]


def _steps(base: str, *levels: tuple[float, str]) -> dashboard_builders.ThresholdsConfig:
    """Absolute thresholds: `base` below the first level; levels must ascend."""
    values = [value for value, _ in levels]
    if values != sorted(values):
        raise ValueError(f"threshold levels must ascend, got {values}")
    steps = [Threshold(value=None, color=base), *(Threshold(value=float(v), color=c) for v, c in levels)]
    return dashboard_builders.ThresholdsConfig().mode(ThresholdsMode.ABSOLUTE).steps(steps)


def _dashed_thresholds() -> common_builders.GraphThresholdsStyleConfig:
    return common_builders.GraphThresholdsStyleConfig().mode(common.GraphThresholdsStyleMode.DASHED)


def _format_ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


class _Builder:
    def __init__(self, datasource_uid: str, queries: _Queries) -> None:
        self.datasource = DataSourceRef(type_val="prometheus", uid=datasource_uid)
        self.queries = queries
        self.next_id = 1

    def _id(self) -> int:
        panel_id = self.next_id
        self.next_id += 1
        return panel_id

    def row(self, title: str) -> dashboard_builders.Row:
        return dashboard_builders.Row(title).id(self._id())

    def target(self, ref_id: str, expr: str, legend: str) -> prometheus.Dataquery:
        return (
            prometheus.Dataquery()
            .ref_id(ref_id)
            .expr(expr)
            .legend_format(legend)
            .range()
            .editor_mode(QueryEditorMode.CODE)
            .datasource(self.datasource)
        )

    def stat(
        self, title: str, description: str, expr: str, thresholds: dashboard_builders.ThresholdsConfig
    ) -> stat.Panel:
        return (
            stat.Panel()
            .id(self._id())
            .title(title)
            .description(description)
            .datasource(self.datasource)
            .with_target(self.target("A", expr, title))
            .unit("percentunit")
            .decimals(1)
            .min(0)
            .max(1)
            .thresholds(thresholds)
            .color_mode(common.BigValueColorMode.BACKGROUND)
            .graph_mode(common.BigValueGraphMode.AREA)
            .reduce_options(common_builders.ReduceDataOptions().calcs(["lastNotNull"]).values(False))
            .span(12)
            .height(5)
        )

    def graph(
        self, title: str, description: str, unit: str, thresholds: dashboard_builders.ThresholdsConfig, span: int
    ) -> timeseries.Panel:
        return (
            timeseries.Panel()
            .id(self._id())
            .title(title)
            .description(description)
            .datasource(self.datasource)
            .unit(unit)
            .min(0)
            .thresholds(thresholds)
            .thresholds_style(_dashed_thresholds())
            .legend(
                common_builders.VizLegendOptions()
                .show_legend(True)
                .display_mode(common.LegendDisplayMode.LIST)
                .placement(common.LegendPlacement.BOTTOM)
            )
            .tooltip(
                common_builders.VizTooltipOptions().mode(common.TooltipDisplayMode.MULTI).sort(common.SortOrder.NONE)
            )
            .span(span)
            .height(8)
        )


def _kpi_panels(b: _Builder, sample: _PlannedRoute, sample_success: float, error_rate: float) -> list[stat.Panel]:
    return [
        b.stat(
            f"{sample.name}: success rate",
            f"Share of {sample.method} {sample.path} (the sample route, metrics.sampleRoute) answered with 2xx; "
            f"the alert fires below {sample_success:.0%}.",
            b.queries.route_success_rate(sample.method, sample.path),
            _steps(RED, (sample_success, GREEN)),
        ),
        b.stat(
            "HTTP error rate",
            f"Share of all requests answered with 5xx; the alert fires above {error_rate:.0%}.",
            b.queries.error_rate(),
            _steps(GREEN, (error_rate, RED)),
        ),
    ]


def _latency_panel(b: _Builder, route: _PlannedRoute) -> timeseries.Panel:
    description = (
        f"{route.method} {route.path} (service {route.service}). Dashed line: the p95 SLO of "
        f"{_format_ms(route.p95_slo_s)}. The plan expects {route.rps:.1f} rps at the peak and a p95 of "
        f"{_format_ms(route.predicted_p95_s)}."
    )
    return (
        b.graph(
            f"{route.name}: p95 vs SLO {_format_ms(route.p95_slo_s)}",
            description,
            "s",
            _steps(GREEN, (route.p95_slo_s, RED)),
            8,
        )
        .with_target(b.target("A", b.queries.route_p95(route.method, route.path), "p95"))
        .with_target(b.target("B", b.queries.route_mean(route.method, route.path), "mean"))
    )


def _traffic_panel(b: _Builder, peak_rps: float) -> timeseries.Panel:
    description = (
        f"All requests per second. Dashed line: the planned peak of {peak_rps:.1f} rps, the sum of the "
        "planned route rates the pods were sized for; traffic above it is beyond the plan."
    )
    return (
        b.graph(
            f"Traffic vs planned peak ({peak_rps:.0f} rps)",
            description,
            "reqps",
            _steps(GREEN, (peak_rps, RED)),
            GRID_WIDTH,
        )
        .with_target(b.target("A", b.queries.total_rps(), "total"))
        .with_target(b.target("B", b.queries.rps_by_route(), b.queries.rps_legend()))
    )


def _replicas_panel(b: _Builder, item: ScaledPlan, hpa_name: str, who: str, at_max: str, span: int) -> timeseries.Panel:
    """Replicas of a service or a worker (`who` in the title) against its HPA's bounds."""
    hpa = item.hpa
    description = (
        f"Current replicas of HPA {item.namespace}/{hpa_name} (deployment {item.deployment}). "
        f"Dashed lines: the planned {hpa.min_replicas} pods (HPA min) and the HPA max of {hpa.max_replicas}; "
        f"at the max {at_max}."
    )
    levels: list[tuple[float, str]] = [(hpa.max_replicas, RED)]
    if hpa.min_replicas < hpa.max_replicas:
        levels.insert(0, (hpa.min_replicas, ORANGE))
    return b.graph(
        f"{who}: replicas vs HPA max {hpa.max_replicas}", description, "short", _steps(GREEN, *levels), span
    ).with_target(b.target("A", b.queries.replicas(item.namespace, hpa_name), "current replicas"))


def _replicas_panels(plan: SeasonPlan, b: _Builder, hpa_names: Mapping[str, str]) -> list[timeseries.Panel]:
    """Services first, then workers; a worker's HPA is named like its deployment, as the season declares it."""
    span = max(GRID_WIDTH // max(len(plan.scaled), 1), 6)
    services = [
        _replicas_panel(
            b,
            service,
            hpa_names.get(service.name, service.deployment),
            service.name,
            "the service cannot scale further",
            span,
        )
        for service in plan.services
    ]
    # `worker` in the title: a service and a worker may share a name.
    workers = [
        _replicas_panel(
            b, worker, worker.deployment, f"{worker.name} worker", "the worker cannot drain its queue faster", span
        )
        for worker in plan.hpa_workers
    ]
    return [*services, *workers]


def _queue_panel(b: _Builder, worker: WorkerPlan, backlog: Series, sla: float, span: int) -> timeseries.Panel:
    """The oldest queued job's age against the SLA alerts' thresholds."""
    half = sla * QUEUE_SLA_WARNING_SHARE
    description = (
        f"Age of the oldest job in the queue of worker {worker.name} ({backlog.metric}). Dashed lines: "
        f"half the SLA ({half:g} s, the warning) and the SLA of {sla:g} s from enqueue to done (critical). "
        f"The plan expects a p99 wait of {worker.predicted_p99_wait_s:.3g} s at {worker.pods} pods."
    )
    return b.graph(
        f"{worker.name}: oldest queued job vs SLA {sla:g} s",
        description,
        "s",
        _steps(GREEN, (half, ORANGE), (sla, RED)),
        span,
    ).with_target(b.target("A", b.queries.oldest_job_age(backlog), "oldest job"))


def _database_panel(b: _Builder, plan: SeasonPlan) -> timeseries.Panel:
    db = plan.database
    description = (
        f"Open connections on the primary ({db.instance_class}). Dashed lines: the {db.connections} connections "
        f"the planned pods' pools open and the {db.usable_max_connections} the class accepts; at HPA max the "
        f"pools would open {plan.connections_at_hpa_max}."
    )
    levels: list[tuple[float, str]] = [(db.usable_max_connections, RED)]
    if db.connections < db.usable_max_connections:
        levels.insert(0, (db.connections, ORANGE))
    return b.graph(
        f"DB connections vs limit {db.usable_max_connections} ({db.instance_class})",
        description,
        "short",
        _steps(GREEN, *levels),
        GRID_WIDTH,
    ).with_target(b.target("A", b.queries.db_connections(), "connections"))


def war_room_dashboard(
    plan: SeasonPlan,
    route_paths: Mapping[str, tuple[str, str]],
    datasource_uid: str,
    metrics: MetricNames | None = None,
    *,
    sample_route: str = DEFAULT_SAMPLE_ROUTE,
    hpa_names: Mapping[str, str] | None = None,
    http_matchers: Mapping[str, str] | None = None,
    db_matchers: Mapping[str, str] | None = None,
    rate_window: str = DEFAULT_RATE_WINDOW,
    error_rate_threshold: float = ERROR_RATE_THRESHOLD,
    sample_success_threshold: float = SAMPLE_SUCCESS_THRESHOLD,
    organization: str | None = None,
) -> dict[str, Any]:
    """The war-room dashboard of `plan` as Grafana's JSON model (schemaVersion 41, Grafana 11).

    `route_paths` maps each planned route's name to its (HTTP method, URI template) as Micrometer
    labels it; `sample_route` names the route whose success rate is the business KPI. `hpa_names`
    maps a service name to its HPA's name; by default the HPA is named like the deployment (a worker's
    always is, as the season declares it).
    `http_matchers` / `db_matchers` are extra exact label matchers (e.g. `{"job": "freshfoodz-api"}`)
    added to every HTTP / database query; `rate_window` is the range of every `rate()`.
    """
    metrics = metrics or MetricNames()
    hpa_names = hpa_names or {}
    queries = _Queries(
        metrics,
        promql.exact_matchers(http_matchers),
        promql.exact_matchers(db_matchers),
        promql.check_rate_window(rate_window),
    )
    routes = _planned_routes(plan, route_paths)
    samples = [route for route in routes if route.name == sample_route]
    if not samples:
        raise ValueError(f"the sample route {sample_route!r} is not among the planned routes")
    b = _Builder(datasource_uid, queries)
    peak_rps = sum(route.rps for route in routes)

    board = (
        dashboard_builders.Dashboard(war_room_dashboard_title(organization, plan.title))
        .uid(war_room_uid(plan.season))
        .description(
            f"Season {plan.season} ({plan.window.first_day:%Y-%m-%d} to {plan.window.last_day:%Y-%m-%d}, "
            f"{plan.load_multiplier:g}x baseline), stack {plan.stack}. Every reference line comes from the "
            "capacity plan; regenerate the dashboard when the plan changes."
        )
        # Tagged like its title names the organization, and as the war room of its season.
        .tags([tag for tag in (organization_tag(organization), "war-room", plan.season) if tag])
        .timezone("Europe/Berlin")
        .time("now-6h", "now")
        .refresh("30s")
        .readonly()
        .tooltip(DashboardCursorSync.CROSSHAIR)
    )
    board = board.with_row(b.row("Business KPIs"))
    for panel in _kpi_panels(b, samples[0], sample_success_threshold, error_rate_threshold):
        board = board.with_panel(panel)
    board = board.with_row(b.row("Latency: p95 per route vs SLO"))
    for route in routes:
        board = board.with_panel(_latency_panel(b, route))
    board = board.with_row(b.row("Traffic vs planned capacity"))
    board = board.with_panel(_traffic_panel(b, peak_rps))
    board = board.with_row(b.row("Replicas vs HPA max"))
    for replicas in _replicas_panels(plan, b, hpa_names):
        board = board.with_panel(replicas)
    # As with the alerts: a worker's queue is watched when it has an SLA and a gauge of the oldest job's age.
    queues = [
        (w, w.backlog_age, w.sla_seconds)
        for w in plan.workers
        if w.backlog_age is not None and w.sla_seconds is not None
    ]
    if queues:
        board = board.with_row(b.row("Queues: oldest job vs SLA"))
        span = max(GRID_WIDTH // len(queues), GRID_WIDTH // 2)
        for worker, backlog, sla in queues:
            board = board.with_panel(_queue_panel(b, worker, backlog, sla, span))
    board = board.with_row(b.row("Database"))
    board = board.with_panel(_database_panel(b, plan))

    model: dict[str, Any] = json.loads(json.dumps(board.build(), cls=JSONEncoder, sort_keys=True))
    return model
