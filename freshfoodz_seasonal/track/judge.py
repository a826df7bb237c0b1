"""A tracked day held against the plan: per route, per service and for the business KPIs, a verdict and,
where the plan falls short, the stack-file change the model proposes (never applied by itself).

Pure: it takes the plan, the settings it came from and what Prometheus measured, and returns lines.
A route's observed peak is the baseline's peak (the 99th percentile of its 5-minute rate over the day),
so it compares with the planned peak (baseline peak x the season's multiplier) like for like.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from capacity.catalog import Catalog
from capacity.cpu import pods_for_cpu
from capacity.errors import InfeasibleError
from capacity.pool_sizing import size_pool
from capacity.pool_spec import PoolSpec, RouteLoad
from freshfoodz_seasonal.config.model import Service, StackSettings
from freshfoodz_seasonal.counted import counted
from freshfoodz_seasonal.metrics.names import MetricNames
from freshfoodz_seasonal.metrics.thresholds import DB_CONNECTION_SHARE
from freshfoodz_seasonal.plan.season_plan import SeasonPlan, ServicePlan, plan_season, pool_spec_of
from freshfoodz_seasonal.track.observe import ObservedRoute
from freshfoodz_seasonal.track.peak_hour import (
    MODEL_TOLERANCE,
    RouteAtPeakHour,
    ServiceHour,
    held_to_the_model,
    rounded_pods,
)

# A route above its planned peak by more than this share asks for action; up to it, it is watched.
ACT_ABOVE_PLAN = 0.10
# A p95 above this share of its SLO is watched; above the SLO, acted on.
WATCH_SLO_SHARE = 0.8
# A peak this close above the plan is the plan (rates are read from counters: float noise).
AT_PLAN = 0.005


class Verdict(StrEnum):
    OK = "ok"
    WATCH = "watch"
    ACT = "act"


def worst(verdicts: Sequence[Verdict]) -> Verdict:
    """Act over watch over ok."""
    for verdict in (Verdict.ACT, Verdict.WATCH):
        if verdict in verdicts:
            return verdict
    return Verdict.OK


@dataclass(frozen=True)
class RouteLine:
    route: str
    service: str
    planned_peak_rps: float
    observed: ObservedRoute | None
    """None: no data that day."""
    baseline_rps: float
    p95_slo_s: float
    verdict: Verdict
    reason: str
    at_peak_hour: RouteAtPeakHour | None = None
    """The route in its service's busiest hour: observed p95 against the model's at the load and pods that ran."""

    @property
    def observed_multiplier(self) -> float | None:
        return None if self.observed is None else self.observed.peak_rps / self.baseline_rps


@dataclass(frozen=True)
class ServiceLine:
    service: str
    planned_pods: int
    """The HPA's minimum at the peak: the plan's pods."""
    hpa_max: int
    needed_pods: int | None
    """What the model says the observed load needed (None: no route of it had data)."""
    planned_rps: float
    observed_rps: float | None
    """The routes' observed peaks summed, a route without data at its plan (what the pods are sized for); None
    without any."""
    measured_rps: float | None
    """The measured routes' peaks summed, nothing planned filled in (what a chart shows)."""
    unmeasured_routes: int
    baseline_rps: float
    verdict: Verdict
    reason: str
    hour: ServiceHour | None = None
    """The service's busiest hour: the load and pods that ran."""

    @property
    def observed_multiplier(self) -> float | None:
        return None if self.observed_rps is None else self.observed_rps / self.baseline_rps

    @property
    def load_words(self) -> str:
        """The load the needed pods are for, in words: what was measured, and what of it is the plan's."""
        return load_words(self.observed_rps or 0.0, self.measured_rps or 0.0, self.unmeasured_routes)


@dataclass(frozen=True)
class Kpi:
    name: str
    observed: float | None
    threshold: float
    verdict: Verdict
    reason: str
    target: str
    """The configured threshold as a reader checks it: `below 2%`, `above 80%`, `below 1500 ms`."""
    unit: str = "share"
    """`share` (0-1) or `seconds`."""


