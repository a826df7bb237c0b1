"""The workers' alerts: the queue SLA (the oldest queued job against half the SLA and the SLA) and the
HPA at its max, from the plan alone; the queries and the text stay what the stack file says."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from freshfoodz_seasonal.content.alerting.grafana_rules import grafana_rule
from freshfoodz_seasonal.content.alerting.rules import AlertRule, route_paths_of, season_alert_rules
from freshfoodz_seasonal.metrics import promql
from freshfoodz_seasonal.plan.season_plan import SeasonPlan, Series
from tests.integration.test_alerting import stack

GAUGE = "freshfoodz_queue_oldest_job_age_seconds"
# A matcher value that, pasted into a query unescaped, would end the selector early and inject PromQL.
INJECTION = 'a"} or vector(1) #'


def with_worker(worker: str, **changes: Any) -> SeasonPlan:
    """The weihnachten plan with the worker named `worker` changed."""
    _, plan = stack("weihnachten")
    workers = tuple(replace(w, **changes) if w.name == worker else w for w in plan.workers)
    return replace(plan, workers=workers)


def rules_by_name(plan: SeasonPlan) -> dict[str, AlertRule]:
    return {rule.name: rule for rule in season_alert_rules(plan, route_paths_of(plan))}


def sla_rules(plan: SeasonPlan, worker: str) -> list[AlertRule]:
    return [r for r in rules_by_name(plan).values() if r.labels.get("worker") == worker and "Sla" in r.name]


def test_a_hostile_matcher_value_stays_one_string_in_the_query() -> None:
    plan = with_worker("sample-dispatch", backlog_age=Series(GAUGE, (("queue", INJECTION),)))
    rules = rules_by_name(plan)
    selector = f'{GAUGE}{{queue="a\\"}} or vector(1) #"}}'
    assert rules["SampleDispatchOldestJobAboveHalfSla"].expr == f"max({selector}) > 3600"
    assert rules["SampleDispatchOldestJobAboveSla"].expr == f"max({selector}) > 7200"
    query = json.loads(grafana_rule(rules["SampleDispatchOldestJobAboveSla"]).query_model)
    assert query["expr"] == f"count(max({selector}) > 7200) or vector(0)"


def test_a_hostile_matcher_value_is_text_in_the_annotations() -> None:
    value = INJECTION + ' {{ "up" | query }}'
    plan = with_worker("sample-dispatch", backlog_age=Series(GAUGE, (("queue", value),)))
    rule = rules_by_name(plan)["SampleDispatchOldestJobAboveHalfSla"]
    shown = promql.selector(GAUGE, [("queue", "=", value)])
    assert f"worker sample-dispatch ({shown}) has waited more than 3600 s" in rule.rendered_annotations["description"]
    # As a Go template the description renders this text: the `{{` of the config is a quoted string.
    assert '{{"{{"}} \\"up\\" | query }}' in rule.all_annotations["description"]
    assert "{{ " not in rule.all_annotations["description"]


def test_several_matchers_are_exact_and_sorted() -> None:
    plan = with_worker("sample-dispatch", backlog_age=Series(GAUGE, (("queue", "sample.*"), ("job", "dispatch"))))
    expr = rules_by_name(plan)["SampleDispatchOldestJobAboveSla"].expr
    assert expr == f'max({GAUGE}{{job="dispatch",queue="sample.*"}}) > 7200'


def test_an_sla_without_a_gauge_gets_no_sla_alert_but_the_hpa_alert() -> None:
    plan = with_worker("sample-dispatch", backlog_age=None)
    assert sla_rules(plan, "sample-dispatch") == []
    assert "SampleDispatchWorkerHpaAtMaxReplicas" in rules_by_name(plan)


def test_a_gauge_without_an_sla_gets_no_sla_alert() -> None:
    plan = with_worker("sample-dispatch", sla_seconds=None)
    assert sla_rules(plan, "sample-dispatch") == []


def test_order_fulfilment_has_only_its_hpa_alert() -> None:
    _, plan = stack("weihnachten")
    rules = [r for r in rules_by_name(plan).values() if r.labels.get("worker") == "order-fulfilment"]
    assert [r.name for r in rules] == ["OrderFulfilmentWorkerHpaAtMaxReplicas"]


@pytest.mark.parametrize(
    ("sla", "warning_for", "critical_for", "half"),
    [
        (7200, "5m", "1m", "3600"),  # the original plan's 2 hours
        (3000, "5m", "1m", "1500"),  # a tenth of the SLA is the 5m itself
        (600, "1m", "1m", "300"),
        (300, "30s", "30s", "150"),
        (45, "4500ms", "4500ms", "22.5"),
        (1, "100ms", "100ms", "0.5"),
    ],
)
def test_the_for_durations_shrink_with_a_short_sla(sla: float, warning_for: str, critical_for: str, half: str) -> None:
    warning, critical = sla_rules(with_worker("sample-dispatch", sla_seconds=float(sla)), "sample-dispatch")
    assert (warning.severity, warning.for_duration, warning.expr.rsplit(" > ", 1)[1]) == ("warning", warning_for, half)
    assert (critical.severity, critical.for_duration, critical.threshold) == ("critical", critical_for, sla)
    # The warning fires (threshold, then its `for`) before the SLA passes.
    assert warning.threshold + promql.duration_seconds(warning.for_duration) < sla


def test_the_texts_say_the_sla_the_threshold_and_the_plans_wait() -> None:
    _, plan = stack("weihnachten")
    (worker,) = [w for w in plan.workers if w.name == "sample-dispatch"]
    warning, critical = sla_rules(plan, "sample-dispatch")
    assert warning.summary == "sample-dispatch: oldest queued job older than 3600 s, half its 7200 s SLA"
    assert critical.summary == "sample-dispatch: oldest queued job past its 7200 s SLA"
    expected = (
        f"p99 wait of {worker.predicted_p99_wait_s:.3g} s at {worker.pods} pods (HPA max {worker.hpa.max_replicas})"
    )
    for rule in (warning, critical):
        assert expected in rule.annotations["description"]
        assert f"for {rule.for_duration} in season weihnachten" in rule.annotations["description"]
        assert rule.annotations["threshold"] == promql.number(rule.threshold)
        assert dict(rule.labels) == {"season": "weihnachten", "severity": rule.severity, "worker": "sample-dispatch"}


def test_a_worker_named_like_a_service_gets_its_own_hpa_alert() -> None:
    plan = with_worker("order-fulfilment", name="api")
    rules = rules_by_name(plan)
    assert rules["ApiHpaAtMaxReplicas"].labels["service"] == "api"
    assert rules["ApiWorkerHpaAtMaxReplicas"].labels["worker"] == "api"
    assert 'horizontalpodautoscaler="order-fulfilment-worker"' in rules["ApiWorkerHpaAtMaxReplicas"].expr
    assert rules["ApiWorkerHpaAtMaxReplicas"].summary == "worker api: HPA at its max of 6 replicas"


def test_names_that_still_collide_are_refused() -> None:
    # A service called `sample-dispatch-worker` and the worker `sample-dispatch`: both SampleDispatchWorker...
    _, plan = stack("weihnachten")
    services = (replace(plan.services[0], name="sample-dispatch-worker"), *plan.services[1:])
    with pytest.raises(
        ValueError, match="SampleDispatchWorkerHpaAtMaxReplicas; rename the routes, services or workers"
    ):
        season_alert_rules(replace(plan, services=services), route_paths_of(plan))
