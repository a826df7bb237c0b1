"""`seasonctl baseline`'s measurement: ask Prometheus, measure every route (and, with a stack, each workload's
CPU), make the stack file's new text.

The steps are kept apart so a failure in any of them leaves the stack file as it was: all queries
run and every route is measured before the new file text is made; the new text must validate as a
stack before it replaces the file, in one rename.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from capacity.catalog import Catalog
from freshfoodz_seasonal.adapters.prometheus_http import PrometheusClient, PrometheusUnavailable
from freshfoodz_seasonal.adapters.stack_file import settings_from_config, stack_config_from_text
from freshfoodz_seasonal.baseline.cpu_measure import (
    WARMUP_S,
    CpuBaseline,
    CpuProblem,
    WorkloadCpu,
    measure_cpu,
    rateless_targets,
    unanswered,
)
from freshfoodz_seasonal.baseline.cpu_queries import (
    RATE_LABELS,
    CpuMeasure,
    CpuScope,
    CpuTarget,
    JobsCounter,
    Unit,
    cpu_queries,
    cpu_step_s,
    rate_labels_query,
)
from freshfoodz_seasonal.baseline.measure import (
    BaselineProblem,
    NamedRoute,
    PrometheusAnswerError,
    RouteBaseline,
    Sample,
    answer_warnings,
    history_days,
    instant_vector,
    measure_routes,
    routes_in_data,
)
from freshfoodz_seasonal.baseline.profile import HourlyProfile, hourly_profile
from freshfoodz_seasonal.baseline.queries import (
    BaselineWindow,
    Measure,
    RouteKey,
    baseline_queries,
    hourly_rate_query,
)
from freshfoodz_seasonal.baseline.range_answer import RangeSeries, range_series
from freshfoodz_seasonal.baseline.stack_update import Change, update_stack_text
from freshfoodz_seasonal.config.model import StackSettings
from freshfoodz_seasonal.metrics.names import MetricNames
from freshfoodz_seasonal.metrics.promql import Matcher, duration_seconds, exact_matchers

# The hourly profile reads the job's rate once an hour.
PROFILE_STEP_S = 3600.0
# The range query beside the instant ones (`Measure`): the job's rate every hour, for the quiet hour.
HOURLY_PROFILE = "hourly_profile"


@dataclass(frozen=True)
class QueryRun:
    measure: str
    """A `Measure`, HOURLY_PROFILE, a `CpuMeasure` or RATE_LABELS."""
    promql: str
    seconds: float
    series: int
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Baseline:
    """What one run found: per route, the measured values or the problem, and the queries it ran."""

    url: str
    window: BaselineWindow
    end_s: float
    routes: list[RouteBaseline]
    problems: list[BaselineProblem]
    queries: list[QueryRun]
    history_days: float = 0.0
    profile: HourlyProfile | None = None
    """The job's traffic by Europe/Berlin hour, and its quietest hour."""
    cpu: CpuBaseline | None = None
    """CPU per request and per job; None when not measured (no stack, or --no-cpu)."""

    @property
    def warnings(self) -> list[tuple[QueryRun, str]]:
        """Prometheus's warnings with the query that got them: the answer may be partial."""
        return [(run, warning) for run in self.queries for warning in run.warnings]

    @property
    def cpu_problems(self) -> list[CpuProblem]:
        return [] if self.cpu is None else self.cpu.problems

    @property
    def measured_cpu(self) -> list[WorkloadCpu]:
        return [] if self.cpu is None else self.cpu.workloads


@dataclass(frozen=True)
class Scope:
    """Which routes and series to measure: the stack's, or everything the data holds."""

    names: MetricNames
    matchers: tuple[Matcher, ...]
    routes: tuple[NamedRoute, ...]
    cpu: CpuScope | None = None
    """The workloads whose CPU is measured; None: none is (no stack, or --no-cpu)."""

    @classmethod
    def of_stack(cls, settings: StackSettings, measure_cpu: bool = True, skip_cpu: Sequence[str] = ()) -> Scope:
        metrics = settings.metrics
        return cls(
            names=MetricNames(**metrics.metric_names()),
            matchers=exact_matchers(metrics.http_matchers),
            routes=tuple(NamedRoute(r.name, RouteKey(r.method, r.path)) for r in settings.routes),
            cpu=cpu_scope(settings, skip_cpu) if measure_cpu else None,
        )


def cpu_workloads(settings: StackSettings) -> list[str]:
    """The names `--skip-cpu` accepts: the stack's services and workers."""
    return [*(service.name for service in settings.services), *(worker.name for worker in settings.workers)]


def _skipped(name: str) -> str:
    return f"{name}: skipped (--skip-cpu), so its CPU is not measured and its cpu in the stack stays as it is"


