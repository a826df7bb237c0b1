"""A tracked day judged against the weihnachten plan, on hand-made observations (no Prometheus).

The plan at 5x: api 7 pods for 200 rps (catalog-browse 100, customer-lookup 30, order-submit 40,
sample-request 30), event-catering 5 pods for 50 rps (event-availability 40, event-booking 10).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import Any

import pytest

from capacity.catalog import Catalog
from freshfoodz_seasonal.plan.season_plan import SeasonPlan, plan_season
from freshfoodz_seasonal.track.day import TrackedDay
from freshfoodz_seasonal.track.judge import DayJudgement, Verdict, judge_day, judge_span, measured_multipliers
from freshfoodz_seasonal.track.observe import ObservedRoute
from freshfoodz_seasonal.track.peak_hour import ServiceHour, bucket_quantile, busiest_hour, held_to_the_model
from tests.unit.test_season_plan import settings_with

PLANNED = {
    "catalog-browse": 100.0,
    "customer-lookup": 30.0,
    "order-submit": 40.0,
    "sample-request": 30.0,
    "event-availability": 40.0,
    "event-booking": 10.0,
}
FAST = 0.05  # a p95 of 50 ms: within every SLO


def seen(rps: float, p95_s: float = FAST, errors: float = 0.0, success: float | None = 1.0) -> ObservedRoute:
    # A day's requests: half the peak rate, all day long.
    return ObservedRoute(rps, p95_s, errors, success, requests=rps * 43_200)


def judged(
    catalog: Catalog,
    observed: dict[str, ObservedRoute],
    connections: float | None = 100.0,
    db_cpu: float | None = None,
    cpu_metric: str | None = None,
    **changes: Any,
) -> tuple[SeasonPlan, DayJudgement]:
    settings = settings_with(**changes)
    metrics = settings.metrics.model_copy(update={"db_cpu_percent": cpu_metric})
    settings = settings.model_copy(update={"metrics": metrics})
    plan = plan_season(settings, catalog, "weihnachten", 2026)
    return plan, judge_day(settings, catalog, plan, observed, {}, quiet_hours(plan, observed), connections, db_cpu)


def quiet_hours(plan: SeasonPlan, observed: dict[str, ObservedRoute]) -> dict[str, ServiceHour]:
    """Each service's busiest hour at its routes' peaks on the planned pods, never at the HPA's max, without
    histogram buckets (so no model error is measured)."""
    return {
        service.name: ServiceHour(
            7200.0,
            {route.name: observed[route.name].peak_rps for route in service.sizing.routes if route.name in observed},
            float(service.pods),
            {},
            0.0,
        )
        for service in plan.services
    }


def at(share: float) -> dict[str, ObservedRoute]:
    return {name: seen(rps * share) for name, rps in PLANNED.items()}


def test_a_day_at_the_plan_is_ok_and_proposes_nothing(catalog: Catalog) -> None:
    _, day = judged(catalog, at(0.9))
    assert day.verdict is Verdict.OK and day.proposal is None
    assert [line.verdict for line in day.routes] == [Verdict.OK] * 6
    api = day.services[0]
    assert api.observed_rps == pytest.approx(180.0) and api.needed_pods is not None and api.needed_pods <= 7


def test_within_ten_percent_above_the_plan_is_watched(catalog: Catalog) -> None:
    _, day = judged(catalog, at(1.05))
    assert {line.verdict for line in day.routes} == {Verdict.WATCH}
    assert all(line.reason.endswith("5% above the plan, within 10%") for line in day.routes)


def test_a_service_short_of_pods_makes_its_routes_act_and_the_model_proposes_a_multiplier(catalog: Catalog) -> None:
    # api at 6x (240 rps): 26.2 x 1.2 = 31.4 busy slots need 8 pods at 50 % of 8 slots; event-catering at plan.
    observed = {**at(1.0), **{name: seen(PLANNED[name] * 1.2) for name in ("catalog-browse", "customer-lookup")}}
    observed |= {name: seen(PLANNED[name] * 1.2) for name in ("order-submit", "sample-request")}
    plan, day = judged(catalog, observed)
    api, catering = day.services
    assert (api.verdict, api.needed_pods, catering.verdict) == (Verdict.ACT, 8, Verdict.OK)
    assert api.observed_multiplier == pytest.approx(6.0)
    assert [line.verdict for line in day.routes[:4]] == [Verdict.ACT] * 4
    assert day.routes[0].reason == (
        "peak 120 rps (6.00x), planned 100: 20% above the plan; api needed 8 pods for the observed 240 rps, "
        "above the planned 7, more than 10% above the planned 200 rps; 7.0 pods ran in the busiest hour"
    )
    proposal = day.proposal
    assert proposal is not None and (proposal.key, proposal.old, proposal.new) == ("season.loadMultiplier", 5.0, 6.0)
    replanned = plan_season(settings_with(season__loadMultiplier=6.0), catalog, "weihnachten", 2026)
    assert replanned.services[0].pods >= 8
    assert proposal.effects[0] == (
        f"api minReplicas 7 -> {replanned.services[0].pods}, maxReplicas {plan.services[0].hpa.max_replicas} -> "
        f"{replanned.services[0].hpa.max_replicas}: the observed 240 rps, 6.0x, above the planned 200"
    )


def test_a_service_with_a_route_not_measured_says_which_part_of_its_load_is_the_plan_s(catalog: Catalog) -> None:
    # catalog-browse seen at 5 rps, the other three api routes without data: their planned 100 stand in.
    observed = {"catalog-browse": seen(5.0), "event-availability": seen(40.0), "event-booking": seen(10.0)}
    _, day = judged(catalog, observed)
    api, catering = day.services
    assert (api.observed_rps, api.measured_rps, api.unmeasured_routes) == (105.0, 5.0, 3)
    assert api.reason.startswith(
        f"needed {api.needed_pods} of the planned 7 pods for 105 rps: 5 observed and 100 planned for the 3 routes "
        "not measured"
    )
    assert catering.reason.startswith(f"needed {catering.needed_pods} of the planned 5 pods for the observed 50 rps")


def test_a_route_above_the_plan_whose_service_has_room_is_watched(catalog: Catalog) -> None:
    # catalog-browse 20 % above, the rest of api 30 % below: 100 x 1.2 + 100 x 0.7 = 190 rps, within 7 pods.
    observed = {**at(0.7), "catalog-browse": seen(120.0)}
    _, day = judged(catalog, observed)
    assert day.services[0].verdict is Verdict.OK and day.proposal is None
    assert day.routes[0].verdict is Verdict.WATCH and day.routes[0].reason.endswith("api's pods carried it")


def test_a_p95_above_the_slo_acts_and_near_it_is_watched(catalog: Catalog) -> None:
    observed = {**at(0.8), "sample-request": seen(24.0, p95_s=2.4), "order-submit": seen(32.0, p95_s=1.3)}
    _, day = judged(catalog, observed)
    lines = {line.route: line for line in day.routes}
    assert lines["sample-request"].verdict is Verdict.ACT
    assert lines["sample-request"].reason.startswith("p95 2400 ms above its 2000 ms SLO")
    assert lines["order-submit"].verdict is Verdict.WATCH  # 1300 ms of 1500: above 80 % of the SLO
    assert day.proposal is None  # more pods would not shorten a service time


def test_missing_routes_are_watched_with_the_reason(catalog: Catalog) -> None:
    settings = settings_with()
    plan = plan_season(settings, catalog, "weihnachten", 2026)
    day = judge_day(settings, catalog, plan, {}, {"catalog-browse": "the histogram is off"})
    assert day.verdict is Verdict.WATCH and day.proposal is None
    assert day.routes[0].reason == "the day's peak and p95 not measured: the histogram is off"
    assert day.routes[1].reason == "the day's peak and p95 not measured: no data"
    assert [line.needed_pods for line in day.services] == [None, None]
    assert [(kpi.name, kpi.observed, kpi.verdict) for kpi in day.kpis] == [
        ("error rate", None, Verdict.WATCH),
        ("sample success", None, Verdict.WATCH),
        ("sample-request p95", None, Verdict.WATCH),
        ("event-availability p95", None, Verdict.WATCH),
    ]


def test_the_business_kpis(catalog: Catalog) -> None:
    # The day's 5xx over its requests: 3 % on all of them is 3 %, above the 2 % threshold.
    observed = {name: seen(rps, errors=0.03, success=0.75) for name, rps in PLANNED.items()}
    _, day = judged(catalog, observed)
    errors, sample, sample_p95, availability_p95 = day.kpis
    assert (errors.observed, errors.verdict) == (pytest.approx(0.03), Verdict.ACT)
    assert (sample.observed, sample.verdict) == (0.75, Verdict.ACT)
    # The KPI routes' p95 (the shipped stacks: samples below 2 s, event availability below 1.5 s).
    assert (sample_p95.name, sample_p95.unit, sample_p95.threshold) == ("sample-request p95", "seconds", 2.0)
    assert (availability_p95.name, availability_p95.observed, availability_p95.verdict) == (
        "event-availability p95",
        FAST,
        Verdict.OK,
    )
    assert availability_p95.reason == "within its 1500 ms SLO"
    _, fine = judged(catalog, {name: seen(rps, errors=0.01, success=0.95) for name, rps in PLANNED.items()})
    assert [kpi.verdict for kpi in fine.kpis] == [Verdict.OK] * 4
    _, late = judged(catalog, {**at(0.9), "event-availability": seen(36.0, p95_s=1.6)})
    assert (late.kpis[3].observed, late.kpis[3].verdict, late.kpis[3].reason) == (
        1.6,
        Verdict.ACT,
        "above its 1500 ms SLO",
    )
    # The stack's own thresholds: stricter sample success and error rate.
    strict = {"kpis": {"sampleSuccess": 0.99, "errorRate": 0.005, "p95Routes": ["order-submit"]}}
    _, own = judged(catalog, {name: seen(rps, errors=0.01, success=0.98) for name, rps in PLANNED.items()}, **strict)
    assert [(kpi.name, kpi.verdict) for kpi in own.kpis] == [
        ("error rate", Verdict.ACT),
        ("sample success", Verdict.ACT),
        ("order-submit p95", Verdict.OK),
    ]


def test_bucket_quantiles_are_prometheus_linear_interpolation() -> None:
    # 100 requests: 50 up to 0.1 s, 40 more up to 0.25 s, the rest up to 1 s.
    buckets = [(0.1, 50.0), (0.25, 90.0), (1.0, 100.0), (math.inf, 100.0)]
    # The 95th request lies halfway through (0.25, 1]: 0.25 + 0.75 x 5/10.
    assert bucket_quantile(buckets, 0.95) == (pytest.approx(0.625), (0.25, 1.0))
    assert bucket_quantile(buckets, 0.5) == (pytest.approx(0.1), (0.0, 0.1))
    # In the +Inf bucket: the largest finite bound, as histogram_quantile caps it.
    assert bucket_quantile([(0.1, 10.0), (math.inf, 100.0)], 0.95) == (0.1, (0.1, math.inf))
    assert bucket_quantile([(0.1, 0.0), (math.inf, 0.0)], 0.95) is None


def test_a_p95_beyond_what_the_model_computes_is_no_prediction() -> None:
    # Christmas's api (several routes, CV above 1: the multi-class wait) on 3 pods at 91 % of its peak rates:
    # 23.8 of 24 slots busy, the model's p95 lies beyond the 4 x SLO it computes. No number, never inf.
    settings = settings_with()
    api = settings.services[0]
    multiplier = settings.season.load_multiplier
    rates = {r.name: r.baseline_rps * multiplier * 0.91 for r in settings.routes if r.service == api.name}
    buckets = {name: [(0.5, 10.0), (math.inf, 100.0)] for name in rates}
    hour = ServiceHour(0.0, rates, 3.0, buckets, None)
    slots = 3 * api.slots_per_pod
    busy = sum(
        rate * r.mean_service_time_ms / 1000 for r in settings.routes for name, rate in rates.items() if r.name == name
    )
    assert 0.98 * slots < busy < slots  # loaded, not overloaded: the model has a steady state
    lines = held_to_the_model(settings, api, hour)
    assert set(lines) == set(rates) and all(line.predicted_p95_s is None for line in lines.values())
    assert all(line.model_error is None for line in lines.values())
    # At 80 % of those rates: a finite prediction for every route.
    lighter = dataclasses.replace(hour, rates={name: rate * 0.8 for name, rate in rates.items()})
    predicted = [line.predicted_p95_s for line in held_to_the_model(settings, api, lighter).values()]
    assert all(p95 is not None and math.isfinite(p95) for p95 in predicted)


def test_the_busiest_hour_and_the_model_held_to_it(catalog: Catalog) -> None:
    rates = {"catalog-browse": {3600.0: 50.0, 7200.0: 90.0}, "customer-lookup": {3600.0: 30.0, 7200.0: 20.0}}
    assert busiest_hour(rates, ["catalog-browse", "customer-lookup"]) == 7200.0
    assert busiest_hour({}, ["catalog-browse"]) is None
    settings = settings_with()
    api = settings.services[0]
    # catalog-browse's p95 in (0.1, 0.25]: the model's ~190 ms at 100 rps on 7 pods lies in that bucket.
    buckets = {"catalog-browse": [(0.1, 500.0), (0.25, 980.0), (1.0, 1000.0), (math.inf, 1000.0)]}
    hour = ServiceHour(7200.0, {"catalog-browse": 100.0}, 7.0, buckets, 0.0)
    (line,) = held_to_the_model(settings, api, hour).values()
    assert line.bucket == (0.1, 0.25) and line.predicted_p95_s is not None and line.within_resolution
    assert line.model_error == pytest.approx(line.observed_p95_s / line.predicted_p95_s - 1)
    # A p95 in (0.25, 0.5], within the 800 ms SLO but two buckets above the model's: watched, with the numbers.
    slow = dataclasses.replace(hour, buckets={"catalog-browse": [(0.25, 100.0), (0.5, 990.0), (math.inf, 1000.0)]})
    plan = plan_season(settings, catalog, "weihnachten", 2026)
    day = judge_day(settings, catalog, plan, at(0.9), {}, {"api": slow})
    browse = day.routes[0]
    assert browse.verdict is Verdict.WATCH and browse.reason.endswith("beyond the model's 10%")
    assert "in the busiest hour (100 rps, 7 pods) the model predicted a p95 of" in browse.reason


def test_hours_at_the_hpas_max_are_watched(catalog: Catalog) -> None:
    settings = settings_with()
    plan = plan_season(settings, catalog, "weihnachten", 2026)
    hour = ServiceHour(7200.0, {}, 11.0, {}, 2.5)
    day = judge_day(settings, catalog, plan, at(0.9), {}, {"api": hour})
    api = day.services[0]
    assert api.verdict is Verdict.WATCH and "the HPA ran at its max of 11 for 2.5 h" in api.reason


def test_the_database_against_its_planned_class(catalog: Catalog) -> None:
    plan, day = judged(catalog, at(0.9), connections=100.0)
    usable = plan.database.usable_max_connections
    assert day.database.verdict is Verdict.OK and day.database.usable_connections == usable
    assert day.database.reason.endswith("CPU not measured (no metrics.dbCpuPercent)")
    assert day.database.peak_cpu is None and day.database_proposal is None
    _, busy = judged(catalog, at(0.9), connections=plan.database.connections + 1.0)
    assert busy.database.verdict is Verdict.WATCH and "more than the planned" in busy.database.reason
    _, full = judged(catalog, at(0.9), connections=0.95 * usable)
    assert full.database.verdict is Verdict.ACT and "above 90%" in full.database.reason
    _, unknown = judged(catalog, at(0.9), connections=None)
    assert unknown.database.verdict is Verdict.WATCH and unknown.database.peak_connections is None


def test_a_busiest_hour_above_the_slo_acts_though_the_days_p95_is_within(catalog: Catalog) -> None:
    settings = settings_with()
    plan = plan_season(settings, catalog, "weihnachten", 2026)
    # catalog-browse's day p95 is 50 ms, but in its busiest hour 96 % of the requests took up to 1 s.
    buckets = {"catalog-browse": [(0.25, 100.0), (1.0, 990.0), (math.inf, 1000.0)]}
    hour = ServiceHour(7200.0, {"catalog-browse": 100.0}, 7.0, buckets, 0.0)
    browse = judge_day(settings, catalog, plan, at(0.9), {}, {"api": hour}).routes[0]
    assert browse.verdict is Verdict.ACT
    assert browse.reason.startswith("in the busiest hour the p95 was 966 ms, above its 800 ms SLO")


def test_a_p95_beyond_the_largest_bucket_is_a_lower_bound(catalog: Catalog) -> None:
    slow = ObservedRoute(90.0, 10.0, 0.0, 1.0, requests=1e6, p95_beyond_buckets=True)
    _, day = judged(catalog, {**at(0.9), "catalog-browse": slow})
    assert day.routes[0].verdict is Verdict.ACT
    assert day.routes[0].reason.startswith("p95 beyond the largest bucket (at least 10000 ms) above its 800 ms SLO")


def test_a_load_within_ten_percent_that_needs_a_pod_more_is_watched_not_paged(catalog: Catalog) -> None:
    # api at 1.08x: 216 rps need 8 pods, one above the plan's 7, but the HPA's max of 11 covers it.
    api_routes = ("catalog-browse", "customer-lookup", "order-submit", "sample-request")
    _, day = judged(catalog, {**at(1.0), **{name: seen(PLANNED[name] * 1.08) for name in api_routes}})
    api = day.services[0]
    assert api.needed_pods == 8 and api.verdict is Verdict.WATCH and day.proposal is None
    assert "within 10%, the HPA's max of 11 covers it" in api.reason
    assert day.verdict is Verdict.WATCH


@pytest.mark.parametrize(
    ("date", "window", "start"),
    [
        # The clocks go back: 25 hours from 00:00 CEST (22:00 UTC the day before).
        (dt.date(2026, 10, 25), "25h", "2026-10-24T22:00:00+00:00"),
        # The clocks go forward: 23 hours from 00:00 CET (23:00 UTC the day before).
        (dt.date(2026, 3, 29), "23h", "2026-03-28T23:00:00+00:00"),
        (dt.date(2026, 12, 1), "24h", "2026-11-30T23:00:00+00:00"),
    ],
)
def test_a_tracked_day_is_the_europe_berlin_day(date: dt.date, window: str, start: str) -> None:
    day = TrackedDay(date)
    assert day.window == window
    assert dt.datetime.fromtimestamp(day.start_s, dt.UTC).isoformat() == start
    assert day.end_s - day.start_s == int(window[:-1]) * 3600
    assert TrackedDay(date + dt.timedelta(days=1)).start_s == day.end_s


CPU_METRIC = {"cpu_metric": "aws_rds_cpuutilization_average"}


def test_the_database_cpu_against_its_target_and_the_model(catalog: Catalog) -> None:
    # The plan's primary runs at 37.5 % at 5x (0.25 x 4 vCPU x 5 = 5 busy vCPU, 70 % of it reads on two
    # replicas); at 90 % of the planned load the model says 33.75 %. The season's database target is 60 %.
    _, calm = judged(catalog, at(0.9), db_cpu=0.34, **CPU_METRIC)
    assert calm.database.verdict is Verdict.OK and calm.database.predicted_cpu == pytest.approx(0.3375)
    assert "CPU peaked at 34% (target 60%, the model's 34% at the observed load)" in calm.database.reason
    _, drifting = judged(catalog, at(0.9), db_cpu=0.45, **CPU_METRIC)
    assert (
        drifting.database.verdict is Verdict.WATCH and "the model's database CPU is 33% low" in drifting.database.reason
    )
    assert drifting.database_proposal is None
    _, unknown = judged(catalog, at(0.9), db_cpu=None, **CPU_METRIC)
    assert unknown.database.verdict is Verdict.WATCH
    assert "CPU not measured (no aws_rds_cpuutilization_average series)" in unknown.database.reason


def test_a_database_cpu_above_its_target_proposes_the_stacks_cpu_share(catalog: Catalog) -> None:
    _, hot = judged(catalog, at(0.9), db_cpu=0.70, **CPU_METRIC)
    assert hot.database.verdict is Verdict.ACT and hot.verdict is Verdict.ACT
    assert "CPU peaked at 70%" in hot.database.reason and "above the target" in hot.database.reason
    proposal = hot.database_proposal
    # 0.25 x 0.70 / 0.3375 = 0.5185..., rounded up to the hundredth.
    assert proposal is not None and (proposal.key, proposal.old, proposal.new) == (
        "database.baselineCpuUtilization",
        0.25,
        0.52,
    )
    replanned = plan_season(settings_with(database__baselineCpuUtilization=0.52), catalog, "weihnachten", 2026).database
    assert any(
        effect.startswith("database db.r7g.xlarge + 2 replicas -> ")
        and effect.endswith(f"{replanned.instance_class} + {replanned.read_replicas} replicas")
        for effect in proposal.effects
    )
    assert hot.proposal is None  # the services' pods were enough


def test_a_busiest_hour_beyond_the_largest_bucket_at_the_slo_acts(catalog: Catalog) -> None:
    settings = settings_with()
    plan = plan_season(settings, catalog, "weihnachten", 2026)
    # catalog-browse's SLO is 800 ms and its largest finite bucket 0.8 s: the p95 is at least the SLO.
    buckets = {"catalog-browse": [(0.25, 100.0), (0.8, 900.0), (math.inf, 1000.0)]}
    hour = ServiceHour(7200.0, {"catalog-browse": 100.0}, 7.0, buckets, 0.0)
    browse = judge_day(settings, catalog, plan, at(0.9), {}, {"api": hour}).routes[0]
    assert browse.verdict is Verdict.ACT
    assert browse.reason.startswith("in the busiest hour the p95 was at least 800 ms, above its 800 ms SLO")


def test_a_span_that_ran_below_the_plan_names_the_multiplier_that_ran(catalog: Catalog) -> None:
    settings = settings_with()
    plan = plan_season(settings, catalog, "weihnachten", 2026)
    days = [
        (
            dt.date(2026, 12, 1) + dt.timedelta(days=n),
            judge_day(settings, catalog, plan, at(share), {}, quiet_hours(plan, at(share)), 100.0),
        )
        for n, share in enumerate((0.4, 0.6, 0.5))
    ]
    span = judge_span(settings, catalog, plan, days)
    assert span.verdict is not Verdict.ACT and span.proposal is None
    # The busiest day ran at 60 % of the 5x plan: 3.0x, whose plan carries every service's busiest day.
    less = span.needed_less
    assert less is not None and (less.key, less.old, less.new) == ("season.loadMultiplier", 5.0, 3.0)
    season = settings.season.model_copy(update={"load_multiplier": 3.0})
    replanned = plan_season(settings.model_copy(update={"season": season}), catalog, "weihnachten", 2026)
    api = replanned.services[0]
    assert (
        f"api minReplicas 7 -> {api.pods}, maxReplicas 11 -> {api.hpa.max_replicas}: the observed 120 rps, 3.0x, "
        "below the planned 200" in less.effects
    )
    assert any(effect.startswith("the season's own cost ") for effect in less.effects)
    # A day at the plan leaves nothing to save.
    full = judge_span(
        settings,
        catalog,
        plan,
        [*days, (dt.date(2026, 12, 4), judge_day(settings, catalog, plan, at(1.0), {}, quiet_hours(plan, at(1.0))))],
    )
    assert full.needed_less is None


def test_the_measured_multiplier_counts_the_seasons_days_only(catalog: Catalog) -> None:
    settings = settings_with()
    plan = plan_season(settings, catalog, "weihnachten", 2026)
    inside = judge_day(settings, catalog, plan, at(1.0), {})
    outside = judge_day(settings, catalog, plan, at(2.0), {})
    first = plan.window.first_day
    span = judge_span(settings, catalog, plan, [(first - dt.timedelta(days=1), outside), (first, inside)])
    multipliers = measured_multipliers(span, {"catalog-browse": 20.0}, first, plan.window.last_day)
    browse = next(one for one in multipliers if one.route == "catalog-browse")
    assert (browse.season_peak, browse.multiplier) == (100.0, 5.0)
    assert next(one for one in multipliers if one.route == "order-submit").multiplier is None


def test_a_busiest_hour_without_the_hpas_replicas_is_watched_and_says_which_series(catalog: Catalog) -> None:
    settings = settings_with()
    plan = plan_season(settings, catalog, "weihnachten", 2026)
    hours = quiet_hours(plan, at(0.9))
    blind = {**hours, "api": dataclasses.replace(hours["api"], pods=None, hours_at_max=None)}
    day = judge_day(settings, catalog, plan, at(0.9), {}, blind, 100.0)
    api, catering = day.services
    assert (api.verdict, catering.verdict) == (Verdict.WATCH, Verdict.OK)
    assert api.reason.endswith(
        "the HPA's replicas not measured (no kube_horizontalpodautoscaler_status_current_replicas series for "
        "freshfoodz/freshfoodz-api), so hours at its max and the model are not"
    )
    # No busiest hour at all, though the day was measured: the model is not held to it, and that is said.
    unheld = judge_day(settings, catalog, plan, at(0.9), {}, {"event-catering": hours["event-catering"]}, 100.0)
    assert unheld.services[0].verdict is Verdict.WATCH
    assert unheld.services[0].reason.endswith(
        "its busiest hour not measured (no hourly rates), so the model is not held to it"
    )


def test_a_span_with_an_acting_route_never_says_it_needed_less(catalog: Catalog) -> None:
    settings = settings_with()
    plan = plan_season(settings, catalog, "weihnachten", 2026)
    # Half the planned load, but sample-request's p95 at 3 s against its 2 s SLO every day.
    observed = {**at(0.5), "sample-request": seen(15.0, p95_s=3.0)}
    days = [
        (dt.date(2026, 12, n), judge_day(settings, catalog, plan, observed, {}, quiet_hours(plan, observed), 100.0))
        for n in (1, 2)
    ]
    span = judge_span(settings, catalog, plan, days)
    assert span.verdict is Verdict.ACT and span.proposal is None and span.needed_less is None
