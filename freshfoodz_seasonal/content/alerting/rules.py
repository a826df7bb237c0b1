"""The alert rules of one season, computed from its plan.

Business thresholds of the original plan (sample-request p95 > 2 s, event-catering availability
p95 > 1.5 s) are the routes' `p95SloMs` in the stack config, so every route gets a p95 alert at its
own SLO. The rest: HTTP error rate, sample success rate, the queue SLAs of the workers (a sample
request handled within 2 hours: the oldest queued job's age against half the worker's `slaSeconds`,
warning, and against all of it, critical; only for a worker with a `backlogAgeMetric` to watch), and
capacity alerts derived from the plan (the HPA of a service or a worker at its max, DB connections
near the class limit, traffic above the planned peak).
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from capacity.pool_sizing import SLO_QUANTILE
from freshfoodz_seasonal.metrics import promql
from freshfoodz_seasonal.metrics.names import DEFAULT_RATE_WINDOW, DEFAULT_SAMPLE_ROUTE, MetricNames
from freshfoodz_seasonal.metrics.thresholds import (
    DB_CONNECTION_SHARE,
    ERROR_RATE_THRESHOLD,
    QUEUE_SLA_WARNING_SHARE,
    SAMPLE_SUCCESS_THRESHOLD,
)
from freshfoodz_seasonal.naming import runbook_anchor
from freshfoodz_seasonal.plan.season_plan import ScaledPlan, SeasonPlan, Series, WorkerPlan

Severity = Literal["critical", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("critical", "warning", "info")


_ALERT_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")

# The matchers below are regexes on the status code, constants of our own: no user data in them.
_STATUS_5XX = "5.."
_STATUS_2XX = "2.."

# The queue SLA alerts watch the age of the oldest queued job. It does not flap: in a stuck queue it
# grows by a second each second, in a draining one it falls. So a `for` only has to outlast one odd
# sample (an exporter restarting, a job re-queued with its first enqueue time).
# Warning at half the SLA, held 5m: a backlog that is real, with nearly half the SLA left to add
# workers or drain the queue by hand (an hour for the 2-hour sample SLA).
# Critical at the SLA, held 1m (two evaluations a minute apart): that job has missed its SLA already;
# every further minute of waiting delays the page, not the breach.
# Neither `for` is longer than a tenth of the SLA, so on a short SLA the warning still comes well
# before the SLA passes.
_SLA_WARNING_FOR_S = 300
_SLA_CRITICAL_FOR_S = 60
_SLA_FOR_SHARE = 0.1
# A gauge gone for 10m (an exporter down, a renamed metric) is no scrape hiccup: the SLA is unwatched.
_BACKLOG_MISSING_FOR = "10m"


@dataclass(frozen=True)
class AlertRule:
    """One alert: a PromQL condition that must hold for `for_duration` before it fires.

    `labels` always carries `season` and `severity`; `annotations` carries `description` and
    `threshold` (the summary is its own field and joins them in the rule file).
    """

    name: str
    expr: str
    for_duration: str
    severity: Severity
    threshold: float
    summary: str
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not _ALERT_NAME.fullmatch(self.name):
            raise ValueError(f"alert name {self.name!r} must match {_ALERT_NAME.pattern}")
        if not promql.DURATION.fullmatch(self.for_duration):
            raise ValueError(f"alert {self.name}: for_duration {self.for_duration!r} is not a duration like '5m'")
        if self.severity not in SEVERITIES:
            raise ValueError(f"alert {self.name}: severity {self.severity!r} is not one of {SEVERITIES}")
        if self.labels.get("severity") != self.severity:
            raise ValueError(f"alert {self.name}: label severity must equal the severity {self.severity!r}")
        if "season" not in self.labels:
            raise ValueError(f"alert {self.name}: label season is missing")
        for name in [*self.labels, *self.annotations]:
            if not promql.LABEL_NAME.fullmatch(name) or name.startswith("__"):
                raise ValueError(f"alert {self.name}: {name!r} is not a valid label or annotation name")
        if "summary" in self.annotations:
            raise ValueError(f"alert {self.name}: give the summary as the summary field, not as an annotation")

    @property
    def all_annotations(self) -> dict[str, str]:
        """Summary first, then the other annotations by name, each a Go template that renders as the text.

        Prometheus and Grafana render annotations as Go templates; config text in them (a route's path,
        a title) must never run as one: `{{"up"|query}}` in a path would query Prometheus in the war
        room's alert text, `{{id}}` would make Prometheus refuse the whole rule file.
        """
        return {name: go_template_literal(text) for name, text in self.rendered_annotations.items()}

    @property
    def rendered_annotations(self) -> dict[str, str]:
        """The annotations as an alert shows them (what `all_annotations` renders to)."""
        return {"summary": self.summary, **dict(sorted(self.annotations.items()))}


_ACTION_START = re.compile(r"\{\{")


def go_template_literal(text: str) -> str:
    """`text` as a Go template that renders exactly `text`: each `{{` becomes the quoted string action
    `{{"{{"}}`. Only `{{` starts an action; `}}` outside one is plain text, and escaping it too would put
    the action's own `{{` right after a lone `{` of the text (`{}}` -> `{{{"}}"}}`), which Go reads as an
    action starting one brace early. Scanning left to right, no lone `{` is ever left before an escape."""
    return _ACTION_START.sub('{{"{{"}}', text)


def route_paths_of(plan: SeasonPlan) -> dict[str, tuple[str, str]]:
    """Route name -> (HTTP method, URI template), as the stack config declares them."""
    return {route.name: (route.method, route.path) for route in plan.routes}


def camel(slug: str) -> str:
    """`event-availability` -> `EventAvailability`; a leading digit gets a `Route` prefix."""
    name = "".join(part[:1].upper() + part[1:] for part in re.split(r"[^a-zA-Z0-9]+", slug) if part)
    return name if name[:1].isalpha() else f"Route{name}"


def planned_peak_rps(plan: SeasonPlan) -> float:
    """Requests per second the plan sizes for: the sum of its routes' seasonal rates."""
    return sum(route.rps for service in plan.services for route in service.sizing.routes)


