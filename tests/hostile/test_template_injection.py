"""Config text in alert annotations is text: Prometheus renders it literally and never runs it.

Prometheus and Grafana render annotations as Go templates. A route path such as
`/api/{{"up"|query|first|value}}` ran a PromQL query in the war room's alert text, and `/api/{{id}}` made
Prometheus refuse the whole rule file. Here promtool loads the rules and renders a firing alert's
annotations, which must equal the text as written.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from freshfoodz_seasonal.content.alerting.prometheus_rules import dump_rule_file
from freshfoodz_seasonal.content.alerting.rules import (
    AlertRule,
    go_template_literal,
    route_paths_of,
    season_alert_rules,
)
from freshfoodz_seasonal.metrics.names import MetricNames
from freshfoodz_seasonal.naming import rule_group_name
from tests.integration.test_alerting import MINUTES, SLOW, histogram, run_promtool, stack
from tests.support.tools import PROMETHEUS_INSTALL, required_tool

QUERYING_PATH = '/api/{{"up"|query|first|value}}/{{id}}/}}{{'
# Without double quotes, so promtool's input series (written by hand below) can carry it as a label.
HOSTILE_PATH = "/api/{{$labels}}/{{id}}/{{.Value}}/}}{{"


def test_escaped_text_is_a_template_of_itself() -> None:
    assert go_template_literal("plain {id} text") == "plain {id} text"
    assert go_template_literal("{{x}}") == '{{"{{"}}x}}'
    assert go_template_literal("/api/{}}") == "/api/{}}"
    assert go_template_literal("{{{") == '{{"{{"}}{'


def checked_rules(tmp_path: Path, path: str) -> tuple[str, list[AlertRule]]:
    """promtool, and the season's rules with the customer-lookup route at `path`, loaded by promtool."""
    promtool = required_tool("promtool", "the template-injection check", PROMETHEUS_INSTALL)
    _, plan = stack("weihnachten")
    rules = season_alert_rules(plan, {**route_paths_of(plan), "customer-lookup": ("GET", path)}, MetricNames())
    (tmp_path / "alerts.rules.yml").write_text(dump_rule_file(rules, rule_group_name(plan.season)))
    run_promtool(promtool, "check", "rules", tmp_path / "alerts.rules.yml")
    return promtool, rules


def test_promtool_loads_a_path_that_would_query(tmp_path: Path) -> None:
    checked_rules(tmp_path, QUERYING_PATH)


# A lone `{` next to an escape once made Prometheus read an action one brace early (`/api/{}}`).
@pytest.mark.parametrize("path", [HOSTILE_PATH, "/api/{}}", "/a/{{{x}}}", "/b/}}}{{{", "/c/{", "/d/{{}}{{"])
def test_promtool_renders_a_hostile_path_literally(tmp_path: Path, path: str) -> None:
    promtool, rules = checked_rules(tmp_path, path)
    (rule,) = [r for r in rules if r.name == "CustomerLookupP95AboveSlo"]
    assert path in rule.rendered_annotations["description"]
    test = {
        "rule_files": ["alerts.rules.yml"],
        "evaluation_interval": "1m",
        "tests": [
            {
                "interval": "1m",
                "input_series": histogram(path, "GET", [SLOW] * MINUTES),
                "alert_rule_test": [
                    {
                        "eval_time": "15m",
                        "alertname": rule.name,
                        "exp_alerts": [{"exp_labels": dict(rule.labels), "exp_annotations": rule.rendered_annotations}],
                    }
                ],
            }
        ],
    }
    (tmp_path / "alerts.test.yml").write_text(yaml.safe_dump(test, sort_keys=False))
    run_promtool(promtool, "test", "rules", tmp_path / "alerts.test.yml")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='{}"x $.', max_size=40))
def test_the_only_actions_left_are_the_escapes(text: str) -> None:
    # Go's lexer starts an action at every `{{`: in the escaped text each one must be the start of
    # the escape `{{"{{"}}`, and the escapes rendered as their strings give the text back.
    escaped = go_template_literal(text)
    rest, index = [], 0
    while (start := escaped.find("{{", index)) != -1:
        assert escaped.startswith('{{"{{"}}', start), (text, escaped)
        rest.append(escaped[index:start] + "{{")
        index = start + len('{{"{{"}}')
    assert "".join(rest) + escaped[index:] == text