@dataclass(frozen=True)
class DatabaseLine:
    planned_class: str
    usable_connections: int
    planned_connections: int
    peak_connections: float | None
    """The most connections open at once that day; None when the metric had none."""
    verdict: Verdict
    reason: str
    peak_cpu: float | None = None
    """The primary's highest CPU share that day (0-1); None when not measured."""
    predicted_cpu: float | None = None
    """The model's primary CPU share at the day's observed load; None without a measured route."""
    cpu_target: float = 1.0
    """The season's database target: the planned peak's CPU share at most."""


@dataclass(frozen=True)
class Proposal:
    """A change to the stack file, and what it does to the plan."""

    key: str
    old: float
    new: float
    effects: tuple[str, ...]
    """e.g. `api minReplicas 7 -> 9: observed 236 rps, 4.7x, above the planned 200`."""
    blocked: tuple[str, ...] = ()
    """Why the plan at `new` is infeasible (a cap to raise first), each problem apart; then there are no
    effects."""


@dataclass(frozen=True)
class DayJudgement:
    routes: tuple[RouteLine, ...]
    services: tuple[ServiceLine, ...]
    database: DatabaseLine
    kpis: tuple[Kpi, ...]
    proposal: Proposal | None
    database_proposal: Proposal | None = None

    @property
    def lines(self) -> list[tuple[str, Verdict, str]]:
        """Every line of the day as (name, verdict, reason): routes, services, the database, the KPIs."""
        return [
            *((line.route, line.verdict, line.reason) for line in self.routes),
            *((line.service, line.verdict, line.reason) for line in self.services),
            ("database", self.database.verdict, self.database.reason),
            *((kpi.name, kpi.verdict, kpi.reason) for kpi in self.kpis),
        ]

    @property
    def verdict(self) -> Verdict:
        """The worst of every line."""
        return worst([verdict for _, verdict, _ in self.lines])


def breaks_slo(p95_s: float, lower_bound: bool, slo_s: float) -> bool:
    """A p95 above its SLO; one beyond the largest bucket is a lower bound, above the SLO once it reaches it."""
    return p95_s > slo_s or (lower_bound and p95_s >= slo_s)


def _route_with_hour(line: RouteLine, hour: ServiceHour | None, at_hour: RouteAtPeakHour | None) -> RouteLine:
    """The route's line with its busiest hour: a p95 above the SLO in that hour acts (the day's p95 mixes in the
    quiet hours), a model error beyond the plan's promise of 10 % is watched."""
    if hour is None or at_hour is None:
        return line
    verdict, reason = line.verdict, line.reason
    observed = at_hour.observed_p95_s
    if (
        observed is not None
        and breaks_slo(observed, at_hour.beyond_buckets, line.p95_slo_s)
        and verdict is not Verdict.ACT
    ):
        verdict = Verdict.ACT
        at_least = "at least " if at_hour.beyond_buckets else ""
        reason = (
            f"in the busiest hour the p95 was {at_least}{observed * 1000:.0f} ms, above its "
            f"{line.p95_slo_s * 1000:.0f} ms SLO; {reason}"
        )
    error, predicted = at_hour.model_error, at_hour.predicted_p95_s
    if error is None or predicted is None or observed is None:
        return dataclasses.replace(line, verdict=verdict, reason=reason, at_peak_hour=at_hour)
    pods = f"{rounded_pods(hour.pods)} pods" if hour.pods is not None else "the pods that ran"
    note = (
        f"in the busiest hour ({at_hour.rps:.4g} rps, {pods}) the model predicted a p95 of "
        f"{predicted * 1000:.0f} ms, observed {observed * 1000:.0f} ms ({error:+.0%})"
    )
    if at_hour.within_resolution:
        note += ", within the histogram's bucket"
    elif verdict is Verdict.OK and abs(error) > MODEL_TOLERANCE:
        verdict, note = Verdict.WATCH, f"{note}: beyond the model's {MODEL_TOLERANCE:.0%}"
    return dataclasses.replace(line, verdict=verdict, reason=f"{reason}; {note}", at_peak_hour=at_hour)


