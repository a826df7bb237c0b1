"""`seasonctl track` against a real Prometheus holding a known day of the Christmas season.

The backfill (Debian package `prometheus`, as for the baseline) holds three days of the weihnachten
stack's routes; the tracked day is the last whole Europe/Berlin day in it. The truth is the synthetic
traffic: catalog-browse runs well above its planned peak, sample-request's service time breaks its SLO,
the others stay within the plan. The verdicts and the proposed change are asserted, not just printed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import trustme
from click.testing import Result

from capacity.pool_sizing import size_pool
from capacity.service_time import ServiceTime
from freshfoodz_seasonal.adapters.stack_file import load_stack_settings
from freshfoodz_seasonal.config.model import StackSettings
from freshfoodz_seasonal.plan.season_plan import plan_season, pool_spec_of
from tests.integration.test_baseline_prometheus import (
    empty_vector,
    nan_for_every_query,
    stand_in,
    status,
    warning_proxy,
)
from tests.support.cli_runner import invoke
from tests.support.hpa_data import SyntheticConnections, SyntheticDbCpu, SyntheticHpa, SyntheticHpas
from tests.support.project import FROZEN, ROOT, frozen_stack, shared_catalog
from tests.support.prometheus_data import DAY_S, SyntheticRoute, SyntheticTraffic
from tests.support.prometheus_server import backfill, running_prometheus

BERLIN = ZoneInfo("Europe/Berlin")
# Planned peaks at 5x: catalog-browse 100, customer-lookup 30, order-submit 40, sample-request 30,
# event-availability 40, event-booking 10 rps. A route's busiest 5 minutes run at about mean x (1 + amplitude).
ROUTES = {
    # api's routes: about 20 %, 15 %, 9 % and 10 % above their plan, 230 rps against 200 all together.
    "catalog-browse": SyntheticRoute("GET", "/api/products", 80.0, 0.5, ServiceTime(0.06, 1.2)),
    "customer-lookup": SyntheticRoute("GET", "/api/customers/{id}", 23.0, 0.5, ServiceTime(0.04, 0.8)),
    "order-submit": SyntheticRoute("POST", "/api/orders", 29.0, 0.5, ServiceTime(0.25, 0.8), error_share=0.01),
    # Its service time has grown: a p95 of about 4 s against its 2 s SLO.
    "sample-request": SyntheticRoute("POST", "/api/samples/request", 22.0, 0.5, ServiceTime(1.5, 0.8)),
    # event-catering's routes: well within their plan.
    "event-availability": SyntheticRoute("GET", "/api/events/availability", 20.0, 0.5, ServiceTime(0.3, 0.8)),
    "event-booking": SyntheticRoute("POST", "/api/events/bookings", 4.0, 0.5, ServiceTime(0.45, 0.7)),
}


@dataclass(frozen=True)
class Season:
    """A running Prometheus with a backfill, and the last whole Europe/Berlin day in it."""

    url: str
    day: dt.date


def backfill_end() -> tuple[float, dt.datetime]:
    """Where a backfill ends, and the Europe/Berlin midnight before it: it may not reach into the head block,
    so it ends a while before now, on a 5-minute mark."""
    end_s = (time.time() // 300) * 300 - 900
    return end_s, dt.datetime.fromtimestamp(end_s, BERLIN).replace(hour=0, minute=0, second=0, microsecond=0)


@pytest.fixture(scope="module")
def season(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Season]:
    workdir = tmp_path_factory.mktemp("track")
    end_s, last_midnight = backfill_end()
    day = (last_midnight - dt.timedelta(days=1)).date()
    # api runs its 7 planned pods; event-catering sits at its HPA's max of 8 from 14:00 to 17:00 on the tracked day.
    start = last_midnight.timestamp() - DAY_S
    hpas = SyntheticHpas(
        (
            SyntheticHpa("freshfoodz", "freshfoodz-api", 7, 11),
            SyntheticHpa("freshfoodz", "event-catering-api", 5, 8, ((start + 14 * 3600, start + 17 * 3600),)),
        )
    )
    # 20 backends on each of two databases, 100 more on the first from 15:00 to 15:30: 140 at most.
    busy = (start + 15 * 3600, start + 15.5 * 3600)
    connections = SyntheticConnections(("freshfoodz", "postgres"), 20.0, 100.0, busy)
    # The primary's CPU at 30 %, 72 % from 12:00 to 12:30 on the tracked day; a replica at 95 % all along.
    cpu = SyntheticDbCpu(
        "freshfoodz-prod", "freshfoodz-prod-replica", 30.0, 72.0, (start + 12 * 3600, start + 12.5 * 3600)
    )
    more = (hpas, connections, cpu)
    traffic = SyntheticTraffic(list(ROUTES.values()), last_midnight.timestamp() - 3 * DAY_S, end_s, more=more)
    with running_prometheus(backfill(traffic, workdir), workdir) as url:
        yield Season(url, day)


API_ROUTES = ("catalog-browse", "customer-lookup", "order-submit", "sample-request")
BASELINE = {
    "catalog-browse": 20.0,
    "customer-lookup": 6.0,
    "order-submit": 8.0,
    "sample-request": 6.0,
    "event-availability": 8.0,
    "event-booking": 2.0,
}


def track(season: Season, *args: str, project: Path = FROZEN) -> Result:
    return invoke("track", "weihnachten", "--prometheus-url", season.url, "--project-dir", str(project), *args)


def day_bounds(day: dt.date) -> tuple[float, float]:
    start = dt.datetime.combine(day, dt.time(), BERLIN)
    return start.timestamp(), (start + dt.timedelta(days=1)).timestamp()


def true_peak(route: str, day: dt.date) -> float:
    start, end = day_bounds(day)
    return ROUTES[route].peak_rate(end, end - start)


def variant(folder: Path, edits: tuple[tuple[str, str], ...] = (), config: str = "") -> Path:
    """A project with the weihnachten stack edited (each `old` must be in it) and `config` lines added."""
    folder.mkdir(exist_ok=True)
    (folder / "Pulumi.yaml").write_text((ROOT / "Pulumi.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    text = (frozen_stack("weihnachten")).read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    (folder / "Pulumi.weihnachten.yaml").write_text(text + config, encoding="utf-8")
    return folder


def smallest_multiplier(settings: StackSettings, year: int, needed: dict[str, int], start: float) -> float:
    """The first multiplier in tenths from `start` whose plan gives each service at least `needed` pods."""
    catalog = shared_catalog()
    multiplier = start
    while True:
        season = settings.season.model_copy(update={"load_multiplier": multiplier})
        plan = plan_season(settings.model_copy(update={"season": season}), catalog, "weihnachten", year)
        if all(service.pods >= needed.get(service.name, 0) for service in plan.services):
            return multiplier
        multiplier = round(multiplier + 0.1, 1)


def test_a_day_above_the_plan_is_flagged_act_with_the_models_proposal(season: Season) -> None:
    result = track(season, "--date", season.day.isoformat(), "--format", "json")
    assert result.exit_code == 7, result.output  # act: a scheduled run pages on it
    report = json.loads(result.stdout)
    assert (report["date"], report["verdict"]) == (season.day.isoformat(), "act")
    routes = {line["route"]: line for line in report["routes"]}
    for name in ROUTES:
        assert routes[name]["observed_peak_rps"] == pytest.approx(true_peak(name, season.day), rel=0.02), name
        multiplier = routes[name]["observed_peak_rps"] / BASELINE[name]
        assert routes[name]["observed_multiplier"] == pytest.approx(multiplier, rel=1e-3)
    # api ran short of pods: its routes more than 10 % above the plan are act, the one within 10 % watched.
    services = {line["service"]: line for line in report["services"]}
    api = services["api"]
    assert api["verdict"] == "act" and api["needed_pods"] > api["planned_pods"] == 7
    assert api["observed_rps"] == pytest.approx(sum(true_peak(r, season.day) for r in API_ROUTES), rel=0.02)
    assert [routes[name]["verdict"] for name in API_ROUTES] == ["act", "act", "watch", "act"]
    assert "above its 2000 ms SLO" in routes["sample-request"]["reason"]
    lookup = routes["customer-lookup"]
    assert f"{lookup['observed_peak_rps'] / 30 - 1:.0%} above the plan; api needed" in lookup["reason"]
    # event-catering had room for its load, but its HPA sat at its max for three hours: watched.
    catering = services["event-catering"]
    assert catering["verdict"] == "watch" and catering["hours_at_max"] == pytest.approx(3.0, abs=0.05)
    assert "the HPA ran at its max of 8 for 3.0 h" in catering["reason"]
    assert [routes[name]["verdict"] for name in ("event-availability", "event-booking")] == ["ok", "ok"]
    # The busiest hour: the pods that ran (kube-state-metrics), the model's p95 at that load and those pods.
    assert (api["pods_ran"], api["hours_at_max"]) == (7.0, 0.0)
    start, _ = day_bounds(season.day)
    busiest = dt.datetime.fromisoformat(api["busiest_hour_end"]).timestamp()
    assert start < busiest <= start + DAY_S
    for name in API_ROUTES:
        hour = routes[name]["busiest_hour"]
        assert hour["model_error"] == pytest.approx(hour["observed_p95_ms"] / hour["predicted_p95_ms"] - 1, abs=1e-3)
    # sample-request's service time grew from the stack's 300 ms mean to 1.5 s: the model is far off there.
    assert routes["sample-request"]["busiest_hour"]["model_error"] > 1.0
    # The proposal: the smallest multiplier, in tenths from api's observed one, whose plan has the pods api needed.
    proposal = report["proposal"]
    catalog = shared_catalog()
    settings = load_stack_settings(frozen_stack("weihnachten"), catalog)
    year = dt.date.fromisoformat(report["season"]["first_day"]).year
    start = math.ceil(api["observed_rps"] / 40 * 10) / 10
    expected = smallest_multiplier(settings, year, {"api": api["needed_pods"]}, start)
    assert (proposal["key"], proposal["old"], proposal["new"]) == ("season.loadMultiplier", 5.0, expected)
    before = plan_season(settings, catalog, "weihnachten", year).services[0]
    season_now = settings.season.model_copy(update={"load_multiplier": expected})
    after = plan_season(settings.model_copy(update={"season": season_now}), catalog, "weihnachten", year).services[0]
    assert after.pods >= api["needed_pods"]
    (effect,) = [effect for effect in proposal["effects"] if effect.startswith("api ")]
    assert effect == (
        f"api minReplicas {before.pods} -> {after.pods}, maxReplicas {before.hpa.max_replicas} -> "
        f"{after.hpa.max_replicas}: the observed {api['observed_rps']:.4g} rps, {api['observed_rps'] / 40:.1f}x, "
        "above the planned 200"
    )
    database = report["database"]
    assert (database["peak_connections"], database["planned_connections"]) == (140.0, 122)
    assert database["verdict"] == "watch" and "more than the planned 122" in database["reason"]
    assert database["peak_cpu"] is None and "CPU not measured (no metrics.dbCpuPercent)" in database["reason"]
    assert report["database_proposal"] is None
    kpis = {kpi["kpi"]: kpi for kpi in report["kpis"]}
    assert kpis["sample success"]["observed"] == pytest.approx(1.0) and kpis["sample success"]["verdict"] == "ok"
    # 1 % of order-submit's requests fail: well under 2 % of all.
    assert 0 < kpis["error rate"]["observed"] < 0.01 and kpis["error rate"]["verdict"] == "ok"


def test_a_plan_with_too_small_a_multiplier_is_flagged_on_every_route_above_it(season: Season, tmp_path: Path) -> None:
    # The data shows about 5.7x for api and 3.75x for event-catering; this plan says 3x.
    project = variant(tmp_path / "project", (("loadMultiplier: 5.0", "loadMultiplier: 3.0"),))
    result = track(season, "--date", season.day.isoformat(), "--format", "json", project=project)
    assert result.exit_code == 7, result.output
    report = json.loads(result.stdout)
    routes = {line["route"]: line for line in report["routes"]}
    services = {line["service"]: line for line in report["services"]}
    assert {name for name, line in services.items() if line["verdict"] == "act"} == {"api", "event-catering"}
    for name, line in routes.items():
        above = line["observed_peak_rps"] / (3 * BASELINE[name]) - 1
        expected = "act" if above > 0.1 or name == "sample-request" else "watch" if above > 0 else "ok"
        assert line["verdict"] == expected, (name, above)
    settings = load_stack_settings(project / "Pulumi.weihnachten.yaml", shared_catalog())
    # The pods each service needed, computed here from the true peaks: the model at that load, never below
    # the service's floor.
    for service in settings.services:
        spec = pool_spec_of(settings, service, 3.0)
        truth = tuple(dataclasses.replace(r, rps=true_peak(r.name, season.day)) for r in spec.routes)
        pods = max(size_pool(dataclasses.replace(spec, routes=truth)).pods, service.replica_floor)
        assert services[service.name]["needed_pods"] == pods, service.name
    year = dt.date.fromisoformat(report["season"]["first_day"]).year
    needed = {name: line["needed_pods"] for name, line in services.items()}
    start = max(math.ceil(line["observed_rps"] / line["baseline_rps"] * 10) / 10 for line in services.values())
    proposal = report["proposal"]
    expected = smallest_multiplier(settings, year, needed, start)
    assert (proposal["old"], proposal["new"]) == (3.0, expected)
    # Each effect's numbers are the plans' at 3x and at the proposed multiplier, each service at least its need.
    catalog = shared_catalog()
    before = {s.name: s for s in plan_season(settings, catalog, "weihnachten", year).scaled}
    season_now = settings.season.model_copy(update={"load_multiplier": expected})
    after = {
        s.name: s
        for s in plan_season(settings.model_copy(update={"season": season_now}), catalog, "weihnachten", year).scaled
    }
    for name in ("api", "event-catering"):
        assert after[name].pods >= needed[name]
        line = services[name]
        assert (
            f"{name} minReplicas {before[name].pods} -> {after[name].pods}, maxReplicas "
            f"{before[name].hpa.max_replicas} -> {after[name].hpa.max_replicas}: the observed "
            f"{line['observed_rps']:.4g} rps, {line['observed_rps'] / line['baseline_rps']:.1f}x, above the planned "
            f"{line['planned_rps']:.4g}"
        ) in proposal["effects"]


DB_CPU_CONFIG = """  freshfoodz-seasonal:metrics:
    dbCpuPercent: aws_rds_cpuutilization_average
    dbCpuMatchers:
      dimension_DBInstanceIdentifier: freshfoodz-prod
