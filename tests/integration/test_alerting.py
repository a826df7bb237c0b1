"""Alert rules from the season plan, checked by the real promtool (Debian package `prometheus`).

`promtool check rules` validates the rendered file of every shipped stack; `promtool test rules`
feeds synthetic series to the rules of the frozen stacks (tests/support/stacks/frozen/) and shows each
business alert (the queue SLAs among them) and the HPA capacity alerts of services and workers firing
once its threshold has been crossed for its `for` duration, and staying silent on normal traffic.
"""

from __future__ import annotations

import math
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from freshfoodz_seasonal.config.model import StackSettings
from freshfoodz_seasonal.config.parse import parse_settings, project_values
from freshfoodz_seasonal.content.alerting.prometheus_rules import dump_rule_file, prometheus_rule_file
from freshfoodz_seasonal.content.alerting.rules import (
    AlertRule,
    business_rule_names,
    camel,
    planned_peak_rps,
    route_paths_of,
    season_alert_rules,
)
from freshfoodz_seasonal.declaration.monitoring_options import monitoring_options
from freshfoodz_seasonal.metrics import promql
from freshfoodz_seasonal.metrics.names import MetricNames
from freshfoodz_seasonal.naming import rule_group_name
from freshfoodz_seasonal.plan.season_plan import ScaledPlan, SeasonPlan, Series, plan_season
from tests.support.project import FROZEN, FROZEN_STACKS, ROOT, SHIPPED_STACKS, shared_catalog, stack_file_config
from tests.support.tools import PROMETHEUS_INSTALL, required_tool

# --- the plans of the frozen stacks, and of the shipped ones where any stack will do -----------------


@cache
def stack(name: str, project: Path = FROZEN) -> tuple[StackSettings, SeasonPlan]:
    """A stack of `project` and its 2026 plan: by default a frozen stack, whose numbers the tests pin."""
    catalog = shared_catalog()
    values, problems = project_values(stack_file_config(project / f"Pulumi.{name}.yaml"), name)
    assert not problems
    settings = parse_settings(values, catalog, name)
    return settings, plan_season(settings, catalog, name, year=2026)


def rules_of(name: str, project: Path = FROZEN, **options: Any) -> list[AlertRule]:
    """The stack's rules as the program declares them (its war room's sample-loss rule included)."""
    settings, plan = stack(name, project)
    loss = settings.war_room is not None and settings.war_room.sample_loss_critical
    given = monitoring_options(settings) | {"sample_loss_critical": loss} | options
    return season_alert_rules(plan, route_paths_of(plan), **given)


def by_name(rules: Sequence[AlertRule]) -> dict[str, AlertRule]:
    return {rule.name: rule for rule in rules}


# --- promtool ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def promtool() -> str:
    return required_tool("promtool", "the Prometheus rule checks", PROMETHEUS_INSTALL)


