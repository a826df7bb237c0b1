"""One JSON casing: every object key `seasonctl` writes is snake_case, at any depth.

Names of things outside the JSON keep their own spelling. As values they need no exemption (a config
key in `baseline`'s `written[].key`, a resource property in a `diff` field's `path`); as object keys
only one place holds them, and it is exempted by its path, nothing else:

- `diff`: `resources[].fields[].before` and `.after` are the provider's values of that field, which
  may be objects keyed by the provider's property names (`{"minReplicas": 2}`, tags).

`plan` and `baseline` have no map keyed by names (route, service, worker, workload or stack output
names): their services, workers, routes and workloads are lists whose items carry a `name` or
`workload`. A map of that kind added later fails here until it is exempted by its path.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from pathlib import Path
from typing import Any

import pytest

from freshfoodz_seasonal.baseline.cpu_fit import CpuFit
from freshfoodz_seasonal.baseline.cpu_measure import CpuBaseline, CpuProblem, WorkloadCpu
from freshfoodz_seasonal.baseline.cpu_queries import CpuTarget, Unit
from freshfoodz_seasonal.baseline.measure import BaselineProblem, NamedRoute, RouteBaseline
from freshfoodz_seasonal.baseline.profile import HourlyProfile
from freshfoodz_seasonal.baseline.queries import BaselineWindow, RouteKey
from freshfoodz_seasonal.baseline.stack_update import Change
from freshfoodz_seasonal.cli.baseline_measure import Baseline, QueryRun
from freshfoodz_seasonal.cli.baseline_view import baseline_as_dict
from tests.support.cli_runner import invoke
from tests.support.project import ROOT, SHIPPED_STACKS, shipped_stack

SNAKE_CASE = re.compile(r"^[a-z0-9_]+$")
ANY_INDEX = "[]"
"""A list index in an exempted path: every item of the list."""

Pattern = tuple[str, ...]

DIFF_EXEMPT: frozenset[Pattern] = frozenset(
    {
        ("resources", ANY_INDEX, "fields", ANY_INDEX, "before"),
        ("resources", ANY_INDEX, "fields", ANY_INDEX, "after"),
    }
)
PLAN_EXEMPT: frozenset[Pattern] = frozenset()
BASELINE_EXEMPT: frozenset[Pattern] = frozenset()


def shown(path: tuple[str | int, ...]) -> str:
    """`routes[0].peak_rps`; the document itself is `(top level)`."""
    text = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path).lstrip(".")
    return text or "(top level)"


def non_snake_keys(document: Any, exempt: Collection[Pattern], used: set[Pattern] | None = None) -> list[str]:
    """The path of every object key that is not snake_case, outside the `exempt` subtrees (which `used`
    collects as they are met)."""
    found: list[str] = []

    def walk(value: Any, path: tuple[str | int, ...]) -> None:
        pattern = tuple(ANY_INDEX if isinstance(part, int) else part for part in path)
        if pattern in exempt:
            if used is not None:
                used.add(pattern)
            return
        if isinstance(value, dict):
            for key, item in value.items():
                if not SNAKE_CASE.match(key):
                    found.append(shown((*path, key)))
                walk(item, (*path, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, (*path, index))

    walk(document, ())
    return found


def assert_snake_case(command: str, document: Any, exempt: Collection[Pattern]) -> None:
    used: set[Pattern] = set()
    found = non_snake_keys(document, exempt, used)
    assert not found, f"{command} JSON has keys that are not snake_case, at: {', '.join(found)}"
    # An exemption no output reaches any more is a stale one: it would hide the next key put there.
    assert used == set(exempt), f"{command}: exempted paths not in the JSON: {sorted(set(exempt) - used)}"


def test_the_check_names_each_key_path_and_skips_only_the_exempted_subtree() -> None:
    document = {
        "routes": [{"name": "a", "peak_rps": 1.0}, {"name": "b", "peakRps": 2.0}],
        "costDelta": {"perHour": 1.0},
        "resources": [{"fields": [{"path": "spec.minReplicas", "before": {"minReplicas": 2}, "after": None}]}],
    }
    assert non_snake_keys(document, DIFF_EXEMPT) == ["routes[1].peakRps", "costDelta", "costDelta.perHour"]
    assert non_snake_keys(document, ()) == [
        "routes[1].peakRps",
        "costDelta",
        "costDelta.perHour",
        "resources[0].fields[0].before.minReplicas",
    ]
    with pytest.raises(AssertionError, match=re.escape("at: routes[1].peakRps, costDelta, costDelta.perHour")):
        assert_snake_case("test", document, DIFF_EXEMPT)


# --- plan ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "stack_file",
    [
        *(shipped_stack(stack) for stack in SHIPPED_STACKS),
        ROOT / "tests" / "support" / "stacks" / "Pulumi.summer-sale.yaml",
    ],
    ids=lambda path: path.name,
)
def test_plan_json_keys_are_snake_case(stack_file: Path) -> None:
    result = invoke("plan", str(stack_file), "--format", "json")
    assert result.exit_code == 0, result.output
    assert_snake_case("plan", json.loads(result.stdout), PLAN_EXEMPT)


# --- diff ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("weihnachten", "--against", "weihnachten", "--phase", "baseline"),
        ("weihnachten", "--against", "spargel"),
    ],
    ids=["own-baseline-phase", "another-stack"],
)
def test_diff_json_keys_are_snake_case(args: tuple[str, ...]) -> None:
    result = invoke("diff", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert_snake_case("diff", report, DIFF_EXEMPT)
    # Every part of the report was there to be checked: both footprints, the cost delta, field changes.
    assert report["cost_delta"] is not None and any(r["fields"] for r in report["resources"])
    # The provider's property names are values, as the provider spells them.
    paths = {f["path"] for r in report["resources"] for f in r["fields"]}
    assert any(re.search(r"[a-z][A-Z]", path) for path in paths), sorted(paths)


# --- baseline -----------------------------------------------------------------------------------------


def every_part_of_a_baseline() -> tuple[Baseline, list[Change]]:
    """A baseline with every optional part present (CPU, profile, problems, warnings), and what it wrote."""
    route = NamedRoute("catalog-browse", RouteKey("GET", "/api/products"))
    fit = CpuFit(0.012, 0.08, 0.97, 4032, 12.5, False, (0.0119, 0.0121))
    cpu = CpuBaseline(
        300.0,
        [WorkloadCpu(CpuTarget("api", Unit.REQUEST, "freshfoodz", "freshfoodz-api"), fit, dropped_steps=12)],
        [CpuProblem("order-fulfilment", "the rate per pod hardly varies")],
        ("sample-dispatch: no jobsMetric (a counter of its jobs), so its CPU per job is not measured",),
    )
    baseline = Baseline(
        "http://prometheus:9090",
        BaselineWindow("14d"),
        1.8e9,
        [RouteBaseline(route, 20.0, 0.06, 0.2, 1.1, 0.001, 1e6, 14.0, notes=("the histogram does not fit",))],
        [BaselineProblem("event-booking", "no requests in the window")],
        [QueryRun("peak_rate", "quantile_over_time(...)", 0.1, 6, ("partial response",))],
        history_days=14.0,
        profile=HourlyProfile(tuple(10.0 + hour for hour in range(24))),
        cpu=cpu,
    )
    changes = [
        Change("catalog-browse", "baselineRps", 18.0, 20.0),
        Change("service api", "cpu.peakRatePerPod", None, 12.5),
    ]
    return baseline, changes


def test_baseline_json_keys_are_snake_case() -> None:
    baseline, changes = every_part_of_a_baseline()
    document = baseline_as_dict(baseline, changes)
    assert_snake_case("baseline", document, BASELINE_EXEMPT)
    # Every part of the report was there to be checked: no list empty, no optional part missing.
    for part in ("routes", "problems", "cpu", "cpu_problems", "cpu_not_measured", "warnings", "queries", "written"):
        assert document[part], part
    assert document["hourly_rps"] is not None and document["quiet_hour"] == 0
    # The stack's config keys it wrote are values, spelt as the stack file spells them.
    assert [w["key"] for w in document["written"]] == ["baselineRps", "cpu.peakRatePerPod"]
