"""A season whose span begins after its T-14 (an earlier season on the same cluster holds the shared resources
until its rollback) gets its provisioning steps on one day in every command: the plan (table and JSON), the
playbook and `seasonctl due`, across New Year too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.support.cli_runner import invoke
from tests.support.project import frozen_stack, project_copy


def season_stack(folder: Path, name: str, start: str, end: str) -> None:
    """Christmas's stack (so the same cluster and primary) as season `name` from `start` to `end` (MM-DD)."""
    document = yaml.safe_load(frozen_stack("weihnachten").read_text(encoding="utf-8"))
    config = document["config"]
    config["freshfoodz-seasonal:season"].update(name=name, window={"start": start, "end": end})
    config["freshfoodz-seasonal:warRoom"]["days"] = "window"
    (folder / f"Pulumi.{name}.yaml").write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")


# (the earlier season, the later one, the later one's year, the day its span begins: the earlier one's T+1 + 1)
CASES = {
    "summer": (("early", "07-01", "07-20"), ("late", "07-25", "08-10"), "2027", "2027-07-22"),
    "new year": (("winter-sale", "12-20", "01-10"), ("jan-sale", "01-15", "01-31"), "2027", "2027-01-12"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_plan_playbook_and_due_date_the_provisioning_steps_alike(case: str, tmp_path: Path) -> None:
    earlier, (stack, start, end), year, first_day = CASES[case]
    project = project_copy(tmp_path)
    season_stack(project, *earlier)
    season_stack(project, stack, start, end)
    where = ("--project-dir", str(project))

    plan = invoke("plan", stack, "--year", year, "--format", "json", *where)
    assert plan.exit_code == 0, plan.output
    provisioning = json.loads(plan.stdout)["provisioning"]
    assert {step["date"] for step in provisioning["steps"]} == {first_day}
    assert [window["date"] for window in provisioning["windows"]] == [first_day]

    table = invoke("plan", stack, "--year", year, *where, env={"COLUMNS": "80"})
    rows = [line for line in table.stdout.splitlines() if "replicas" in line and "T-14" in line]
    assert rows and all(f"T-14 {first_day}" in row for row in rows), table.stdout

    playbook = invoke("playbook", stack, "--date", f"{int(year) - 1}-10-01", "--format", "json", *where)
    assert playbook.exit_code == 0, playbook.output
    by_id = {step["id"]: step for step in json.loads(playbook.stdout)["steps"]}
    assert by_id["t14-infrastructure"]["due"] == first_day

    due = invoke("due", "--date", first_day, "--format", "json", *where)
    assert due.exit_code == 0, due.output
    assert [(d["stack"], d["action"]) for d in json.loads(due.stdout)["due"]] == [(stack, "provision")]


def test_the_rollback_day_is_t_plus_1_with_its_year(tmp_path: Path) -> None:
    project = project_copy(tmp_path)
    season_stack(project, "winter-sale", "12-20", "01-10")
    plan = invoke("plan", "winter-sale", "--year", "2026", "--project-dir", str(project), env={"COLUMNS": "80"})
    assert plan.exit_code == 0, plan.output
    rows = [line for line in plan.stdout.splitlines() if "db-class" in line]
    assert rows and all("T+1 2027-01-11" in row for row in rows), plan.stdout
    document = invoke("plan", "winter-sale", "--year", "2026", "--format", "json", "--project-dir", str(project))
    steps = json.loads(document.stdout)["provisioning"]["rollback"]["steps"]
    assert {(step["day"], step["date"]) for step in steps} == {("T+1", "2027-01-11")}