def cpu_scope(settings: StackSettings, skip: Sequence[str] = ()) -> CpuScope:
    """Every service by its routes (the config refuses a service without one), every worker by its jobs counter;
    a worker without one is not measured, nor is a workload named in `skip`."""
    targets = []
    unmeasured = []
    for service in settings.services:
        if service.name in skip:
            unmeasured.append(_skipped(service.name))
            continue
        routes = tuple(RouteKey(r.method, r.path) for r in settings.routes if r.service == service.name)
        targets.append(CpuTarget(service.name, Unit.REQUEST, service.namespace, service.deployment, routes=routes))
    for worker in settings.workers:
        if worker.name in skip:
            unmeasured.append(_skipped(worker.name))
            continue
        if worker.jobs_metric is None:
            unmeasured.append(
                f"{worker.name}: no jobsMetric (a counter of its jobs), so its CPU per job is not measured"
            )
            continue
        jobs = JobsCounter(worker.jobs_metric.name, exact_matchers(worker.jobs_metric.matchers))
        targets.append(CpuTarget(worker.name, Unit.JOB, worker.namespace, worker.deployment, jobs=jobs))
    metrics = settings.metrics
    return CpuScope(
        tuple(targets), exact_matchers(metrics.cpu_matchers), exact_matchers(metrics.http_matchers), tuple(unmeasured)
    )


def measure_baseline(client: PrometheusClient, scope: Scope, window: BaselineWindow, end_s: float) -> Baseline:
    """Runs every query (PrometheusUnavailable, PrometheusAnswerError), then measures every route."""
    queries = baseline_queries(scope.names, window, scope.matchers, [route.key for route in scope.routes])
    answers: dict[Measure, list[Sample]] = {}
    runs = []
    for measure, promql in queries.items():
        started = time.perf_counter()
        answer = client.query(promql, end_s)
        answers[measure] = instant_vector(answer)
        runs.append(
            QueryRun(
                measure.value, promql, time.perf_counter() - started, len(answers[measure]), answer_warnings(answer)
            )
        )
    promql = hourly_rate_query(scope.names, scope.matchers)
    # Points on the full hours (whatever minute --end has), each the mean rate of the hour before it.
    last = end_s // PROFILE_STEP_S * PROFILE_STEP_S
    started = time.perf_counter()
    answer = client.query_range(promql, last - duration_seconds(window.window) + PROFILE_STEP_S, last, PROFILE_STEP_S)
    profile = hourly_profile(answer)
    points = sum(rate is not None for rate in profile.rates)
    runs.append(QueryRun(HOURLY_PROFILE, promql, time.perf_counter() - started, points, answer_warnings(answer)))
    routes = scope.routes or tuple(routes_in_data(answers[Measure.REQUESTS], scope.names))
    measured, problems = measure_routes(routes, answers, scope.names, window)
    history = history_days(answers, duration_seconds(window.step))
    cpu = None if scope.cpu is None else _measure_cpu(client, scope.names, scope.cpu, window, end_s, runs)
    return Baseline(client.base_url, window, end_s, measured, problems, runs, history, profile, cpu)


def _measure_cpu(
    client: PrometheusClient,
    names: MetricNames,
    scope: CpuScope,
    window: BaselineWindow,
    end_s: float,
    runs: list[QueryRun],
) -> CpuBaseline:
    """Runs the CPU range queries (recorded in `runs`), then fits every workload. Where a workload has CPU
    series but no rate on its pods, one instant query more tells whether its counter has series at all, and
    whether they carry the pod labels the join needs."""
    step_s = cpu_step_s(window)
    start_s = end_s - duration_seconds(window.window) + step_s
    answers: dict[CpuMeasure, list[RangeSeries]] = {}
    for measure, promql in cpu_queries(names, window, scope).items():
        started = time.perf_counter()
        try:
            answer = client.query_range(promql, start_s, end_s, step_s)
            answers[measure] = range_series(answer)
        except (PrometheusUnavailable, PrometheusAnswerError) as error:
            # A heavy join may time out where the routes' queries did not: their baseline still stands.
            return unanswered(scope, step_s, measure.value, client.shown(str(error)))
        runs.append(
            QueryRun(
                measure.value, promql, time.perf_counter() - started, len(answers[measure]), answer_warnings(answer)
            )
        )
    rate_labels = None
    rateless = rateless_targets(scope, answers, names)
    if rateless:
        promql = rate_labels_query(names, window, rateless, scope.http_matchers)
        started = time.perf_counter()
        try:
            answer = client.query(promql, end_s)
            rate_labels = instant_vector(answer)
        except (PrometheusUnavailable, PrometheusAnswerError):
            # Only a diagnosis: without it the refusal says less about why, not something else.
            answer, rate_labels = {}, None
        seconds = time.perf_counter() - started
        found = 0 if rate_labels is None else len(rate_labels)
        runs.append(QueryRun(RATE_LABELS, promql, seconds, found, answer_warnings(answer)))
    settle_s = WARMUP_S + duration_seconds(window.rate_window)
    return measure_cpu(scope, answers, names, step_s, rate_labels, settle_s)


def updated_stack(
    path: Path,
    original: str,
    measured: Sequence[RouteBaseline],
    catalog: Catalog,
    quiet_hour: int | None,
    cpu: Sequence[WorkloadCpu] = (),
) -> tuple[str, list[Change]]:
    """The stack file's new text, checked to be a valid stack (ConfigError otherwise), and what changed."""
    text, changes = update_stack_text(original, measured, quiet_hour, cpu)
    settings_from_config(stack_config_from_text(text, path), path, catalog)
    return text, changes