def run_promtool(promtool: str, *args: str | Path) -> str:
    result = subprocess.run([promtool, *map(str, args)], capture_output=True, text=True, timeout=60, check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"promtool {' '.join(map(str, args))} failed:\n{output}"
    return output


# --- pure unit tests -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FROZEN_STACKS)
def test_route_thresholds_are_the_plans_slos_in_seconds(name: str) -> None:
    settings, plan = stack(name)
    rules = by_name(rules_of(name))
    slos = {r.name: r.p95_slo_s for s in plan.services for r in s.sizing.routes}
    assert set(slos) == {r.name for r in settings.routes}
    for route in settings.routes:
        rule = next(r for r in rules.values() if r.labels.get("route") == route.name and "P95" in r.name)
        assert rule.threshold == slos[route.name] == route.p95_slo_ms / 1000.0
        assert rule.expr.endswith(f" > {promql.number(route.p95_slo_ms / 1000.0)}")
        assert rule.expr.startswith("histogram_quantile(0.95, sum by (le) (rate(http_server_requests_seconds_bucket{")
        assert rule.for_duration == "5m"
        assert promql.number(rule.threshold) in rule.summary
        assert rule.annotations["threshold"] == promql.number(rule.threshold)


@pytest.mark.parametrize("name", FROZEN_STACKS)
def test_business_thresholds_of_the_original_plan(name: str) -> None:
    rules = by_name(rules_of(name))
    assert {n: rules[n].threshold for n in business_rule_names()} == {
        "SampleRequestP95AboveSlo": 2.0,
        "EventAvailabilityP95AboveSlo": 1.5,
        "HttpErrorRateHigh": 0.02,
        "SampleSuccessRateLow": 0.8,
    }
    assert rules["SampleRequestP95AboveSlo"].expr.endswith("> 2")
    assert rules["EventAvailabilityP95AboveSlo"].expr.endswith("> 1.5")
    assert rules["HttpErrorRateHigh"].expr.endswith("> 0.02")
    assert rules["SampleSuccessRateLow"].expr.endswith("< 0.8")
    assert all(rules[n].for_duration == "5m" for n in business_rule_names())


@pytest.mark.parametrize("name", FROZEN_STACKS)
def test_capacity_thresholds_come_from_the_plan(name: str) -> None:
    _, plan = stack(name)
    rules = by_name(rules_of(name))
    for service in plan.services:
        hpa = next(
            r for r in rules.values() if r.name.endswith("HpaAtMaxReplicas") and r.labels.get("service") == service.name
        )
        assert hpa.threshold == service.hpa.max_replicas
        assert hpa.for_duration == "10m"
        assert f'horizontalpodautoscaler="{service.deployment}"' in hpa.expr
        assert f'namespace="{service.namespace}"' in hpa.expr
    db = rules["DbConnectionsNearLimit"]
    assert db.threshold == math.floor(0.9 * plan.database.usable_max_connections)  # connections count whole
    assert db.expr == f"sum(pg_stat_database_numbackends) > {promql.number(db.threshold)}"
    traffic = rules["TrafficAbovePlannedPeak"]
    expected_peak = sum(r.baseline_rps for r in stack(name)[0].routes) * plan.load_multiplier
    assert traffic.threshold == pytest.approx(planned_peak_rps(plan)) == pytest.approx(expected_peak)
    assert (traffic.for_duration, db.for_duration) == ("10m", "5m")


@pytest.mark.parametrize("name", FROZEN_STACKS)
def test_worker_rules_come_from_the_plan(name: str) -> None:
    _, plan = stack(name)
    rules = by_name(rules_of(name))
    for worker in plan.workers:
        hpa = rules[f"{camel(worker.name)}WorkerHpaAtMaxReplicas"]
        assert (hpa.threshold, hpa.for_duration, hpa.severity) == (worker.hpa.max_replicas, "10m", "warning")
        assert hpa.labels["worker"] == worker.name and "service" not in hpa.labels
        assert f'{{namespace="{worker.namespace}",horizontalpodautoscaler="{worker.deployment}"}}' in hpa.expr
    # The shipped stacks: sample-dispatch has the 2-hour SLA and its gauge, order-fulfilment neither.
    warning, critical = rules["SampleDispatchOldestJobAboveHalfSla"], rules["SampleDispatchOldestJobAboveSla"]
    gauge = 'freshfoodz_queue_oldest_job_age_seconds{queue="sample-dispatch"}'
    assert (warning.expr, warning.for_duration, warning.severity) == (f"max({gauge}) > 3600", "5m", "warning")
    assert (critical.expr, critical.for_duration, critical.severity) == (f"max({gauge}) > 7200", "1m", "critical")
    assert (warning.threshold, critical.threshold) == (3600, 7200)
    assert warning.labels["worker"] == critical.labels["worker"] == "sample-dispatch"
    assert not [r for r in rules.values() if r.labels.get("worker") == "order-fulfilment" and "Sla" in r.name]


def test_every_rule_has_season_and_severity_labels_and_described_thresholds() -> None:
    for name in SHIPPED_STACKS:
        _, plan = stack(name, ROOT)
        for rule in rules_of(name, ROOT):
            assert rule.labels["season"] == plan.season
            assert rule.labels["severity"] == rule.severity in {"critical", "warning"}
            annotations = rule.all_annotations
            assert list(annotations)[:1] == ["summary"]
            assert {"summary", "description", "threshold"} <= set(annotations)
            assert "{{" not in annotations["description"]  # no templates: promtool tests compare them exactly


def test_group_name_is_unique_per_season() -> None:
    names = {rule_group_name(stack(name, ROOT)[1].season) for name in SHIPPED_STACKS}
    assert names == {f"freshfoodz-seasonal-{name}" for name in SHIPPED_STACKS}


def test_route_matchers_are_exact_and_braces_stay_literal() -> None:
    rules = by_name(rules_of("weihnachten"))
    lookup = rules["CustomerLookupP95AboveSlo"].expr
    assert '{uri="/api/customers/{id}",method="GET"}' in lookup
    sample = rules["SampleSuccessRateLow"].expr
    assert 'uri="/api/samples/request",method="POST",status=~"2.."' in sample
    for rule in rules.values():
        # The only regex matchers are our own status classes; paths are always matched with `=`.
        assert rule.expr.count("=~") == rule.expr.count('status=~"')


def test_label_values_are_escaped_as_promql_strings() -> None:
    assert promql.string_literal('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'
    assert promql.selector("m", [("uri", "=", "/x/{id}")]) == 'm{uri="/x/{id}"}'
    assert promql.number(2.0) == "2"
    assert promql.number(0.02) == "0.02"
    with pytest.raises(ValueError, match="finite"):
        promql.number(float("inf"))
    with pytest.raises(ValueError, match="label name"):
        promql.selector("m", [("bad-label", "=", "x")])


def test_metric_and_label_names_are_configurable() -> None:
    _, plan = stack("weihnachten")
    metrics = MetricNames(
        http_histogram="quarkus_http_seconds",
        uri_label="route_uri",
        method_label="verb",
        status_label="code",
        hpa_current_replicas="hpa_current",
        hpa_max_replicas="hpa_max",
        hpa_namespace_label="ns",
        hpa_name_label="hpa",
        db_connections="pg_backends",
    )
    rules = by_name(
        season_alert_rules(
            plan,
            route_paths_of(plan),
            metrics,
            hpa_names={"api": "api-hpa"},
            http_matchers={"namespace": "freshfoodz"},
            db_matchers={"server": "freshfoodz-primary:5432"},
        )
    )
    text = "\n".join(rule.expr for rule in rules.values())
    for default in (
        "http_server_requests",
        "kube_horizontalpodautoscaler",
        "pg_stat_database",
        "{uri=",
        ",uri=",
        "status=",
    ):
        assert default not in text
    assert 'quarkus_http_seconds_bucket{namespace="freshfoodz",route_uri="/api/samples/request",verb="POST"}' in text
    assert 'code=~"5.."' in text
    assert 'hpa_current{ns="freshfoodz",hpa="api-hpa"}' in rules["ApiHpaAtMaxReplicas"].expr
    assert 'hpa="event-catering-api"' in rules["EventCateringHpaAtMaxReplicas"].expr
    assert rules["DbConnectionsNearLimit"].expr.startswith('sum(pg_backends{server="freshfoodz-primary:5432"}) >')
    with pytest.raises(ValueError, match="not a valid Prometheus metric name"):
        MetricNames(http_histogram="http-server")
    with pytest.raises(ValueError, match="base name"):
        MetricNames(http_histogram="http_server_requests_seconds_bucket")


def test_bad_inputs_are_refused() -> None:
    _, plan = stack("weihnachten")
    paths = route_paths_of(plan)
    with pytest.raises(ValueError, match="event-booking"):
        season_alert_rules(plan, {k: v for k, v in paths.items() if k != "event-booking"})
    with pytest.raises(ValueError, match="sample route"):
        season_alert_rules(plan, paths, sample_route="samples")
    with pytest.raises(ValueError, match="share"):
        season_alert_rules(plan, paths, error_rate_threshold=2)
    with pytest.raises(ValueError, match="duration"):
        season_alert_rules(plan, paths, rate_window="5 minutes")
    rule = rules_of("weihnachten")[0]
    with pytest.raises(ValueError, match="severity"):
        AlertRule(**{**rule.__dict__, "severity": "page"})
    with pytest.raises(ValueError, match="for_duration"):
        AlertRule(**{**rule.__dict__, "for_duration": "5"})


def test_rule_file_layout_is_stable() -> None:
    _, plan = stack("weihnachten")
    rules = rules_of("weihnachten")
    group = rule_group_name(plan.season)
    data = prometheus_rule_file(rules, group)
    assert list(data) == ["groups"]
    assert [g["name"] for g in data["groups"]] == ["freshfoodz-seasonal-weihnachten"]
    first = data["groups"][0]["rules"][0]
    assert list(first) == ["alert", "expr", "for", "labels", "annotations"]
    text = dump_rule_file(rules, group)
    assert text == dump_rule_file(rules_of("weihnachten"), group)
    assert yaml.safe_load(text) == data
    assert all(line.count("expr:") <= 1 for line in text.splitlines())
    assert text.count("- alert: ") == len(rules) == len({r.name for r in rules})


# --- promtool check rules --------------------------------------------------------------------------


@pytest.mark.parametrize("name", SHIPPED_STACKS)
def test_promtool_check_rules_accepts_every_stack(promtool: str, tmp_path: Path, name: str) -> None:
    _, plan = stack(name, ROOT)
    path = tmp_path / "alerts.rules.yml"
    rules = rules_of(name, ROOT)
    assert {worker.name for worker in plan.workers} <= {rule.labels.get("worker") for rule in rules}
    path.write_text(dump_rule_file(rules, rule_group_name(plan.season)))
    output = run_promtool(promtool, "check", "rules", path)
    assert f"SUCCESS: {len(rules)} rules found" in output


def test_promtool_accepts_odd_paths_and_custom_names(promtool: str, tmp_path: Path) -> None:
    _, plan = stack("weihnachten")
    paths = {**route_paths_of(plan), "customer-lookup": ("GET", '/api/customers/{id}/"quoted"\\x?a=(1)|*')}
    rules = season_alert_rules(plan, paths, MetricNames(uri_label="route"), http_matchers={"job": 'a"b'})
    path = tmp_path / "alerts.rules.yml"
    path.write_text(dump_rule_file(rules, rule_group_name(plan.season)))
    run_promtool(promtool, "check", "rules", path)


def test_promtool_a_hostile_queue_matcher_neither_fires_nor_runs_as_a_template(promtool: str, tmp_path: Path) -> None:
    """A queue matcher like `a"} or vector(1) #` stays one label value: promtool loads the rules, the alert
    fires on that queue's gauge only (not on queue `a`), and `{{$labels}}` in it shows as text."""
    _, plan = stack("weihnachten")
    value = 'a"} or vector(1) # {{$labels}}'
    gauge_name = "freshfoodz_queue_oldest_job_age_seconds"
    workers = tuple(
        replace(w, backlog_age=Series(gauge_name, (("queue", value),))) if w.name == "sample-dispatch" else w
        for w in plan.workers
    )
    hostile = replace(plan, workers=workers)
    rules = by_name(season_alert_rules(hostile, route_paths_of(hostile), MetricNames()))
    rule = rules["SampleDispatchOldestJobAboveSla"]
    (tmp_path / "alerts.rules.yml").write_text(dump_rule_file(list(rules.values()), rule_group_name(plan.season)))
    # Written by hand: the label value as a PromQL string, its quote escaped.
    its_queue = {
        "series": f'{gauge_name}{{queue="a\\"}} or vector(1) # {{{{$labels}}}}"}}',
        "values": gauge([8000] * 20),
    }
    queue_a = {"series": f'{gauge_name}{{queue="a"}}', "values": gauge([8000] * 20)}
    groups = [
        ("other-queue", [queue_a], []),
        ("its-queue", [its_queue], [{"exp_labels": dict(rule.labels), "exp_annotations": rule.rendered_annotations}]),
    ]
    document = {
        "rule_files": ["alerts.rules.yml"],
        "evaluation_interval": "1m",
        "tests": [
            {
                "name": name,
                "interval": "1m",
                "input_series": input_series,
                "alert_rule_test": [{"eval_time": "10m", "alertname": rule.name, "exp_alerts": expected}],
            }
            for name, input_series, expected in groups
        ],
    }
    (tmp_path / "alerts.test.yml").write_text(yaml.safe_dump(document, sort_keys=False))
    run_promtool(promtool, "test", "rules", tmp_path / "alerts.test.yml")
    assert "{{$labels}}" in rule.rendered_annotations["description"]


# --- promtool test rules: synthetic series ---------------------------------------------------------

LE = ("0.25", "0.5", "1", "2", "5", "+Inf")
# Requests per minute at or below each bucket bound (cumulative), 100 requests a minute.
FAST = dict(zip(LE, (40, 80, 97, 99, 100, 100), strict=True))  # p95 ~ 0.94 s
MID = dict(zip(LE, (10, 50, 80, 100, 100, 100), strict=True))  # p95 ~ 1.75 s: above 1.5 s, below 2 s
SLOW = dict(zip(LE, (0, 10, 20, 30, 100, 100), strict=True))  # p95 ~ 4.8 s
MINUTES = 30


def counter(per_minute: Sequence[float]) -> str:
    """A counter's samples, one a minute from 0: its cumulative sums."""
    values, total = ["0"], 0.0
    for increment in per_minute:
        total += increment
        values.append(promql.number(total))
    return " ".join(values)


def gauge(values: Sequence[float]) -> str:
    return " ".join(promql.number(v) for v in values)


def phases(*parts: tuple[int, Any]) -> list[Any]:
    """[(minutes, value), ...] -> one value per minute."""
    return [value for minutes, value in parts for _ in range(minutes)]


def series(metric: str, labels: Mapping[str, str]) -> str:
    """Written by hand (not with freshfoodz_seasonal.metrics.promql) so promtool checks our escaping independently."""
    inner = ",".join(f'{k}="{v}"' for k, v in labels.items())
    return f"{metric}{{{inner}}}"


def histogram(uri: str, method: str, profile: Sequence[Mapping[str, int]]) -> list[dict[str, str]]:
    """Cumulative `le` buckets of one route, `profile` giving each minute's bucket counts."""
    return [
        {
            "series": series(
                "http_server_requests_seconds_bucket", {"uri": uri, "method": method, "status": "200", "le": le}
            ),
            "values": counter([minute[le] for minute in profile]),
        }
        for le in LE
    ]


def requests(uri: str, method: str, status: str, per_minute: Sequence[float]) -> dict[str, str]:
    labels = {"uri": uri, "method": method, "status": status}
    return {"series": series("http_server_requests_seconds_count", labels), "values": counter(per_minute)}


def hpa(namespace: str, name: str, current: Sequence[float], maximum: float) -> list[dict[str, str]]:
    labels = {"namespace": namespace, "horizontalpodautoscaler": name, "job": "kube-state-metrics"}
    return [
        {"series": series("kube_horizontalpodautoscaler_status_current_replicas", labels), "values": gauge(current)},
        {
            "series": series("kube_horizontalpodautoscaler_spec_max_replicas", labels),
            "values": gauge([maximum] * len(current)),
        },
    ]


@dataclass(frozen=True)
class Case:
    id: str
    alert: str
    input_series: list[dict[str, str]]
    # eval time in minutes -> does the alert fire then?
    expect: dict[int, bool]
    extra_labels: dict[str, str] = field(default_factory=dict)


def cases(name: str) -> Iterator[Case]:
    _, plan = stack(name)
    paths = route_paths_of(plan)
    sample_method, sample_uri = paths["sample-request"]
    event_method, event_uri = paths["event-availability"]
    lookup_method, lookup_uri = paths["customer-lookup"]
    n = MINUTES

    yield Case(
        "sample-p95-slow", "SampleRequestP95AboveSlo", histogram(sample_uri, sample_method, [SLOW] * n), {15: True}
    )
    yield Case(
        "sample-p95-normal",
        "SampleRequestP95AboveSlo",
        histogram(sample_uri, sample_method, [FAST] * n),
        {15: False, 29: False},
    )
    # Slow from minute 10: pending at 14m (not yet 5m), firing at 20m.
    slow_late = histogram(sample_uri, sample_method, phases((10, FAST), (n - 10, SLOW)))
    yield Case("sample-p95-not-long-enough", "SampleRequestP95AboveSlo", slow_late, {9: False, 14: False, 20: True})
    # 1.75 s is slow for event-availability (1.5 s SLO) but fine for sample-request (2 s SLO).
    yield Case(
        "sample-p95-mid", "SampleRequestP95AboveSlo", histogram(sample_uri, sample_method, [MID] * n), {15: False}
    )
    yield Case(
        "event-p95-mid", "EventAvailabilityP95AboveSlo", histogram(event_uri, event_method, [MID] * n), {15: True}
    )
    yield Case(
        "event-p95-slow", "EventAvailabilityP95AboveSlo", histogram(event_uri, event_method, [SLOW] * n), {15: True}
    )
    yield Case(
        "event-p95-normal", "EventAvailabilityP95AboveSlo", histogram(event_uri, event_method, [FAST] * n), {15: False}
    )
    # Other routes' slowness does not leak into a route's alert: the path with `{id}` matches exactly.
    mixed = [*histogram(lookup_uri, lookup_method, [SLOW] * n), *histogram(event_uri, event_method, [FAST] * n)]
    yield Case("event-p95-other-route-slow", "EventAvailabilityP95AboveSlo", mixed, {15: False})
    yield Case("lookup-p95-slow", "CustomerLookupP95AboveSlo", mixed, {15: True})

    def traffic(errors_per_minute: float) -> list[dict[str, str]]:
        return [
            requests(paths["catalog-browse"][1], "GET", "200", [300] * n),
            requests(paths["order-submit"][1], "POST", "201", [95] * n),
            requests(paths["order-submit"][1], "POST", "503", [errors_per_minute] * n),
            requests(sample_uri, sample_method, "404", [5] * n),
        ]

    # 20 errors in 420 requests a minute = 4.8 %; 4 in 404 = 1 %; 4xx never counts as an error.
    yield Case("errors-high", "HttpErrorRateHigh", traffic(20), {15: True})
    yield Case("errors-normal", "HttpErrorRateHigh", traffic(4), {15: False})

    def samples(ok: float, failed: float) -> list[dict[str, str]]:
        out = [requests(sample_uri, sample_method, "500", [failed] * n)]
        if ok:
            out.append(requests(sample_uri, sample_method, "201", [ok] * n))
        out.append(requests(paths["catalog-browse"][1], "GET", "200", [100] * n))  # other routes do not count
        return out

    yield Case("samples-failing", "SampleSuccessRateLow", samples(70, 30), {15: True})
    yield Case("samples-all-failing", "SampleSuccessRateLow", samples(0, 30), {15: True})
    yield Case("samples-normal", "SampleSuccessRateLow", samples(95, 5), {15: False})
    if stack(name)[0].war_room is not None and stack(name)[0].war_room.sample_loss_critical:
        # Christmas: any lost sample pages at once. One 5xx at minute 10 fires as soon as the rate sees it and
        # stops when the rate window has passed; a 404 on another route or only 2xx answers never fire.
        lost = [requests(sample_uri, sample_method, "500", phases((10, 0), (1, 1), (n - 11, 0)))]
        lost.append(requests(sample_uri, sample_method, "201", [50] * n))
        yield Case("sample-lost", "SampleRequestLost", lost, {9: False, 11: True, 20: False})
        # As Micrometer exports it: the 500 series appears with the first lost request, at 1.
        first = {
            "series": series(
                "http_server_requests_seconds_count", {"uri": sample_uri, "method": sample_method, "status": "500"}
            ),
            "values": "_x10 1x20",
        }
        first_lost = [first, requests(sample_uri, sample_method, "201", [50] * n)]
        yield Case("sample-first-lost", "SampleRequestLost", first_lost, {9: False, 11: True, 20: False})
        yield Case("sample-none-lost", "SampleRequestLost", samples(95, 0)[1:], {15: False})

    scaled: list[tuple[ScaledPlan, str]] = [(s, f"{camel(s.name)}HpaAtMaxReplicas") for s in plan.services]
    scaled += [(worker, f"{camel(worker.name)}WorkerHpaAtMaxReplicas") for worker in plan.workers]
    for item, alert in scaled:
        top = item.hpa.max_replicas
        labels = {"namespace": item.namespace, "horizontalpodautoscaler": item.deployment}
        at_max = hpa(item.namespace, item.deployment, phases((5, item.pods), (n - 5, top)), top)
        yield Case(f"{alert}-at-max", alert, at_max, {14: False, 16: True}, labels)
        below = hpa(item.namespace, item.deployment, [top - 1] * n, top)
        yield Case(f"{alert}-below-max", alert, below, {20: False})
        # Another deployment at its max does not fire this one's alert.
        other = hpa(item.namespace, "someone-else", [top] * n, top)
        yield Case(f"{alert}-other-at-max", alert, other, {20: False})

    rules = by_name(rules_of(name))
    for worker in plan.workers:
        if worker.backlog_age is not None and worker.sla_seconds is not None:
            yield from queue_cases(worker.backlog_age, rules[f"{camel(worker.name)}OldestJobAboveHalfSla"])
            yield from queue_cases(worker.backlog_age, rules[f"{camel(worker.name)}OldestJobAboveSla"])
            missing = f"{camel(worker.name)}OldestJobAgeMissing"
            # absent() labels its alert with the selector's exact matchers.
            queue = dict(worker.backlog_age.matchers)
            # The gauge stops after minute 5 (the exporter gone) and goes stale 5m later: firing once
            # absent for 10m, not before.
            gone = oldest_job_age(worker.backlog_age, [30.0] * 6)
            yield Case(f"{missing}-gone", missing, [gone], {5: False, 15: False, 22: True}, queue)
            present = oldest_job_age(worker.backlog_age, [30.0] * n)
            yield Case(f"{missing}-present", missing, [present], {20: False}, queue)
            # Another queue's gauge does not count as this worker's.
            other = {label: f"{value}-other" for label, value in worker.backlog_age.matchers}
            elsewhere = oldest_job_age(worker.backlog_age, [30.0] * n, **other)
            yield Case(f"{missing}-other-queue-only", missing, [elsewhere], {9: False, 11: True}, queue)

    limit = plan.database.usable_max_connections
    backends = "pg_stat_database_numbackends"
    databases = ("freshfoodz", "postgres")
    near = [{"series": series(backends, {"datname": d}), "values": gauge([0.46 * limit] * n)} for d in databases]
    normal = [{"series": series(backends, {"datname": d}), "values": gauge([0.2 * limit] * n)} for d in databases]
    yield Case("db-near-limit", "DbConnectionsNearLimit", near, {15: True})
    yield Case("db-normal", "DbConnectionsNearLimit", normal, {15: False})

    peak = planned_peak_rps(plan)
    yield Case(
        "traffic-above-peak",
        "TrafficAbovePlannedPeak",
        [requests("/api/products", "GET", "200", [peak * 66] * n)],
        {9: False, 15: True},
    )
    yield Case(
        "traffic-normal",
        "TrafficAbovePlannedPeak",
        [requests("/api/products", "GET", "200", [peak * 54] * n)],
        {20: False},
    )


def oldest_job_age(backlog: Series, per_minute: Sequence[float], pod: str = "worker-0", **other: str) -> dict[str, str]:
    """The worker's gauge of its oldest queued job's age as `pod` exports it, one sample a minute;
    `other` replaces matcher values."""
    labels = {**dict(backlog.matchers), **other, "pod": pod}
    return {"series": series(backlog.metric, labels), "values": gauge(per_minute)}


def queue_cases(backlog: Series, rule: AlertRule) -> Iterator[Case]:
    """A queue SLA alert (warning at half the SLA, critical at the SLA) on the age of the oldest queued job."""
    n, threshold = MINUTES, rule.threshold
    held = int(promql.duration_seconds(rule.for_duration) // 60)
    # A stuck queue: the oldest job ages a minute a minute, equal to the threshold at minute 10 (not
    # above it), above it from minute 11, firing once that has held for the rule's `for`.
    stuck = [threshold - 600 + 60 * minute for minute in range(n)]
    fires_at = 11 + held
    expect = {10: False, fires_at - 1: False, fires_at: True, n - 1: True}
    yield Case(f"{rule.name}-stuck", rule.name, [oldest_job_age(backlog, stuck)], expect)
    # A second pod exporting the same queue's gauge with a young job: max() takes the oldest, one alert.
    two = [oldest_job_age(backlog, stuck), oldest_job_age(backlog, [5] * n, pod="worker-1")]
    yield Case(f"{rule.name}-two-exporters", rule.name, two, expect)
    yield Case(f"{rule.name}-at-threshold", rule.name, [oldest_job_age(backlog, [threshold] * n)], {20: False})
    # Above the threshold for less than the `for`, then drained: never fires.
    blip = phases((10, 30), (held, threshold + 60), (n - 10 - held, 30))
    yield Case(
        f"{rule.name}-drained-in-time",
        rule.name,
        [oldest_job_age(backlog, blip)],
        {10 + held - 1: False, 10 + held: False, 25: False},
    )
    # Another queue past its SLA does not fire this worker's alert: the matchers are exact.
    other = {label: f"{value}-other" for label, value in backlog.matchers}
    if other:
        yield Case(
            f"{rule.name}-other-queue", rule.name, [oldest_job_age(backlog, [2 * threshold] * n, **other)], {20: False}
        )


def promtool_test_group(case: Case, rule: AlertRule) -> dict[str, Any]:
    labels = {**rule.labels, **case.extra_labels}
    return {
        "name": case.id,
        "interval": "1m",
        "input_series": case.input_series,
        "alert_rule_test": [
            {
                "eval_time": f"{minute}m",
                "alertname": case.alert,
                "exp_alerts": [{"exp_labels": labels, "exp_annotations": rule.rendered_annotations}] if fires else [],
            }
            for minute, fires in sorted(case.expect.items())
        ],
    }


@pytest.mark.parametrize("name", FROZEN_STACKS)
def test_promtool_alerts_fire_only_when_the_threshold_holds_for_their_duration(
    promtool: str, tmp_path: Path, name: str
) -> None:
    """All cases of a stack in one `promtool test rules` run (one test group per case, ~0.1 s a run);
    on failure promtool prints the case's name, its expected and its actual alerts."""
    _, plan = stack(name)
    rules = by_name(rules_of(name))
    (tmp_path / "alerts.rules.yml").write_text(dump_rule_file(list(rules.values()), rule_group_name(plan.season)))
    test_file = tmp_path / "alerts.test.yml"
    document = {
        "rule_files": ["alerts.rules.yml"],
        "evaluation_interval": "1m",
        "tests": [promtool_test_group(case, rules[case.alert]) for case in cases(name)],
    }
    test_file.write_text(yaml.safe_dump(document, sort_keys=False))
    output = run_promtool(promtool, "test", "rules", test_file)
    assert "SUCCESS" in output


def test_every_business_alert_and_every_worker_and_hpa_alert_have_firing_and_silent_cases() -> None:
    for name in FROZEN_STACKS:
        seen: dict[str, set[bool]] = {}
        for case in cases(name):
            seen.setdefault(case.alert, set()).update(case.expect.values())
        rules = rules_of(name)
        watched = [r.name for r in rules if r.name.endswith("HpaAtMaxReplicas") or "worker" in r.labels]
        assert {
            "SampleDispatchOldestJobAboveHalfSla",
            "SampleDispatchOldestJobAboveSla",
            "SampleDispatchOldestJobAgeMissing",
        } <= set(watched)
        lost = ["SampleRequestLost"] if any(r.name == "SampleRequestLost" for r in rules) else []
        for alert in [*business_rule_names(), *watched, *lost]:
            assert seen.get(alert) == {True, False}, alert
        # Every rule carries a severity a war room routes; promtool's cases above expect it among the labels.
        assert {rule.labels["severity"] for rule in rules} <= {"critical", "warning"}