def _route_line(
    name: str,
    service: ServiceLine,
    planned: float,
    baseline: float,
    slo: float,
    seen: ObservedRoute | None,
    missing: str,
) -> RouteLine:
    def line(verdict: Verdict, reason: str) -> RouteLine:
        return RouteLine(name, service.service, planned, seen, baseline, slo, verdict, reason)

    if seen is None:
        return line(Verdict.WATCH, f"the day's peak and p95 not measured: {missing}")
    return line(*_route_verdict(seen, service, planned, baseline, slo))


def _route_verdict(
    seen: ObservedRoute, service: ServiceLine, planned: float, baseline: float, slo: float
) -> tuple[Verdict, str]:
    """The first rule that holds, worst first: the SLO, the load above the plan, then what to watch."""
    above = seen.peak_rps / planned - 1.0
    load = f"peak {seen.peak_rps:.4g} rps ({seen.peak_rps / baseline:.2f}x), planned {planned:.4g}"
    p95, slo_ms = _p95_text(seen), f"{slo * 1000:.0f} ms"
    if seen.p95_s is not None and breaks_slo(seen.p95_s, seen.p95_beyond_buckets, slo):
        return Verdict.ACT, f"{p95} above its {slo_ms} SLO; {load}"
    if above > ACT_ABOVE_PLAN:
        # Above the plan by more than the model's promise: act when the service ran short of pods for it.
        short = service.verdict is Verdict.ACT
        consequence = f"{service.service} {service.reason}" if short else f"{service.service}'s pods carried it"
        return (Verdict.ACT if short else Verdict.WATCH), f"{load}: {above:.0%} above the plan; {consequence}"
    if seen.p95_s is None or seen.p95_beyond_buckets or seen.p95_s > WATCH_SLO_SHARE * slo:
        return Verdict.WATCH, f"{p95}, SLO {slo_ms}; {load}"
    if above > AT_PLAN:
        return Verdict.WATCH, f"{load}: {above:.0%} above the plan, within {ACT_ABOVE_PLAN:.0%}"
    return Verdict.OK, f"{load}; {p95} of {slo_ms}"


def _p95_text(seen: ObservedRoute) -> str:
    if seen.p95_s is None:
        return "no p95"
    if seen.p95_beyond_buckets:
        return f"p95 beyond the largest bucket (at least {seen.p95_s * 1000:.0f} ms)"
    return f"p95 {seen.p95_s * 1000:.0f} ms"


def _observed_load(spec: PoolSpec, observed: Mapping[str, ObservedRoute]) -> PoolSpec | None:
    """The service's pool at the routes' observed peaks (a route without data at its plan); None without any."""
    if not any(route.name in observed for route in spec.routes):
        return None
    loads: tuple[RouteLoad, ...] = tuple(
        dataclasses.replace(route, rps=observed[route.name].peak_rps) if route.name in observed else route
        for route in spec.routes
    )
    return dataclasses.replace(spec, routes=loads)


def _needed_pods(settings: StackSettings, service: Service, load: PoolSpec) -> int | None:
    """The pods the model gives the service at `load`, with its CPU and its floors; None when no count can."""
    try:
        pods = size_pool(load).pods
    except InfeasibleError:
        return None
    use = service.cpu_use
    if use is not None:
        rate = sum(route.rps for route in load.routes)
        target = settings.season.target_utilization.app_servers
        try:
            pods = max(pods, pods_for_cpu(rate, use, service.cpu_request_millicores / 1000.0, target))
        except InfeasibleError:
            return None
    return max(pods, service.replica_floor)


def load_words(load_rps: float, measured_rps: float, unmeasured_routes: int) -> str:
    """`the observed 40 rps`; where routes had no data (their planned rates stand in), how much is measured and
    how much planned: a reader must not take the planned part for traffic seen."""
    if not unmeasured_routes:
        return f"the observed {load_rps:.4g} rps"
    return (
        f"{load_rps:.4g} rps: {measured_rps:.4g} observed and {load_rps - measured_rps:.4g} planned for the "
        f"{counted(unmeasured_routes, 'route')} not measured"
    )


