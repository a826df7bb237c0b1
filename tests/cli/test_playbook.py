"""Playbooks: dated T-milestone steps per season and their state on a given day."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from freshfoodz_seasonal.adapters.playbook_files import load_playbooks
from freshfoodz_seasonal.cli.app import app
from freshfoodz_seasonal.playbooks.schedule import State, dated_playbook, due_date, state_on
from freshfoodz_seasonal.seasons.windows import resolve_window
from tests.support.project import FROZEN, SHIPPED_STACKS, frozen_stack, project_copy

OKTOBERFEST_2026 = resolve_window("09-01", "oktoberfest-end", 2026)


def playbook(*args: str) -> object:
    return CliRunner().invoke(app, ["playbook", *args, "--project-dir", str(FROZEN)])


def test_the_shipped_playbooks_cover_every_milestone_of_the_plan() -> None:
    books = load_playbooks()
    for season in SHIPPED_STACKS:
        milestones = {step.when for step in books.steps_of(season)}
        assert {"T-30", "T-14", "T-7", "T-0", "T+1", "T+7"} <= milestones
    assert any(s.command == "seasonctl provision {stack}" for s in books.shared if s.when == "T-14")
    assert {s.id for s in books.seasons["weihnachten"]} & {s.id for s in books.steps_of("spargel")} == set()


@pytest.mark.parametrize(
    ("when", "due"),
    [
        ("T-30", dt.date(2026, 8, 2)),
        ("T-14", dt.date(2026, 8, 18)),
        ("T-7", dt.date(2026, 8, 25)),
        ("T-0", dt.date(2026, 9, 1)),
        ("T+1", dt.date(2026, 10, 5)),  # the day after the Wiesn ends
        ("T+7", dt.date(2026, 10, 11)),
    ],
)
def test_due_dates_count_from_the_window(when: str, due: dt.date) -> None:
    step = next(s for s in load_playbooks().steps_of("oktoberfest") if s.when == when)
    assert due_date(step, OKTOBERFEST_2026) == due


@pytest.mark.parametrize(
    ("today", "done", "state"),
    [
        (dt.date(2026, 8, 1), False, State.UPCOMING),
        (dt.date(2026, 8, 2), False, State.DUE_TODAY),
        (dt.date(2026, 8, 3), False, State.OVERDUE),
        (dt.date(2026, 8, 3), True, State.DONE),
        (dt.date(2026, 7, 1), True, State.DONE),
    ],
)
def test_states(today: dt.date, done: bool, state: State) -> None:
    assert state_on(dt.date(2026, 8, 2), today, done) is state


def test_most_urgent_first() -> None:
    steps = load_playbooks().steps_of("oktoberfest")
    dated = dated_playbook(
        steps,
        OKTOBERFEST_2026,
        dt.date(2026, 8, 18),
        frozenset({"t30-capacity-plan"}),
        {
            "stack": "o",
            "year": "2026",
            "multiplier": "4",
            "namespace": "ns",
            "config_map": "cm",
            "priority_class": "pc",
            "rule_group": "rg",
        },
    )
    states = [s.state for s in dated]
    assert states == sorted(states, key=[State.OVERDUE, State.DUE_TODAY, State.UPCOMING, State.DONE].index)
    assert dated[-1].id == "t30-capacity-plan"
    assert all(s.due == dt.date(2026, 8, 18) for s in dated if s.state is State.DUE_TODAY)
    assert [s.due for s in dated if s.state is State.UPCOMING] == sorted(
        s.due for s in dated if s.state is State.UPCOMING
    )


def test_cli_json_fills_in_the_stack_and_multiplier(tmp_path: Path) -> None:
    done = tmp_path / "done.yaml"
    done.write_text("- t30-capacity-plan\n- t30-load-test\n")
    result = playbook("oktoberfest", "--date", "2026-08-18", "--done-file", str(done), "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["window"] == {"first_day": "2026-09-01", "last_day": "2026-10-04"}
    by_id = {step["id"]: step for step in document["steps"]}
    assert by_id["t30-capacity-plan"]["state"] == "done"
    assert by_id["t30-team-briefing"]["state"] == "overdue"
    assert by_id["t14-infrastructure"]["state"] == "due today"
    assert by_id["t14-infrastructure"]["command"] == "seasonctl provision oktoberfest"
    assert by_id["t1-rollback"]["command"] == "seasonctl rollback oktoberfest"
    assert by_id["t30-load-test"]["title"] == "Load test at 4x baseline"
    assert "t14-priority-lane" in by_id  # its stack sets peakControls.priorityServices
    assert "t14-maximum-capacity" not in by_id  # Christmas only


def test_cli_picks_the_running_or_next_season() -> None:
    result = playbook("spargel", "--date", "2026-11-28", "--format", "json")
    assert json.loads(result.stdout)["window"]["first_day"] == "2027-04-01"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "2026-13-01"], "--date: '2026-13-01' is not a date"),
        (["--date", "1999-12-31"], "years 2000 to 2100"),
        (["--format", "xml"], ""),
    ],
)
def test_bad_input_exits_2(args: list[str], message: str) -> None:
    result = playbook("weihnachten", *args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert message in result.output


def test_unknown_done_ids_are_refused(tmp_path: Path) -> None:
    done = tmp_path / "done.yaml"
    done.write_text("- t30-capacity-plann\n")
    result = playbook("weihnachten", "--done-file", str(done))
    assert result.exit_code == 2
    assert "no such step: t30-capacity-plann" in result.output
    done.write_text("just: a mapping\n")
    assert playbook("weihnachten", "--done-file", str(done)).exit_code == 2


def test_a_done_file_of_an_earlier_release_keeps_its_renamed_step(tmp_path: Path) -> None:
    done = tmp_path / "done.yaml"
    done.write_text("- t14-event-catering-priority\n")
    result = playbook("oktoberfest", "--date", "2026-08-18", "--done-file", str(done), "--format", "json")
    assert result.exit_code == 0, result.output
    by_id = {step["id"]: step for step in json.loads(result.stdout)["steps"]}
    assert by_id["t14-priority-lane"]["state"] == "done"
    assert "step t14-event-catering-priority is now t14-priority-lane" in result.stderr


@pytest.mark.parametrize(
    ("earlier", "now"), [("t0-samples-within-2h", "t0-queue-slas"), ("t0-war-room-24-7", "t0-war-room-staffed")]
)
def test_a_done_file_keeps_a_season_step_now_given_by_config(tmp_path: Path, earlier: str, now: str) -> None:
    done = tmp_path / "done.yaml"
    done.write_text(f"- {earlier}\n")
    result = playbook("oktoberfest", "--date", "2026-08-18", "--done-file", str(done), "--format", "json")
    assert result.exit_code == 0, result.output
    by_id = {step["id"]: step for step in json.loads(result.stdout)["steps"]}
    assert by_id[now]["state"] == "done"
    assert f"step {earlier} is now {now}" in result.stderr


def test_an_earlier_id_of_a_step_this_stack_has_not_is_refused_by_the_file_s_own_id(tmp_path: Path) -> None:
    document = yaml.safe_load(frozen_stack("oktoberfest").read_text(encoding="utf-8"))
    document["config"]["freshfoodz-seasonal:peakControls"]["priorityServices"] = []
    (tmp_path / "Pulumi.oktoberfest.yaml").write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    done = tmp_path / "done.yaml"
    done.write_text("- t14-event-catering-priority\n")
    result = CliRunner().invoke(
        app,
        ["playbook", "oktoberfest", "--done-file", str(done), "--date", "2026-08-18", "--project-dir", str(tmp_path)],
    )
    assert result.exit_code == 2, result.output
    assert f"{done}: no such step: t14-event-catering-priority;" in " ".join(result.stderr.split())
    assert "is now" not in result.stderr


def test_markdown_for_a_pull_request() -> None:
    result = playbook("weihnachten", "--date", "2026-10-18", "--format", "markdown")
    assert result.exit_code == 0
    assert "| state | due | when | id | step | owner | command |" in result.output
    assert "| due today | 2026-10-18 | T-14 | t14-infrastructure |" in result.output


@pytest.mark.parametrize(
    ("stack", "date", "step"),
    [
        ("oktoberfest", "2026-10-05", "t1-rollback"),  # the day after the 2026 Wiesn
        ("oktoberfest", "2026-10-11", "t7-season-review"),
        ("weihnachten", "2027-01-01", "t1-rollback"),
        ("weihnachten", "2027-01-07", "t7-season-review"),
    ],
)
def test_after_season_steps_fall_due_in_the_season_they_close(stack: str, date: str, step: str) -> None:
    result = playbook(stack, "--date", date, "--format", "json")
    by_id = {s["id"]: s for s in json.loads(result.stdout)["steps"]}
    assert by_id[step]["state"] == "due today"
    assert by_id[step]["due"] == date


def test_the_next_season_takes_over_after_the_review() -> None:
    result = playbook("weihnachten", "--date", "2027-01-08", "--format", "json")
    assert json.loads(result.stdout)["window"]["first_day"] == "2027-11-01"


def test_compact_dates_are_refused() -> None:
    assert playbook("weihnachten", "--date", "20260101").exit_code == 2


def test_provisioning_steps_move_to_the_day_the_span_begins() -> None:
    steps = load_playbooks().steps_of("oktoberfest")
    late = dt.date(2026, 8, 21)  # an earlier season holds the shared resources until 20 August
    by_when = {step.when: due_date(step, OKTOBERFEST_2026, late) for step in steps}
    assert by_when["T-14"] == late  # was 18 August
    assert by_when["T-7"] == dt.date(2026, 8, 25) and by_when["T-30"] == dt.date(2026, 8, 2)  # after, and before T-14


def test_a_season_clipped_by_an_earlier_one_is_warned_and_dated_late(tmp_path: Path) -> None:
    text = project_copy(tmp_path, "spargel").joinpath("Pulumi.spargel.yaml").read_text(encoding="utf-8")
    juli = text.replace('start: "04-01"', 'start: "07-01"').replace('end: "06-24"', 'end: "08-31"')
    (tmp_path / "Pulumi.juli.yaml").write_text(juli.replace("name: spargel", "name: juli"), encoding="utf-8")
    result = CliRunner().invoke(
        app, ["playbook", "juli", "--date", "2027-05-01", "--format", "json", "--project-dir", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "juli can be provisioned only from 2027-06-26, not at T-14 (2027-06-17)" in " ".join(result.stderr.split())
    steps = json.loads(result.stdout)["steps"]
    by_id = {step["id"]: step for step in steps}
    assert by_id["t14-infrastructure"]["due"] == "2027-06-26"
    # The moved T-14 steps (the configured priority lane too) come before the T-7 ones of the same day.
    on_the_day = [int(step["milestone"][1:]) for step in steps if step["due"] == "2027-06-26"]
    assert -14 in on_the_day and -7 in on_the_day and on_the_day == sorted(on_the_day)
    sommer = juli.replace('start: "07-01"', 'start: "06-25"').replace("name: spargel", "name: sommer")
    (tmp_path / "Pulumi.juli.yaml").write_text(sommer, encoding="utf-8")
    refused = CliRunner().invoke(app, ["validate", "juli", "--date", "2027-05-01", "--project-dir", str(tmp_path)])
    assert refused.exit_code == 2 and "would start without its peak" in " ".join(refused.output.split())


def test_a_provisioning_plan_over_two_days_gets_a_step_for_each(tmp_path: Path) -> None:
    document = yaml.safe_load(frozen_stack("weihnachten").read_text(encoding="utf-8"))
    # A class that grows: the replicas (21.5 min) and the failover (21.5 min) do not fit one 30-min window.
    document["config"]["freshfoodz-seasonal:database"]["baselineCpuUtilization"] = 0.5
    (tmp_path / "Pulumi.weihnachten.yaml").write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    result = CliRunner().invoke(
        app, ["playbook", "weihnachten", "--date", "2026-10-01", "--format", "json", "--project-dir", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    by_id = {step["id"]: step for step in json.loads(result.stdout)["steps"]}
    ahead = by_id["provision-replicas"]
    assert (ahead["due"], ahead["milestone"]) == ("2026-10-18", "T-14")
    assert ahead["command"] == "seasonctl provision weihnachten --step replicas"
    rest = by_id["t14-infrastructure"]
    assert (rest["due"], rest["milestone"], rest["command"]) == (
        "2026-10-19",
        "T-13",
        "seasonctl provision weihnachten",
    )
    # The step of the earlier provisioning day is a step like any other: a done file may list it.
    done = tmp_path / "done.yaml"
    done.write_text("- provision-replicas\n")
    args = ["weihnachten", "--date", "2026-10-01", "--done-file", str(done), "--format", "json"]
    marked = CliRunner().invoke(app, ["playbook", *args, "--project-dir", str(tmp_path)])
    assert marked.exit_code == 0, marked.output
    assert {step["id"]: step for step in json.loads(marked.stdout)["steps"]}["provision-replicas"]["state"] == "done"


def test_a_late_start_moves_only_the_steps_before_the_first_day_of_the_season_shown(tmp_path: Path) -> None:
    project_copy(tmp_path, "oktoberfest")
    document = yaml.safe_load(frozen_stack("weihnachten").read_text(encoding="utf-8"))
    document["config"]["freshfoodz-seasonal:season"].update(name="herbst", window={"start": "10-07", "end": "12-31"})
    (tmp_path / "Pulumi.herbst.yaml").write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    # In the week after herbst 2026 ends, its playbook still shows 2026; next year's span must not count.
    result = CliRunner().invoke(
        app, ["playbook", "herbst", "--date", "2027-01-03", "--format", "json", "--project-dir", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    by_id = {step["id"]: step for step in json.loads(result.stdout)["steps"]}
    # Oktoberfest 2026 holds the shared resources until its rollback on 5 October.
    assert by_id["t14-infrastructure"]["due"] == "2026-10-06"
    assert by_id["t0-war-room-active"]["due"] == "2026-10-07" and by_id["t1-rollback"]["due"] == "2027-01-01"