def _percent(share: float) -> str:
    return f"{share * 100:g} %"


def _seconds(value: float) -> str:
    return f"{value:g} s"


def _duration(seconds: float) -> str:
    """`seconds` as a PromQL duration in the largest unit that keeps it whole, milliseconds at the finest."""
    ms = max(1, round(seconds * 1000))
    for unit, size in (("m", 60_000), ("s", 1000)):
        if ms % size == 0:
            return f"{ms // size}{unit}"
    return f"{ms}ms"


def _sla_for(longest_s: float, sla_s: float) -> str:
    return _duration(min(longest_s, sla_s * _SLA_FOR_SHARE))


@dataclass(frozen=True)
class _Builder:
    plan: SeasonPlan
    metrics: MetricNames
    window: str
    http_matchers: tuple[promql.Matcher, ...]
    db_matchers: tuple[promql.Matcher, ...]

    def rule(
        self,
        name: str,
        expr: str,
        for_duration: str,
        severity: Severity,
        threshold: float,
        summary: str,
        description: str,
        **labels: str,
    ) -> AlertRule:
        return AlertRule(
            name=name,
            expr=expr,
            for_duration=for_duration,
            severity=severity,
            threshold=threshold,
            summary=summary,
            labels={"season": self.plan.season, "severity": severity, **labels},
            annotations={"description": description, "threshold": promql.number(threshold)},
        )

    def http_rate(self, metric: str, *matchers: promql.Matcher) -> str:
        return f"sum(rate({promql.selector(metric, (*self.http_matchers, *matchers))}[{self.window}]))"

    def route_matchers(self, method: str, uri: str) -> tuple[promql.Matcher, ...]:
        m = self.metrics
        return ((m.uri_label, "=", uri), (m.method_label, "=", method))

    def hpa_at_max(self, name: str, item: ScaledPlan, hpa: str, who: str, consequence: str, **labels: str) -> AlertRule:
        """The HPA `hpa` of `item` (a service or a worker, called `who` in the summary) at its maxReplicas for 10m."""
        m = self.metrics
        by_hpa = f"max by ({m.hpa_namespace_label}, {m.hpa_name_label})"
        which = ((m.hpa_namespace_label, "=", item.namespace), (m.hpa_name_label, "=", hpa))
        current = promql.selector(m.hpa_current_replicas, which)
        maximum = promql.selector(m.hpa_max_replicas, which)
        top = item.hpa.max_replicas
        return self.rule(
            name,
            f"{by_hpa} ({current}) >= {by_hpa} ({maximum})",
            "10m",
            "warning",
            top,
            f"{who}: HPA at its max of {top} replicas",
            f"HPA {item.namespace}/{hpa} has run at maxReplicas (planned {top}, {item.pods} pods at the planned "
            f"peak) for 10m in season {self.plan.season}; {consequence}.",
            **labels,
        )

    def queue_sla(self, worker: WorkerPlan, backlog: Series, sla: float) -> list[AlertRule]:
        """The oldest queued job past half the SLA (warning), and past the SLA (critical)."""
        # `max`: one alert per worker however many series (pods, partitions) export the age.
        gauge = promql.selector(backlog.metric, promql.exact_matchers(dict(backlog.matchers)))
        age = f"max({gauge})"
        expected = (
            f"the plan expects a p99 wait of {worker.predicted_p99_wait_s:.3g} s at {worker.pods} pods "
            f"(HPA max {worker.hpa.max_replicas})"
        )
        half = sla * QUEUE_SLA_WARNING_SHARE
        warning_for = _sla_for(_SLA_WARNING_FOR_S, sla)
        critical_for = _sla_for(_SLA_CRITICAL_FOR_S, sla)
        return [
            self.rule(
                f"{camel(worker.name)}OldestJobAboveHalfSla",
                f"{age} > {promql.number(half)}",
                warning_for,
                "warning",
                half,
                f"{worker.name}: oldest queued job older than {_seconds(half)}, half its {_seconds(sla)} SLA",
                f"The oldest job in the queue of worker {worker.name} ({gauge}) has waited more than "
                f"{_seconds(half)}, half its SLA of {_seconds(sla)} from enqueue to done, for {warning_for} in "
                f"season {self.plan.season}; {expected}. Find what holds the queue back (failing jobs, the HPA at "
                "its max) before jobs miss the SLA.",
                worker=worker.name,
            ),
            self.rule(
                f"{camel(worker.name)}OldestJobAboveSla",
                f"{age} > {promql.number(sla)}",
                critical_for,
                "critical",
                sla,
                f"{worker.name}: oldest queued job past its {_seconds(sla)} SLA",
                f"The oldest job in the queue of worker {worker.name} ({gauge}) has waited more than its SLA of "
                f"{_seconds(sla)} from enqueue to done, for {critical_for} in season {self.plan.season}: jobs are "
                f"missing the SLA; {expected}.",
                worker=worker.name,
            ),
            # Without the gauge both alerts above are silent whatever the queue does: say so.
            self.rule(
                f"{camel(worker.name)}OldestJobAgeMissing",
                f"absent({gauge})",
                _BACKLOG_MISSING_FOR,
                "warning",
                0,
                f"{worker.name}: no oldest-job age, so its {_seconds(sla)} SLA is not watched",
                f"No series of {gauge} for {_BACKLOG_MISSING_FOR} in season {self.plan.season}: the SLA alerts of "
                f"worker {worker.name} cannot fire. Check the worker's exporter and backlogAgeMetric in the stack.",
                worker=worker.name,
            ),
        ]


