"""How far the plan holds (headroom) and the plan at another load (--multiplier, --scale, the forecast table),
on numbers worked out by hand from the frozen asparagus stack (tests/support/stacks/frozen/)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.cli_runner import invoke
from tests.support.project import frozen_stack

SPARGEL = frozen_stack("spargel")


def plan_json(*args: str) -> dict[str, Any]:
    result = invoke("plan", *args, "--year", "2027", "--format", "json")
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def tiers(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {tier["tier"]: tier for tier in document["headroom"]["tiers"]}


def test_each_tier_holds_to_the_multiplier_worked_out_by_hand() -> None:
    held = tiers(plan_json(str(SPARGEL)))
    # api: busy slots per 1x = 20 x 0.06 + 6 x 0.04 + 8 x 0.25 + 6 x 0.3 = 5.24; at HPA max 10 pods x 8 slots
    # x the 0.6 target = 48 slots: 48 / 5.24 = 9.16, so 9.1 on the 0.1 grid.
    assert held["service api"]["max_multiplier"] == 9.1
    assert held["service api"]["limit"] == "utilization target at HPA max 10 pods"
    # event-catering: 8 x 0.35 + 2 x 0.4 = 3.6 per 1x; 6 pods x 8 x 0.6 = 28.8: 8.0.
    assert held["service event-catering"]["max_multiplier"] == 8.0
    # order-fulfilment: 4 jobs/s x 0.5 s = 2 per 1x; 6 pods x 4 x 0.75 = 18: 9.0.
    assert held["worker order-fulfilment"]["max_multiplier"] == 9.0
    # database: busy vCPU = 0.25 x 4 x m; 70 % reads on at most 2 replicas of 4 vCPU at 0.7 = 5.6:
    # 0.7 m <= 5.6, m <= 8.0 (the writes, 0.3 m <= 2.8, would hold to 9.3).
    assert held["database"]["max_multiplier"] == 8.0
    assert held["database"]["limit"] == "CPU of the reads on at most 2 read replicas of db.r7g.xlarge"
    # The pods at every HPA's maximum fit the seasonal node group: no load breaks the nodes.
    assert held["nodes"]["max_multiplier"] is None


def test_the_plan_holds_to_its_weakest_tier() -> None:
    document = plan_json(str(SPARGEL))
    room = document["headroom"]
    weakest = min((t for t in room["tiers"] if t["max_multiplier"] is not None), key=lambda t: t["max_multiplier"])
    assert (room["max_multiplier"], room["first_to_break"]) == (weakest["max_multiplier"], weakest["tier"])
    assert room["max_multiplier"] >= document["load_multiplier"]
    table = invoke("plan", str(SPARGEL), "--year", "2027")
    line = f"Headroom: holds to {room['max_multiplier']:.1f}x; {room['first_to_break']} breaks first"
    assert line in " ".join(table.output.split())


def test_a_tier_holds_what_the_plan_at_that_multiplier_fits_and_not_a_step_more() -> None:
    held = tiers(plan_json(str(SPARGEL)))["service api"]
    at_limit = plan_json(str(SPARGEL), "--multiplier", f"{held['max_multiplier']:g}")
    beyond = plan_json(str(SPARGEL), "--multiplier", f"{held['max_multiplier'] + 0.1:g}")

    def api(document: dict[str, Any]) -> dict[str, Any]:
        return next(s for s in document["services"] if s["name"] == "api")

    # At the limit the pods the load needs fit under the HPA's maximum; a step above they do not.
    assert api(at_limit)["pods"] <= 10 < api(beyond)["pods"]


def test_the_multiplier_and_the_scale_plan_as_an_edited_stack_file_would(tmp_path: Path) -> None:
    edited = tmp_path / "Pulumi.spargel.yaml"
    document = yaml.safe_load(SPARGEL.read_text(encoding="utf-8"))
    document["config"]["freshfoodz-seasonal:season"]["loadMultiplier"] = 4.5
    edited.write_text(yaml.safe_dump(document), encoding="utf-8")
    from_file = plan_json(str(edited))
    for args in (["--multiplier", "4.5"], ["--scale", "1.5"]):
        what_if = plan_json(str(SPARGEL), *args)
        assert what_if["load_multiplier"] == 4.5
        for key in ("services", "workers", "database", "nodes", "cost", "headroom", "forecast"):
            assert what_if[key] == from_file[key], (args, key)
    assert "planned at 4.5x, not the stack's 3x" in invoke("plan", str(SPARGEL), "--scale", "1.5").output
    # The stack file is left as it was.
    assert yaml.safe_load(SPARGEL.read_text(encoding="utf-8"))["config"]["freshfoodz-seasonal:season"][
        "loadMultiplier"
    ] == pytest.approx(3)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--multiplier", "4", "--scale", "1.2"], "give --multiplier or --scale, not both"),
        (["--scale", "40"], "--scale 40: 3x x 40 = 120x; accepted: 0.1x to 100x"),
        (["--multiplier", "0"], "--multiplier"),
    ],
)
def test_what_cannot_be_planned_is_refused(args: list[str], message: str) -> None:
    result = invoke("plan", str(SPARGEL), *args)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


def test_the_forecast_table_plans_20_percent_either_way(tmp_path: Path) -> None:
    document = plan_json(str(SPARGEL))
    low, planned, high = document["forecast"]
    assert [p["load_multiplier"] for p in (low, planned, high)] == pytest.approx([2.4, 3.0, 3.6])
    assert planned["pods"] == sum(w["pods"] for w in (*document["services"], *document["workers"]))
    assert planned["season_extra_cost"] == round(document["cost"]["extra_while_running"], 2)
    for point in (low, high):
        other = plan_json(str(SPARGEL), "--multiplier", f"{point['load_multiplier']:g}")
        assert point["pods"] == sum(w["pods"] for w in (*other["services"], *other["workers"]))
        assert point["seasonal_nodes"] == other["nodes"]["nodes"]
        assert (point["db_class"], point["read_replicas"]) == (
            other["database"]["instance_class"],
            other["database"]["read_replicas"],
        )
    assert low["pods"] <= planned["pods"] <= high["pods"]
    markdown = invoke("plan", str(SPARGEL), "--year", "2027", "--format", "markdown").output
    assert "#### If the forecast is off by 20 %" in markdown
    assert f"| -20 % | 2.4x | {low['pods']} |" in markdown


def test_a_load_no_plan_carries_is_said_in_the_forecast(tmp_path: Path) -> None:
    christmas = frozen_stack("weihnachten")
    points = plan_json(str(christmas), "--multiplier", "6.5")["forecast"]
    planned, high = points[1]["seasonal_nodes"], points[2]["seasonal_nodes"]
    assert high > planned  # 7.8x needs a node more than 6.5x
    stack = tmp_path / christmas.name
    document = yaml.safe_load(christmas.read_text(encoding="utf-8"))
    document["config"]["freshfoodz-seasonal:nodes"]["maxNodes"] = planned
    stack.write_text(yaml.safe_dump(document), encoding="utf-8")
    low, at_plan, above = plan_json(str(stack), "--multiplier", "6.5")["forecast"]
    assert low["infeasible"] is None and at_plan["infeasible"] is None
    assert above["pods"] is None and any(f"but nodes.maxNodes is {planned}" in why for why in above["infeasible"])
    table = " ".join(invoke("plan", str(stack), "--multiplier", "6.5", "--year", "2027").output.split())
    assert f"+20 %: infeasible: the seasonal node group needs {high} nodes" in table


def test_each_problem_of_a_forecast_no_plan_carries_is_a_note_of_its_own(tmp_path: Path) -> None:
    christmas = frozen_stack("weihnachten")
    planned = {s["name"]: s["pods"] for s in plan_json(str(christmas), "--year", "2026")["services"]}
    document = yaml.safe_load(christmas.read_text(encoding="utf-8"))
    for service in document["config"]["freshfoodz-seasonal:services"]:
        service["maxReplicasCap"] = planned[service["name"]]  # room for the plan, not for 20 % more
        service["baselineMaxReplicas"] = min(service["baselineMaxReplicas"], service["maxReplicasCap"])
    stack = tmp_path / christmas.name
    stack.write_text(yaml.safe_dump(document), encoding="utf-8")
    above = plan_json(str(stack), "--year", "2026")["forecast"][2]
    assert [why.split(":")[0] for why in above["infeasible"]] == [f"service {name}" for name in planned]
    lines = [" ".join(line.split()) for line in invoke("plan", str(stack), "--year", "2026").output.splitlines()]
    notes = [line for line in lines if line.startswith("+20 %: infeasible: service ")]
    assert [note.split(":")[2].strip() for note in notes] == [f"service {name}" for name in planned]