def _service_line(settings: StackSettings, plan: ServicePlan, observed: Mapping[str, ObservedRoute]) -> ServiceLine:
    service = next(s for s in settings.services if s.name == plan.name)
    spec = pool_spec_of(settings, service, settings.season.load_multiplier)
    baseline = sum(route.baseline_rps for route in settings.routes_of(service.name))
    planned = sum(route.rps for route in spec.routes)
    load = _observed_load(spec, observed)
    observed_rps = None if load is None else sum(route.rps for route in load.routes)
    measured = [observed[route.name].peak_rps for route in spec.routes if route.name in observed]
    needed = None if load is None else _needed_pods(settings, service, load)

    def line(verdict: Verdict, reason: str) -> ServiceLine:
        return ServiceLine(
            plan.name,
            plan.pods,
            plan.hpa.max_replicas,
            needed,
            planned,
            observed_rps,
            sum(measured) if measured else None,
            len(spec.routes) - len(measured),
            baseline,
            verdict,
            reason,
        )

    if load is None:
        return line(Verdict.WATCH, "no route of it was measured")
    if needed is None:
        return line(
            Verdict.ACT, "the observed load needs more pods than any count can give (an SLO below a service time)"
        )
    said = load_words(observed_rps or 0.0, sum(measured), len(spec.routes) - len(measured))
    shortfall = f"needed {needed} pods for {said}, above the planned {plan.pods}"
    if needed > plan.hpa.max_replicas:
        return line(Verdict.ACT, f"{shortfall} and the HPA's max of {plan.hpa.max_replicas}")
    # The HPA covers a little more than the plan up to its max: act once the load passed the model's promise.
    if needed > plan.pods and (observed_rps or 0.0) > (1 + ACT_ABOVE_PLAN) * planned:
        return line(Verdict.ACT, f"{shortfall}, more than {ACT_ABOVE_PLAN:.0%} above the planned {planned:.4g} rps")
    if needed > plan.pods:
        return line(
            Verdict.WATCH,
            f"{shortfall}; within {ACT_ABOVE_PLAN:.0%}, the HPA's max of {plan.hpa.max_replicas} covers it",
        )
    return line(Verdict.OK, f"needed {needed} of the planned {plan.pods} pods for {said}")


def _service_with_hour(line: ServiceLine, hour: ServiceHour | None, hpa: str) -> ServiceLine:
    """The service's line with its busiest hour: hours at the HPA's max are watched, and so is an hour whose
    load or pods were not measured (the model cannot be held to it); `hpa` names the series looked for."""
    if hour is None:
        if line.observed_rps is None:
            return line
        return dataclasses.replace(
            line,
            verdict=worst([line.verdict, Verdict.WATCH]),
            reason=f"{line.reason}; its busiest hour not measured (no hourly rates), so the model is not held to it",
        )
    verdict, reason = line.verdict, line.reason
    if hour.pods is None or hour.hours_at_max is None:
        verdict = worst([verdict, Verdict.WATCH])
        reason += f"; the HPA's replicas not measured (no {hpa}), so hours at its max and the model are not"
    if hour.hours_at_max:
        reason += f"; the HPA ran at its max of {line.hpa_max} for {hour.hours_at_max:.1f} h"
        verdict = worst([verdict, Verdict.WATCH])
    if hour.pods is not None:
        reason += f"; {hour.pods:.1f} pods ran in the busiest hour"
    return dataclasses.replace(line, verdict=verdict, reason=reason, hour=hour)


def _connections_verdict(plan: SeasonPlan, peak: float | None) -> tuple[Verdict, str]:
    """The day's most connections against what the planned class accepts."""
    db = plan.database
    if peak is None:
        return Verdict.WATCH, "connections not measured (no series)"
    used = f"{peak:.0f} connections at most, of {db.usable_max_connections} usable on {db.instance_class}"
    if peak > DB_CONNECTION_SHARE * db.usable_max_connections:
        return Verdict.ACT, (
            f"{used}: above {DB_CONNECTION_SHARE:.0%}; connections follow the pods that ran and each pod's pool, "
            "so no multiplier covers them: lower services[].dbPoolPerPod or the HPAs' maxima"
        )
    if peak > db.connections:
        return Verdict.WATCH, f"{used}: more than the planned {db.connections}"
    return Verdict.OK, f"{used} (planned {db.connections})"