def season_alert_rules(
    plan: SeasonPlan,
    route_paths: Mapping[str, tuple[str, str]],
    metrics: MetricNames | None = None,
    *,
    sample_route: str = DEFAULT_SAMPLE_ROUTE,
    hpa_names: Mapping[str, str] | None = None,
    http_matchers: Mapping[str, str] | None = None,
    db_matchers: Mapping[str, str] | None = None,
    rate_window: str = DEFAULT_RATE_WINDOW,
    error_rate_threshold: float = ERROR_RATE_THRESHOLD,
    sample_success_threshold: float = SAMPLE_SUCCESS_THRESHOLD,
    db_connection_share: float = DB_CONNECTION_SHARE,
    sample_loss_critical: bool = False,
    runbook_base_url: str | None = None,
) -> list[AlertRule]:
    """Every alert of the season, in a stable order: route p95s, error rate, sample success, queue SLAs,
    capacity.

    `route_paths` maps each planned route to its (method, URI template) as Micrometer labels it.
    `hpa_names` maps a service to its HPA's name (default: the service's deployment name); a worker's
    HPA is named like its deployment, as the season declares it.
    `http_matchers` / `db_matchers` are extra exact label matchers (e.g. a namespace or a
    postgres_exporter `server`) added to every HTTP / database selector.
    `sample_loss_critical` adds a critical alert on any sample request answered 5xx (the Christmas plan's
    immediate escalation on any sample loss); `runbook_base_url` gives every rule a `runbook_url`
    annotation pointing at its section of the war room's runbook (`seasonctl warroom runbook`).
    """
    metrics = metrics or MetricNames()
    promql.check_rate_window(rate_window)
    for name, share in (
        ("error_rate_threshold", error_rate_threshold),
        ("sample_success_threshold", sample_success_threshold),
        ("db_connection_share", db_connection_share),
    ):
        if not 0 < share <= 1:
            raise ValueError(f"{name} must be a share in (0, 1], got {share}")
    planned_routes = [(service, route) for service in plan.services for route in service.sizing.routes]
    missing = sorted({route.name for _, route in planned_routes} - set(route_paths))
    if missing:
        raise ValueError(f"no (method, path) for the planned routes {', '.join(missing)}")
    if sample_route not in route_paths:
        raise ValueError(f"the sample route {sample_route!r} is not among the routes {sorted(route_paths)}")

    b = _Builder(plan, metrics, rate_window, promql.exact_matchers(http_matchers), promql.exact_matchers(db_matchers))
    rules: list[AlertRule] = []

    for service, route in planned_routes:
        method, uri = route_paths[route.name]
        bucket = promql.selector(metrics.http_bucket, (*b.http_matchers, *b.route_matchers(method, uri)))
        slo = route.p95_slo_s
        rules.append(
            b.rule(
                f"{camel(route.name)}P95AboveSlo",
                f"histogram_quantile({promql.number(SLO_QUANTILE)}, sum by (le) (rate({bucket}[{rate_window}])))"
                f" > {promql.number(slo)}",
                "5m",
                "warning",
                slo,
                f"{route.name}: p95 latency above its {_seconds(slo)} SLO",
                f"p95 of {method} {uri} (route {route.name}, service {service.name}) over {rate_window} has been "
                f"above the {_seconds(slo)} SLO for 5m in season {plan.season}.",
                route=route.name,
                service=service.name,
            )
        )

    total = b.http_rate(metrics.http_count)
    errors = b.http_rate(metrics.http_count, (metrics.status_label, "=~", _STATUS_5XX))
    rules.append(
        b.rule(
            "HttpErrorRateHigh",
            f"{errors} / {total} > {promql.number(error_rate_threshold)}",
            "5m",
            "critical",
            error_rate_threshold,
            f"HTTP 5xx rate above {_percent(error_rate_threshold)}",
            f"More than {_percent(error_rate_threshold)} of all HTTP requests answered 5xx over {rate_window} "
            f"for 5m in season {plan.season}.",
        )
    )

    sample_method, sample_uri = route_paths[sample_route]
    on_sample = b.route_matchers(sample_method, sample_uri)
    ok = b.http_rate(metrics.http_count, *on_sample, (metrics.status_label, "=~", _STATUS_2XX))
    all_samples = b.http_rate(metrics.http_count, *on_sample)
    rules.append(
        b.rule(
            "SampleSuccessRateLow",
            # `or vector(0)`: with no 2xx series at all (every request failing) the rate is 0, not absent.
            f"({ok} or vector(0)) / {all_samples} < {promql.number(sample_success_threshold)}",
            "5m",
            "critical",
            sample_success_threshold,
            f"{sample_route}: success rate below {_percent(sample_success_threshold)}",
            f"Fewer than {_percent(sample_success_threshold)} of {sample_method} {sample_uri} "
            f"(route {sample_route}) answered 2xx over {rate_window} for 5m in season {plan.season}.",
            route=sample_route,
        )
    )

    if sample_loss_critical:
        failed = promql.selector(
            metrics.http_count, (*b.http_matchers, *on_sample, (metrics.status_label, "=~", _STATUS_5XX))
        )
        rules.append(
            b.rule(
                "SampleRequestLost",
                # Micrometer creates a status's series with its first request, at 1: rate() sees no increase
                # in a series that begins at 1. So also: more 5xx answers now than one rate window ago, a
                # series that was not there counting as 0.
                f"(sum({failed}) - (sum({failed} offset {rate_window}) or vector(0)) > 0)"
                f" or (sum(increase({failed}[{rate_window}])) > 0)",
                "0m",
                "critical",
                0,
                f"{sample_route}: a request answered 5xx",
                f"A {sample_method} {sample_uri} request (route {sample_route}) answered 5xx within the last "
                f"{rate_window} in season {plan.season}: a customer's request may be lost. Escalate at once.",
                route=sample_route,
            )
        )

    for worker in plan.workers:
        # A worker with an SLA but no gauge to watch gets no SLA alert: nothing here could see it.
        if worker.sla_seconds is not None and worker.backlog_age is not None:
            rules.extend(b.queue_sla(worker, worker.backlog_age, worker.sla_seconds))

    for service in plan.services:
        hpa = (hpa_names or {}).get(service.name, service.deployment)
        rules.append(
            b.hpa_at_max(
                f"{camel(service.name)}HpaAtMaxReplicas",
                service,
                hpa,
                service.name,
                "the service cannot scale further",
                service=service.name,
            )
        )
    for worker in plan.hpa_workers:
        # `Worker` in the name: a service and a worker may share a name, their alerts may not.
        rules.append(
            b.hpa_at_max(
                f"{camel(worker.name)}WorkerHpaAtMaxReplicas",
                worker,
                worker.deployment,
                f"worker {worker.name}",
                "the worker cannot drain its queue faster",
                worker=worker.name,
            )
        )

    db = plan.database
    # Connections are counted whole: above the share's floor is the same alert, and reads as a count.
    db_threshold = math.floor(db.usable_max_connections * db_connection_share + 1e-9)
    backends = promql.selector(metrics.db_connections, b.db_matchers)
    rules.append(
        b.rule(
            "DbConnectionsNearLimit",
            f"sum({backends}) > {promql.number(db_threshold)}",
            "5m",
            "warning",
            db_threshold,
            f"database connections above {promql.number(db_threshold)}",
            f"More than {_percent(db_connection_share)} of the {db.usable_max_connections} usable connections of "
            f"{db.instance_class} ({promql.number(db_threshold)}) have been open for 5m in season {plan.season}; "
            f"the plan expects {db.connections} at the peak and {plan.connections_at_hpa_max} at HPA max.",
        )
    )

    peak = round(planned_peak_rps(plan), 3)
    rules.append(
        b.rule(
            "TrafficAbovePlannedPeak",
            f"{total} > {promql.number(peak)}",
            "10m",
            "warning",
            peak,
            f"traffic above the planned peak of {promql.number(peak)} rps",
            f"HTTP traffic over {rate_window} has been above the {promql.number(peak)} requests per second "
            f"the season {plan.season} was planned for ({plan.load_multiplier:g}x baseline) for 10m.",
        )
    )

    names = [rule.name for rule in rules]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"alert names collide: {', '.join(duplicates)}; rename the routes, services or workers")
    if runbook_base_url is None:
        return rules
    return [
        dataclasses.replace(
            rule, annotations={**rule.annotations, "runbook_url": f"{runbook_base_url}#{runbook_anchor(rule.name)}"}
        )
        for rule in rules
    ]


def business_rule_names(route_names: Sequence[str] = (DEFAULT_SAMPLE_ROUTE, "event-availability")) -> list[str]:
    """Names of the original plan's business alerts (route p95s, error rate, sample success rate)."""
    return [*(f"{camel(r)}P95AboveSlo" for r in route_names), "HttpErrorRateHigh", "SampleSuccessRateLow"]
