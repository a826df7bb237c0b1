"""Alert rules as a Prometheus rule file (what `promtool check rules` reads)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml

from freshfoodz_seasonal.content.alerting.rules import AlertRule
from freshfoodz_seasonal.metrics.promql import DURATION


def prometheus_rule(rule: AlertRule) -> dict[str, Any]:
    """One alerting rule: alert, expr, for, labels (by name), annotations (summary first)."""
    return {
        "alert": rule.name,
        "expr": rule.expr,
        "for": rule.for_duration,
        "labels": dict(sorted(rule.labels.items())),
        "annotations": rule.all_annotations,
    }


def prometheus_rule_file(rules: Sequence[AlertRule], group_name: str, interval: str | None = None) -> dict[str, Any]:
    """`{groups: [{name, [interval], rules: [...]}]}` with the rules in the order given."""
    if not group_name.strip():
        raise ValueError("the rule group needs a name")
    if interval is not None and not DURATION.fullmatch(interval):
        raise ValueError(f"interval {interval!r} is not a duration like '1m'")
    group: dict[str, Any] = {"name": group_name}
    if interval is not None:
        group["interval"] = interval
    group["rules"] = [prometheus_rule(rule) for rule in rules]
    return {"groups": [group]}


def dump_rule_file(rules: Sequence[AlertRule], group_name: str, interval: str | None = None) -> str:
    """The rule file as YAML text: keys in the order above, one expression per line, stable across runs."""
    return yaml.safe_dump(
        prometheus_rule_file(rules, group_name, interval),
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=1_000_000,
    )