def _load_share(services: Sequence[ServiceLine]) -> float | None:
    """The day's observed load over the planned one, across the services (a route without data at its plan)."""
    measured = [line for line in services if line.observed_rps is not None]
    if not measured:
        return None
    return sum(line.observed_rps or 0.0 for line in measured) / sum(line.planned_rps for line in measured)


def _cpu_verdict(
    settings: StackSettings, peak: float | None, predicted: float | None, target: float
) -> tuple[Verdict, str]:
    """The primary's peak CPU against the season's database target and the model's CPU at the observed load."""
    if settings.metrics.db_cpu_percent is None:
        return Verdict.OK, "CPU not measured (no metrics.dbCpuPercent)"
    if peak is None:
        return Verdict.WATCH, f"CPU not measured (no {settings.metrics.db_cpu_percent} series)"
    cpu = f"CPU peaked at {peak:.0%} (target {target:.0%}"
    cpu += ")" if predicted is None else f", the model's {predicted:.0%} at the observed load)"
    if peak > target:
        return Verdict.ACT, f"{cpu}: above the target"
    if predicted is not None and peak > predicted * (1 + MODEL_TOLERANCE):
        return Verdict.WATCH, f"{cpu}: the model's database CPU is {peak / predicted - 1:.0%} low"
    return Verdict.OK, cpu


def _database_line(
    settings: StackSettings,
    plan: SeasonPlan,
    services: Sequence[ServiceLine],
    peak_connections: float | None,
    peak_cpu: float | None,
) -> DatabaseLine:
    """Connections and, where `metrics.dbCpuPercent` names a gauge (CloudWatch's, which Prometheus need not
    hold), the primary's CPU; the worse of the two."""
    share = _load_share(services)
    predicted = None if share is None else plan.database.primary_cpu_utilization * share
    target = settings.season.target_utilization.database
    parts = [_connections_verdict(plan, peak_connections), _cpu_verdict(settings, peak_cpu, predicted, target)]
    return DatabaseLine(
        plan.database.instance_class,
        plan.database.usable_max_connections,
        plan.database.connections,
        peak_connections,
        worst([verdict for verdict, _ in parts]),
        "; ".join(reason for _, reason in parts),
        peak_cpu,
        predicted,
        target,
    )


def _database_proposal(
    settings: StackSettings, catalog: Catalog, plan: SeasonPlan, lines: Sequence[DatabaseLine]
) -> Proposal | None:
    """Where the primary's CPU passed its target by more than the model said at that load: the stack's
    database.baselineCpuUtilization scaled by the worst day's observed over predicted, and what the plan then
    changes. None when no day's CPU acted."""
    ratios = [
        line.peak_cpu / line.predicted_cpu
        for line in lines
        if line.peak_cpu is not None and line.predicted_cpu and line.peak_cpu > line.cpu_target
    ]
    if not ratios or max(ratios) <= 1.0:
        return None
    old = settings.database.baseline_cpu_utilization
    new = min(math.ceil(old * max(ratios) * 100 - 1e-9) / 100, MAX_CPU_UTILIZATION)
    if new <= old:
        return None
    database = settings.database.model_copy(update={"baseline_cpu_utilization": new})
    try:
        replanned = plan_season(
            settings.model_copy(update={"database": database}), catalog, plan.stack, plan.window.first_day.year
        )
    except InfeasibleError as error:
        return Proposal("database.baselineCpuUtilization", old, new, (), error.problems)
    return Proposal("database.baselineCpuUtilization", old, new, _effects(plan, replanned, ()))


