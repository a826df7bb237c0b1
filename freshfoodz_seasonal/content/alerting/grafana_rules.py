"""The season's alert rules as Grafana-managed rules: one PromQL query and one threshold each.

Grafana evaluates a query (A) and a server-side expression (C) that decides. Each rule's
Prometheus condition, comparison included, becomes `count(<condition>) or vector(0)`: the number of
series for which it holds, 0 when none does. C fires when that count is above 0. So Grafana and
Prometheus alert on exactly the same condition, and the promtool tests of the rule file also
cover what Grafana evaluates.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from freshfoodz_seasonal.content.alerting.rules import AlertRule

QUERY_REF = "A"
CONDITION_REF = "C"
# Grafana's own datasource for server-side expressions.
EXPRESSION_DATASOURCE = "__expr__"
# How far back the instant query looks; the rate windows inside it set what it averages.
QUERY_LOOKBACK_S = 600
# How often Grafana evaluates the season's rule group.
EVALUATION_INTERVAL_S = 60
# No data means the condition's series are absent, i.e. all is well; an error is not.
NO_DATA_STATE = "OK"
EXEC_ERROR_STATE = "Error"


@dataclass(frozen=True)
class GrafanaRule:
    name: str
    for_duration: str
    labels: dict[str, str]
    annotations: dict[str, str]
    query_model: str
    """JSON of the Prometheus query (ref A)."""
    condition_model: str
    """JSON of the threshold expression (ref C)."""
    no_data_state: str = NO_DATA_STATE
    exec_err_state: str = EXEC_ERROR_STATE


def grafana_rule(rule: AlertRule) -> GrafanaRule:
    query = {
        "refId": QUERY_REF,
        "expr": f"count({rule.expr}) or vector(0)",
        "instant": True,
        "range": False,
    }
    condition = {
        "refId": CONDITION_REF,
        "type": "threshold",
        "expression": QUERY_REF,
        "conditions": [{"evaluator": {"type": "gt", "params": [0]}}],
    }
    return GrafanaRule(
        name=rule.name,
        for_duration=rule.for_duration,
        labels=dict(sorted(rule.labels.items())),
        annotations=rule.all_annotations,
        query_model=json.dumps(query, sort_keys=True),
        condition_model=json.dumps(condition, sort_keys=True),
    )
