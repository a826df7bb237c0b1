"""Numbers at the edge of what the config accepts plan cleanly; just beyond it they are refused by key.

Found by an adversarial review: tiny service times, CVs and utilization targets passed validation and
crashed the plan (ZeroDivisionError, "needs inf pods"); a rate window of twenty digits passed and made
Prometheus refuse the rule file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.cli_runner import invoke
from tests.support.project import frozen_stack

NS = "freshfoodz-seasonal"


def stack_with(tmp_path: Path, change: Any) -> Path:
    document = yaml.safe_load(frozen_stack("weihnachten").read_text(encoding="utf-8"))
    change(document["config"])
    path = tmp_path / "Pulumi.edge.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def route(key: str, value: Any) -> Any:
    def change(config: dict[str, Any]) -> None:
        config[f"{NS}:routes"][0][key] = value
        if key == "serviceTimeCv":
            config[f"{NS}:routes"][0].pop("p95ServiceTimeMs", None)

    return change


def target(value: Any) -> Any:
    return lambda config: config[f"{NS}:season"]["targetUtilization"].update(appServers=value)


def rate_window(value: Any) -> Any:
    return lambda config: config.setdefault(f"{NS}:metrics", {}).update(rateWindow=value)


@pytest.mark.parametrize(
    ("name", "change"),
    [
        ("mean 0.01 ms", route("meanServiceTimeMs", 0.01)),
        ("cv 0.05", route("serviceTimeCv", 0.05)),
        ("cv 10", route("serviceTimeCv", 10)),
        ("target 0.01", target(0.01)),
        ("target 0.99", target(0.99)),
        ("window 9999h", rate_window("9999h")),
        ("rps 0.0001 on every route", lambda c: [r.update(baselineRps=0.0001) for r in c[f"{NS}:routes"]]),
    ],
)
def test_the_edges_plan_without_a_crash(tmp_path: Path, name: str, change: Any) -> None:
    result = invoke("plan", str(stack_with(tmp_path, change)), "--format", "json")
    assert result.exit_code in (0, 3), (name, result.output)


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (route("meanServiceTimeMs", 5e-324), "meanServiceTimeMs"),
        (route("serviceTimeCv", 1e-200), "serviceTimeCv"),
        (target(5e-324), "appServers"),
        (rate_window("99999999999999999999h"), "rateWindow"),
        # 5e-324 requests per second made the queueing maths divide by zero
        (lambda c: [r.update(baselineRps=5e-324) for r in c[f"{NS}:routes"]], "baselineRps"),
    ],
)
def test_beyond_the_edges_is_refused_by_key(tmp_path: Path, change: Any, key: str) -> None:
    for command in ("validate", "plan"):
        result = invoke(command, str(stack_with(tmp_path, change)))
        assert result.exit_code == 2, result.output
        assert key in result.output


def test_an_integer_in_any_base_is_bounded(tmp_path: Path) -> None:
    text = frozen_stack("weihnachten").read_text(encoding="utf-8")
    path = tmp_path / "Pulumi.hex.yaml"
    path.write_text(text.replace("slotsPerPod: ", "slotsPerPod: 0x" + "f" * 5000 + " #", 1), encoding="utf-8")
    result = invoke("validate", str(path))
    assert result.exit_code == 2 and "found an integer of 5002 digits; at most 30" in result.output