def _kpis(settings: StackSettings, observed: Mapping[str, ObservedRoute]) -> list[Kpi]:
    """The stack's business KPIs (`kpis`, the original plan's by default) on the day."""
    kpis = settings.business_kpis
    found = []
    seen = list(observed.values())
    total = sum(route.requests for route in seen)
    below_errors, above_success = f"below {kpis.error_rate:.0%}", f"above {kpis.sample_success:.0%}"
    if seen and total > 0:
        # The day's 5xx answers over its requests, across the API.
        errors = sum(route.error_rate * route.requests for route in seen) / total
        verdict = Verdict.ACT if errors > kpis.error_rate else Verdict.OK
        found.append(Kpi("error rate", errors, kpis.error_rate, verdict, below_errors, below_errors))
    else:
        found.append(Kpi("error rate", None, kpis.error_rate, Verdict.WATCH, "no data", below_errors))
    sample = observed.get(kpis.sample_route)
    success = None if sample is None else sample.success_rate
    if success is None:
        found.append(Kpi("sample success", None, kpis.sample_success, Verdict.WATCH, "no data", above_success))
    else:
        verdict = Verdict.ACT if success < kpis.sample_success else Verdict.OK
        found.append(Kpi("sample success", success, kpis.sample_success, verdict, above_success, above_success))
    routes = {route.name: route for route in settings.routes}
    return found + [_route_p95(routes[name].p95_slo_ms / 1000.0, name, observed.get(name)) for name in kpis.p95_routes]


def _route_p95(slo: float, route: str, seen: ObservedRoute | None) -> Kpi:
    """A KPI route's p95 on the day against its SLO (the original plan's samples below 2 s, event catering
    below 1.5 s)."""
    name, target = f"{route} p95", f"below {slo * 1000:.0f} ms"
    if seen is None or seen.p95_s is None:
        return Kpi(name, None, slo, Verdict.WATCH, "no data", target, "seconds")
    broke = breaks_slo(seen.p95_s, seen.p95_beyond_buckets, slo)
    reason = f"{'above' if broke else 'within'} its {slo * 1000:.0f} ms SLO"
    return Kpi(name, seen.p95_s, slo, Verdict.ACT if broke else Verdict.OK, reason, target, "seconds")


# The proposal searches multipliers in tenths, at most this far above the season's.
MAX_PROPOSAL_STEPS = 200
# database.baselineCpuUtilization's largest accepted value.
MAX_CPU_UTILIZATION = 0.99


def _proposal(
    settings: StackSettings, catalog: Catalog, plan: SeasonPlan, services: Sequence[ServiceLine]
) -> Proposal | None:
    """The smallest multiplier (in tenths, above the season's) whose plan gives every act service the pods its
    observed load needed, and what the plan then changes; None when the plan's pods sufficed."""
    short = [line for line in services if line.verdict is Verdict.ACT and line.needed_pods is not None]
    if not short:
        return None
    # Start at the highest observed multiplier of a short service: its routes together ran at least that.
    start = max(line.observed_multiplier or plan.load_multiplier for line in short)
    return _covering(settings, catalog, plan, short, max(_tenths_up(start), plan.load_multiplier + 0.1))


def _tenths_up(multiplier: float) -> float:
    return math.ceil(multiplier * 10 - 1e-9) / 10


def _covering(
    settings: StackSettings, catalog: Catalog, plan: SeasonPlan, lines: Sequence[ServiceLine], start: float
) -> Proposal | None:
    """From `start` up in tenths, the first multiplier whose plan gives each line's service its needed pods;
    blocked where that plan is infeasible."""
    needed = {line.service: line.needed_pods or 0 for line in lines}
    year = plan.window.first_day.year
    new = start
    for _ in range(MAX_PROPOSAL_STEPS):
        season = settings.season.model_copy(update={"load_multiplier": round(new, 1)})
        try:
            replanned = plan_season(settings.model_copy(update={"season": season}), catalog, plan.stack, year)
        except InfeasibleError as error:
            return Proposal("season.loadMultiplier", plan.load_multiplier, round(new, 1), (), error.problems)
        if all(service.pods >= needed.get(service.name, 0) for service in replanned.services):
            return Proposal(
                "season.loadMultiplier", plan.load_multiplier, round(new, 1), _effects(plan, replanned, lines)
            )
        new += 0.1
    return None