"""


def test_the_database_cpu_above_its_target_proposes_the_stacks_cpu_share(season: Season, tmp_path: Path) -> None:
    project = variant(tmp_path / "cpu", config=DB_CPU_CONFIG)
    result = track(season, "--date", season.day.isoformat(), "--format", "json", project=project)
    assert result.exit_code == 7, result.output
    report = json.loads(result.stdout)
    database = report["database"]
    # The primary's 72 % (the replica's 95 % is not selected), against the season's 60 % target.
    assert (database["peak_cpu"], database["cpu_target"], database["verdict"]) == (0.72, 0.6, "act")
    # The model's CPU at the day's load: the plan's 37.5 % on the primary, scaled by observed over planned load.
    services = report["services"]
    share = sum(line["observed_rps"] for line in services) / sum(line["planned_rps"] for line in services)
    assert database["predicted_cpu"] == pytest.approx(0.375 * share, abs=1e-4)
    assert "CPU peaked at 72% (target 60%" in database["reason"] and "above the target" in database["reason"]
    proposal = report["database_proposal"]
    expected = math.ceil(0.25 * 0.72 / (0.375 * share) * 100 - 1e-9) / 100
    assert (proposal["key"], proposal["old"], proposal["new"]) == ("database.baselineCpuUtilization", 0.25, expected)
    assert any(effect.startswith("database db.r7g.xlarge + 2 replicas -> ") for effect in proposal["effects"])
    table = track(season, "--date", season.day.isoformat(), project=project)
    assert f"database.baselineCpuUtilization 0.25 -> {expected:g}" in table.stdout


def test_a_day_without_data_is_shown_as_not_measured_and_exits_5(season: Season) -> None:
    before_data = season.day - dt.timedelta(days=5)
    result = track(season, "--date", before_data.isoformat(), "--format", "json")
    # A cron job that pages on exit 7 must hear of a day nothing could be measured on.
    assert result.exit_code == 5, result.output
    assert f"no route was measured on {before_data}" in " ".join(result.stderr.split())
    report = json.loads(result.stdout)
    assert report["verdict"] == "watch" and report["proposal"] is None
    assert all(line["verdict"] == "watch" and line["observed_peak_rps"] is None for line in report["routes"])
    assert all("not measured" in line["reason"] for line in report["routes"])


def test_the_markdown_is_the_war_rooms_daily_note(season: Season) -> None:
    result = track(season, "--date", season.day.isoformat(), "--format", "markdown")
    assert result.exit_code == 7, result.output
    text = result.stdout
    assert text.startswith(f"### weihnachten, {season.day} (Europe/Berlin): act\n")
    assert "Proposed change (not applied)" in text and "season.loadMultiplier 5 -\\> " in text
    assert "| catalog-browse |" in text


def test_refusals(season: Season, tmp_path: Path) -> None:
    tomorrow = (dt.datetime.now(BERLIN) + dt.timedelta(days=1)).date()
    result = track(season, "--date", tomorrow.isoformat())
    assert result.exit_code == 2 and "has not ended yet" in result.stderr
    unreachable = invoke(
        "track", "weihnachten", "--prometheus-url", "http://127.0.0.1:9", "--project-dir", str(FROZEN),
        "--date", season.day.isoformat(), "--timeout", "2",
    )  # fmt: skip
    assert unreachable.exit_code == 4, unreachable.output
    assert "Traceback" not in unreachable.output


@pytest.mark.parametrize(
    ("respond", "code", "message"),
    [
        (status(500, b"internal trouble", "text/plain"), 4, "HTTP 500: internal trouble"),
        (
            status(200, b"<html><head><title>Sign in</title></head>" + b"<div>Please log in</div>" * 60, "text/html"),
            4,
            "the answer is not JSON; is this Prometheus? It was: an HTML page titled 'Sign in'",
        ),
        (status(200, b'{"status":"success","data":{"resultType":"matrix","result":[]}}'), 4, "instant vector"),
        (status(401, b"Unauthorized", "text/plain"), 4, "HTTP 401, access denied"),
    ],
)
def test_prometheus_faults_exit_4_without_a_traceback(respond: Any, code: int, message: str) -> None:
    day = (dt.datetime.now(BERLIN) - dt.timedelta(days=2)).date().isoformat()
    env = {"PROMETHEUS_BEARER_TOKEN": "s3cr3t-token"}
    with stand_in(respond) as url:
        result = invoke(
            "track", "weihnachten", "--prometheus-url", url, "--project-dir", str(FROZEN), "--date", day, env=env
        )
    assert result.exit_code == code, result.output
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output and "s3cr3t-token" not in result.output


def test_not_a_number_is_not_measured_never_judged_ok() -> None:
    day = (dt.datetime.now(BERLIN) - dt.timedelta(days=2)).date().isoformat()
    with stand_in(nan_for_every_query) as url:
        result = invoke(
            "track", "weihnachten", "--prometheus-url", url, "--project-dir", str(FROZEN), "--date", day,
            "--format", "json",
        )  # fmt: skip
    assert result.exit_code == 5, result.output
    report = json.loads(result.stdout)
    assert report["verdict"] == "watch"
    assert all(line["observed_peak_rps"] is None and line["verdict"] == "watch" for line in report["routes"])


def test_tls_is_verified(tmp_path: Path) -> None:
    authority = trustme.CA()
    day = (dt.datetime.now(BERLIN) - dt.timedelta(days=2)).date().isoformat()
    with stand_in(empty_vector, tls=authority) as url:
        result = invoke("track", "weihnachten", "--prometheus-url", url, "--project-dir", str(FROZEN), "--date", day)
    assert result.exit_code == 4 and "the TLS certificate is not trusted" in result.output


def quiet_project(folder: Path) -> Path:
    """The weihnachten stack at 10x with a sample-request SLO of 20 s: the backfilled day asks for no act."""
    slo = "p95SloMs: 2000\n    - name: event-availability"
    edits = (("loadMultiplier: 5.0", "loadMultiplier: 10.0"), (slo, slo.replace("2000", "20000")))
    return variant(folder / "quiet", edits)


def test_partial_answers_are_shown_and_an_act_still_pages(season: Season, tmp_path: Path) -> None:
    with stand_in(warning_proxy(season.url)) as url:
        args = ("track", "weihnachten", "--prometheus-url", url, "--project-dir", str(FROZEN))
        acting = invoke(*args, "--date", season.day.isoformat())
        # A day without an act: the partial answer is refused, since an ok may not be one.
        quiet = invoke(*args, "--date", season.day.isoformat(), "--project-dir", str(quiet_project(tmp_path)))
        accepted = invoke(*args, "--date", season.day.isoformat(), "--project-dir", str(quiet_project(tmp_path)),
                          "--accept-warnings")  # fmt: skip
    assert acting.exit_code == 7, acting.output  # missing series only lower the rates it saw
    assert "store-gateway eu-1 unavailable" in " ".join(acting.output.split())
    assert quiet.exit_code == 5, quiet.output
    flat = " ".join(quiet.output.split())
    assert "store-gateway eu-1 unavailable" in flat and "the verdicts above may be too mild" in flat
    assert accepted.exit_code == 0, accepted.output


def test_a_span_judges_each_day_and_proposes_one_change_for_all(season: Season) -> None:
    first = season.day - dt.timedelta(days=1)
    result = track(season, "--from", first.isoformat(), "--to", season.day.isoformat(), "--format", "json")
    assert result.exit_code == 7, result.output
    report = json.loads(result.stdout)
    assert (report["from"], report["to"], report["verdict"]) == (first.isoformat(), season.day.isoformat(), "act")
    assert [day["date"] for day in report["days"]] == [first.isoformat(), season.day.isoformat()]
    # Each day is the one-day report; the span's proposal covers the most pods any day needed.
    single = json.loads(track(season, "--date", season.day.isoformat(), "--format", "json").stdout)
    assert report["days"][1]["routes"] == single["routes"]
    needed = max(day["services"][0]["needed_pods"] for day in report["days"])
    settings = load_stack_settings(frozen_stack("weihnachten"), shared_catalog())
    year = dt.date.fromisoformat(single["season"]["first_day"]).year
    api = next(day["services"][0] for day in report["days"] if day["services"][0]["needed_pods"] == needed)
    start = math.ceil(api["observed_rps"] / 40 * 10) / 10
    assert report["proposal"]["new"] == smallest_multiplier(settings, year, {"api": needed}, start)
    table = track(season, "--from", first.isoformat(), "--to", season.day.isoformat())
    assert table.exit_code == 7 and "Days" in table.stdout and "catalog-browse" in table.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-11-01"], "--from and --to go together"),
        (["--from", "2026-11-02", "--to", "2026-11-01"], "--to 2026-11-01 comes before --from 2026-11-02"),
        (["--date", "2026-11-01", "--from", "2026-11-01", "--to", "2026-11-02"], "not both"),
        (["--from", "2024-01-01", "--to", "2025-06-01"], "at most 366 days at once"),
        (["--date", "yesterday"], "--date: 'yesterday' is not a date"),
    ],
)
def test_bad_days_exit_2(args: list[str], message: str) -> None:
    result = invoke(
        "track", "weihnachten", "--prometheus-url", "http://127.0.0.1:9", "--project-dir", str(FROZEN), *args
    )
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())


def test_a_season_prometheus_does_not_reach_back_to_is_refused_naming_what_it_holds(season: Season) -> None:
    # weihnachten begins on 1 November; the backfill holds three days.
    year = season.day.year if season.day >= dt.date(season.day.year, 11, 1) else season.day.year - 1
    result = track(season, "--season", str(year))
    assert result.exit_code == 5, result.output
    flat = " ".join(result.output.split())
    assert f"but the season (from {year}-11-01) and the 14 days before it" in flat
    assert "its retention does not reach back" in flat
    assert "Prometheus holds this job's requests from" in flat and result.stdout == ""


def one_day_season(folder: Path, day: dt.date) -> Path:
    """The weihnachten stack with a season of one day, `day`, its war room staffed on that day."""
    return variant(
        folder / "short",
        (
            ('start: "11-01"', f'start: "{day:%m-%d}"'),
            ('end: "12-31"', f'end: "{day:%m-%d}"'),
            ('days: {start: "12-01", end: "12-23"}', "days: window"),
        ),
    )


def test_a_season_whose_days_before_prometheus_lacks_is_refused(season: Season, tmp_path: Path) -> None:
    # The backfill holds two days before the tracked day: not the 14 days its multiplier is measured against.
    project = one_day_season(tmp_path, season.day)
    result = track(season, "--season", str(season.day.year), project=project)
    assert result.exit_code == 5, result.output
    flat = " ".join(result.output.split())
    days_before = season.day - dt.timedelta(days=14)
    assert f"and the 14 days before it, its measured multiplier's baseline, begin on {days_before}" in flat
    # A span over the same season goes on without the measured multiplier, and says why.
    span = track(
        season,
        "--from",
        (season.day - dt.timedelta(days=1)).isoformat(),
        "--to",
        season.day.isoformat(),
        "--format",
        "json",
        project=project,
    )
    assert span.exit_code == 7, span.output
    assert "measured multiplier is left out" in " ".join(span.stderr.split())
    assert "measured_multipliers" not in json.loads(span.stdout)


@pytest.fixture(scope="module")
def month(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Season]:
    """Seventeen days of catalog-browse alone: the 14 days before a one-day season, and the season."""
    workdir = tmp_path_factory.mktemp("month")
    end_s, last_midnight = backfill_end()
    traffic = SyntheticTraffic([ROUTES["catalog-browse"]], last_midnight.timestamp() - 17 * DAY_S, end_s)
    with running_prometheus(backfill(traffic, workdir), workdir) as url:
        yield Season(url, (last_midnight - dt.timedelta(days=1)).date())


def test_a_whole_season_with_its_measured_multiplier(month: Season, tmp_path: Path) -> None:
    project = one_day_season(tmp_path, month.day)
    result = invoke(
        "track", "weihnachten", "--prometheus-url", month.url, "--project-dir", str(project),
        "--season", str(month.day.year), "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output  # one route at its baseline, the rest not measured: watch
    report = json.loads(result.stdout)
    assert [day["date"] for day in report["days"]] == [month.day.isoformat()]
    measured = {one["route"]: one for one in report["measured_multipliers"]}
    browse = measured["catalog-browse"]
    assert browse["season_peak_rps"] == pytest.approx(true_peak("catalog-browse", month.day), rel=0.02)
    # The same daily cycle every day: the season's peak is the days before's.
    assert browse["multiplier"] == pytest.approx(1.0, rel=0.03)
    # Routes without data: no multiplier, never a guess.
    assert measured["order-submit"]["multiplier"] is None and measured["order-submit"]["season_peak_rps"] is None
    table = invoke(
        "track", "weihnachten", "--prometheus-url", month.url, "--project-dir", str(project),
        "--season", str(month.day.year),
    )  # fmt: skip
    assert "Multiplier measured" in table.stdout and "planned x" in table.stdout
    # A span that reaches into the season measures it too, over the season's days only.
    span = invoke(
        "track", "weihnachten", "--prometheus-url", month.url, "--project-dir", str(project),
        "--from", (month.day - dt.timedelta(days=1)).isoformat(), "--to", month.day.isoformat(), "--format", "json",
    )  # fmt: skip
    assert span.exit_code == 0, span.output
    assert json.loads(span.stdout)["measured_multipliers"] == report["measured_multipliers"]


def test_the_season_review_writes_its_report_and_charts_all_at_once(season: Season, tmp_path: Path) -> None:
    first = season.day - dt.timedelta(days=1)
    out = tmp_path / "review"
    args = ("--from", first.isoformat(), "--to", season.day.isoformat(), "--report", str(out))
    result = track(season, *args)
    assert result.exit_code == 7, result.output
    names = sorted(path.name for path in out.iterdir())
    assert names == [".seasonctl-report", "p95.png", "peak.png", "pods.png", "report.md", "sample-success.png"]
    for chart in ("p95.png", "peak.png", "pods.png", "sample-success.png"):
        data = (out / chart).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000, chart
    report = (out / "report.md").read_text(encoding="utf-8")
    assert report.startswith(f"### weihnachten, {first} to {season.day}")
    assert "![p95 per route against its SLO and the model](p95.png)" in report and "#### Days" in report
    # The review's own tables: the model's error over the days, the KPIs and the database, why the act days acted.
    assert "#### The model against production, busiest hour of each day" in report
    assert "#### KPIs and the database, day by day" in report and f"| {season.day} | 0.1" in report
    assert "#### The lines that acted" in report
    # One row per line that acted, with its days as a run and the last day's reason.
    assert f"| sample-request | 2 | {first}..{season.day} | {season.day}: p95 " in report
    # A second run replaces its own report; a folder it did not write is refused, untouched.
    assert track(season, *args).exit_code == 7
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine", encoding="utf-8")
    refused = track(season, "--date", season.day.isoformat(), "--report", str(foreign))
    assert refused.exit_code == 2 and "was not written by seasonctl track --report" in refused.output
    assert [path.name for path in foreign.iterdir()] == ["notes.txt"]


def rewriting_proxy(target: str, rewrite: Callable[[str, dict[str, Any]], None]) -> Any:
    """Forwards each query to `target`; `rewrite(query, answer)` may change the answer in place."""

    def respond(handler: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
        body = getattr(handler, "body", b"")
        request = urllib.request.Request(target + handler.path, data=body, method="POST")
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
        with urllib.request.urlopen(request, timeout=30) as answer:
            document = json.loads(answer.read())
        query = urllib.parse.parse_qs(body.decode()).get("query", [""])[0]
        rewrite(query, document)
        return 200, {"Content-Type": "application/json"}, json.dumps(document).encode()

    respond.forwards = True  # type: ignore[attr-defined]  # the range queries go to Prometheus too
    return respond


def track_json(url: str, day: dt.date) -> Result:
    return invoke(
        "track", "weihnachten", "--prometheus-url", url, "--project-dir", str(FROZEN), "--date", day.isoformat(),
        "--format", "json",
    )  # fmt: skip


def not_a_number(query: str, document: dict[str, Any]) -> None:
    for sample in document["data"]["result"]:
        if "value" in sample:
            sample["value"][1] = "NaN"
        else:
            sample["values"] = [[at, "NaN"] for at, _ in sample["values"]]


@pytest.mark.parametrize("answer", ["NaN", "empty"])
def test_a_2xx_answer_missing_or_not_a_number_is_not_measured_never_a_sample_loss(season: Season, answer: str) -> None:
    def rewrite(query: str, document: dict[str, Any]) -> None:
        if '=~"2.."' in query:
            if answer == "empty":
                document["data"]["result"] = []
            else:
                not_a_number(query, document)

    with stand_in(rewriting_proxy(season.url, rewrite)) as url:
        result = track_json(url, season.day)
    report = json.loads(result.stdout)
    sample = next(kpi for kpi in report["kpis"] if kpi["kpi"] == "sample success")
    assert (sample["observed"], sample["verdict"]) == (None, "watch")


def test_hours_without_the_hpas_series_are_watched_not_silently_ok(season: Season) -> None:
    def rewrite(query: str, document: dict[str, Any]) -> None:
        if "kube_horizontalpodautoscaler" in query:
            not_a_number(query, document)

    with stand_in(rewriting_proxy(season.url, rewrite)) as url:
        result = track_json(url, season.day)
    services = {line["service"]: line for line in json.loads(result.stdout)["services"]}
    catering = services["event-catering"]
    # It ran at its HPA's max for three hours: unseen, that is a watch with its reason, never an ok.
    assert (catering["pods_ran"], catering["hours_at_max"], catering["verdict"]) == (None, None, "watch")
    assert (
        "the HPA's replicas not measured (no kube_horizontalpodautoscaler_status_current_replicas series for "
        in (catering["reason"])
    )


def test_an_act_in_the_busiest_hour_pages_though_no_days_peak_was_measured(season: Season) -> None:
    def rewrite(query: str, document: dict[str, Any]) -> None:
        if query.startswith("quantile_over_time(0.99"):
            document["data"]["result"] = []

    with stand_in(rewriting_proxy(season.url, rewrite)) as url:
        result = track_json(url, season.day)
    assert result.exit_code == 7, result.output
    routes = {line["route"]: line for line in json.loads(result.stdout)["routes"]}
    assert routes["sample-request"]["observed_peak_rps"] is None and routes["sample-request"]["verdict"] == "act"
    assert routes["sample-request"]["reason"].startswith("in the busiest hour the p95 was ")


def test_a_report_folder_that_cannot_be_used_is_refused_before_measuring(tmp_path: Path) -> None:
    taken = tmp_path / "notes.txt"
    taken.write_text("mine", encoding="utf-8")
    day = (dt.datetime.now(BERLIN) - dt.timedelta(days=2)).date().isoformat()
    # An unreachable Prometheus: a refusal that comes first never gets as far as asking it.
    result = invoke(
        "track", "weihnachten", "--prometheus-url", "http://127.0.0.1:9", "--project-dir", str(FROZEN),
        "--from", day, "--to", day, "--report", str(taken),
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "is a file, not a folder" in " ".join(result.output.split()) and "nothing measured" in result.output
    assert result.stdout == "" and taken.read_text(encoding="utf-8") == "mine"