def _effects(plan: SeasonPlan, replanned: SeasonPlan, short: Sequence[ServiceLine]) -> tuple[str, ...]:
    why = {line.service: line for line in short}
    effects = []
    for old, now in zip(plan.scaled, replanned.scaled, strict=True):
        if now.pods == old.pods and now.hpa.max_replicas == old.hpa.max_replicas:
            continue
        line = why.get(old.name)
        observed = (
            f": {line.load_words}, {line.observed_multiplier:.1f}x, "
            f"{'above' if line.observed_rps > line.planned_rps else 'below'} the planned {line.planned_rps:.4g}"
            if line is not None and line.observed_rps is not None and line.observed_multiplier is not None
            else (
                " (follows the multiplier; its own load did not ask for it)"
                if isinstance(old, ServicePlan)
                else " (follows the multiplier; a worker's jobs are not tracked)"
            )
        )
        effects.append(
            f"{old.name} minReplicas {old.pods} -> {now.pods}, maxReplicas {old.hpa.max_replicas} -> "
            f"{now.hpa.max_replicas}{observed}"
        )
    if replanned.nodes.nodes != plan.nodes.nodes:
        effects.append(f"seasonal nodes {plan.nodes.nodes} -> {replanned.nodes.nodes}")
    before = (plan.database.instance_class, plan.database.read_replicas)
    after = (replanned.database.instance_class, replanned.database.read_replicas)
    if before != after:
        effects.append(f"database {before[0]} + {before[1]} replicas -> {after[0]} + {after[1]} replicas")
    old_cost, new_cost = plan.cost.extra_while_running, replanned.cost.extra_while_running
    if round(old_cost) != round(new_cost):
        effects.append(f"the season's own cost {old_cost:,.0f} -> {new_cost:,.0f} {plan.cost.currency} (estimate)")
    return tuple(effects)


def judge_day(
    settings: StackSettings,
    catalog: Catalog,
    plan: SeasonPlan,
    observed: Mapping[str, ObservedRoute],
    missing: Mapping[str, str],
    hours: Mapping[str, ServiceHour] | None = None,
    peak_connections: float | None = None,
    peak_db_cpu: float | None = None,
) -> DayJudgement:
    """Every route, service and KPI of the plan against the day; `observed` by route name, `missing` the reason
    a route has no measurement, `hours` each service's busiest hour (where measured)."""
    hours = hours or {}
    names = MetricNames(**settings.metrics.metric_names())
    services = {
        service.name: _service_with_hour(
            _service_line(settings, service, observed),
            hours.get(service.name),
            f"{names.hpa_current_replicas} series for {service.namespace}/{service.deployment}",
        )
        for service in plan.services
    }
    at_hour = {
        route: measured
        for service in settings.services
        if (hour := hours.get(service.name)) is not None
        for route, measured in held_to_the_model(settings, service, hour).items()
    }
    baseline = {route.name: route.baseline_rps for route in plan.routes}
    routes = tuple(
        _route_with_hour(
            _route_line(
                route.name,
                services[service.name],
                route.rps,
                baseline[route.name],
                route.p95_slo_s,
                observed.get(route.name),
                missing.get(route.name, "no data"),
            ),
            hours.get(service.name),
            at_hour.get(route.name),
        )
        for service in plan.services
        for route in service.sizing.routes
    )
    lines = tuple(services.values())
    database = _database_line(settings, plan, lines, peak_connections, peak_db_cpu)
    return DayJudgement(
        routes,
        lines,
        database,
        tuple(_kpis(settings, observed)),
        _proposal(settings, catalog, plan, lines),
        _database_proposal(settings, catalog, plan, [database]),
    )


@dataclass(frozen=True)
class SpanJudgement:
    """Several days against the plan: each day's judgement, and one proposal that covers them all."""

    days: tuple[tuple[dt.date, DayJudgement], ...]
    proposal: Proposal | None
    database_proposal: Proposal | None = None
    needed_less: Proposal | None = None
    """Where no line of any day acted and the span ran below the season's multiplier: the multiplier that ran,
    as the plan that would have carried each service's busiest day (money spent on load that did not come)."""

    @property
    def verdict(self) -> Verdict:
        return worst([day.verdict for _, day in self.days])


def _busiest_lines(days: Sequence[tuple[dt.date, DayJudgement]], acted: bool) -> dict[str, ServiceLine]:
    """Per service, its line of the day that needed the most pods (only act lines when `acted`)."""
    busiest: dict[str, ServiceLine] = {}
    for _, day in days:
        for line in day.services:
            if line.needed_pods is None or (acted and line.verdict is not Verdict.ACT):
                continue
            kept = busiest.get(line.service)
            # The most pods, and of days that needed as many, the busiest: its load is the one to cite.
            if kept is None or (kept.needed_pods or 0, kept.observed_rps or 0.0) < (
                line.needed_pods,
                line.observed_rps or 0.0,
            ):
                busiest[line.service] = line
    return busiest


def _needed_less(
    settings: StackSettings, catalog: Catalog, plan: SeasonPlan, days: Sequence[tuple[dt.date, DayJudgement]]
) -> Proposal | None:
    """Where every service was measured and the span's highest observed multiplier lies below the season's:
    the multiplier (in tenths, from that one up) whose plan still gives every service the most pods any day
    needed. The multiplier stays at the load that ran, never below: the database and the workers follow it
    and are not held to their need here. None otherwise."""
    busiest = _busiest_lines(days, acted=False)
    if set(busiest) != {service.name for service in plan.services}:
        return None
    ran = max(
        (m for _, day in days for line in day.services if (m := line.observed_multiplier) is not None),
        default=None,
    )
    if ran is None or _tenths_up(ran) >= plan.load_multiplier:
        return None
    proposal = _covering(settings, catalog, plan, list(busiest.values()), _tenths_up(ran))
    return proposal if proposal is not None and proposal.new < plan.load_multiplier else None


def judge_span(
    settings: StackSettings, catalog: Catalog, plan: SeasonPlan, days: Sequence[tuple[dt.date, DayJudgement]]
) -> SpanJudgement:
    """The days; the smallest multiplier whose plan gives every service the most pods any act day needed, or,
    where no day acted, the lowest that still carried the span; the database's CPU proposal over the days."""
    acted = _busiest_lines(days, acted=True)
    proposal = _proposal(settings, catalog, plan, list(acted.values()))
    # Less only where nothing acted: a route past its SLO or a database past its target is no day to save on.
    calm = worst([day.verdict for _, day in days]) is not Verdict.ACT
    less = _needed_less(settings, catalog, plan, days) if calm else None
    database = _database_proposal(settings, catalog, plan, [day.database for _, day in days])
    return SpanJudgement(tuple(days), proposal, database, less)


@dataclass(frozen=True)
class MeasuredMultiplier:
    """A route's season peak over its peak in the days before the season: the multiplier it really had."""

    route: str
    days_before_peak: float | None
    season_peak: float | None

    @property
    def multiplier(self) -> float | None:
        if self.days_before_peak is None or self.season_peak is None:
            return None
        return self.season_peak / self.days_before_peak


def measured_multipliers(
    span: SpanJudgement, days_before: Mapping[str, float], first: dt.date, last: dt.date
) -> list[MeasuredMultiplier]:
    """Per route of the plan, the highest daily peak of the span's days within the season (`first` to `last`)
    against the days before it."""
    peaks: dict[str, float] = {}
    order: list[str] = []
    for date, day in span.days:
        for line in day.routes:
            if line.route not in order:
                order.append(line.route)
            if line.observed is not None and first <= date <= last:
                peaks[line.route] = max(peaks.get(line.route, 0.0), line.observed.peak_rps)
    return [MeasuredMultiplier(route, days_before.get(route), peaks.get(route)) for route in order]
