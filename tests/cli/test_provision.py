"""`seasonctl provision` against a stand-in Pulumi CLI: the plan's steps as targeted updates, in order.

The stand-in (tests/support/stand_in_pulumi.py) records every call with the stack file's phase at that
moment; a run is judged on a real day pinned inside Christmas's span (from 18 October).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shlex
import shutil
from pathlib import Path
from typing import Any

import pytest
import time_machine
import yaml
from click.testing import Result

from tests.support.cli_runner import invoke
from tests.support.project import frozen_stack, project_copy, stand_in_pulumi_bin

IN_THE_SPAN = "2026-10-20"
STEPS = ["replicas", "nodes-pods", "controls"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = project_copy(tmp_path / "project", policy=True)
    text = frozen_stack("weihnachten").read_text(encoding="utf-8")
    # After last season's rollback the stack file says baseline: provision sets the peak.
    (folder / "Pulumi.weihnachten.yaml").write_text(text.replace("phase: peak", "phase: baseline"), "utf-8")
    return folder


@pytest.fixture
def pulumi_bin(tmp_path: Path) -> Path:
    return stand_in_pulumi_bin(tmp_path / "bin")


def provision(
    project: Path, pulumi_bin: Path, *args: str, fail_at: int | None = None, revert_at: int | None = None,
    real_day: str = IN_THE_SPAN, answer: str | None = None, stack: str = "weihnachten",
    update_seconds: float = 0,
) -> tuple[Result, list[dict[str, Any]]]:  # fmt: skip
    log = project.parent / "pulumi-calls.jsonl"
    log.unlink(missing_ok=True)
    env = {
        "PATH": f"{pulumi_bin}{os.pathsep}{os.environ['PATH']}",
        "STAND_IN_PULUMI_LOG": str(log),
        "STAND_IN_PULUMI_STACKS": "weihnachten,spargel",
        "STAND_IN_PULUMI_FAIL_AT": str(fail_at or ""),
        "STAND_IN_PULUMI_REVERT_AT": str(revert_at or ""),
        "STAND_IN_PULUMI_UPDATE_SECONDS": str(update_seconds),
    }
    with time_machine.travel(dt.datetime.fromisoformat(f"{real_day}T09:00:00+00:00"), tick=False):
        result = invoke("provision", stack, "--project-dir", str(project), *args, env=env, answer=answer)
    calls = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []
    return result, calls


def targets(call: dict[str, Any]) -> list[str]:
    argv = call["argv"]
    return [argv[i + 1].rpartition("::")[2] for i, arg in enumerate(argv) if arg == "--target"]


def ups(calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [call for call in calls if call["argv"][0] == "up"]


def test_the_steps_run_in_order_at_the_peak(project: Path, pulumi_bin: Path) -> None:
    result, calls = provision(project, pulumi_bin, "--yes")
    assert result.exit_code == 0, result.output
    assert [c["argv"][0] for c in calls] == ["stack", "up", "up", "up", "up"]
    replicas, nodes, controls, rest = ups(calls)
    assert targets(replicas) == [
        "freshfoodz-weihnachten-database-replica-1",
        "freshfoodz-weihnachten-database-replica-2",
    ]
    assert targets(nodes)[:2] == ["freshfoodz-weihnachten-nodes-group", "freshfoodz-weihnachten-nodes-scale-back"]
    assert all(t.startswith("freshfoodz-weihnachten-scaling-") for t in targets(nodes)[2:])
    assert "freshfoodz-weihnachten-monitoring-rules" in targets(controls) and targets(rest) == []
    # Every update runs at the peak, with the policy pack, and says who ran it.
    assert all(c["phase"] == "peak" for c in ups(calls))
    assert all("--policy-pack" in c["argv"] and "seasonctl provision" in c["argv"] for c in ups(calls))
    flat = " ".join(result.output.split())
    assert "Measured against the plan" in flat and "is at its peak values" in flat
    # Each update is shown as the whole command that runs (less the output flags seasonctl adds to read its
    # progress): it can be run again by hand as printed, every target in it.
    shown = [shlex.split(line)[1:] for line in result.output.splitlines() if line.strip().startswith("pulumi up ")]
    assert len(shown) == len(ups(calls))
    assert all(call["argv"][: len(words)] == words for call, words in zip(ups(calls), shown, strict=True))
    assert [words.count("--target") for words in shown] == [len(targets(call)) for call in ups(calls)]


def test_a_class_that_grows_gets_its_own_step_after_the_replicas(project: Path, pulumi_bin: Path) -> None:
    path = project / "Pulumi.weihnachten.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["config"]["freshfoodz-seasonal:database"]["baselineCpuUtilization"] = 0.5
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    result, calls = provision(project, pulumi_bin, "--yes")
    assert result.exit_code == 0, result.output
    replicas, db_class, *_ = ups(calls)
    assert all("replica" in t for t in targets(replicas))
    assert targets(db_class) == ["freshfoodz-weihnachten-database-primary"]
    assert "failover 60-120 s" in " ".join(result.output.split())  # the plan shown before the steps


@pytest.mark.parametrize("fail_at", [2, 3, 4, 5])
def test_a_failed_step_says_what_is_done_and_left_and_resumes(project: Path, pulumi_bin: Path, fail_at: int) -> None:
    result, calls = provision(project, pulumi_bin, "--yes", fail_at=fail_at)
    assert result.exit_code == 6, result.output
    flat = " ".join(result.output.split())
    # Call 1 lists the stacks; call n >= 2 is step n (step 1 edits the file, no CLI call).
    assert f"step {fail_at} failed" in flat and "resume with `seasonctl provision weihnachten --yes`" in flat
    assert len(calls) == fail_at and "Measured against the plan" in flat
    # Pulumi's own error line, said once as an error: not `error: error: update failed`.
    assert "error: update failed: 1 resource failed" in result.output and "error: error:" not in result.output
    resumed, again = provision(project, pulumi_bin, "--yes")
    assert resumed.exit_code == 0, resumed.output
    assert len(ups(again)) == 4


def test_one_step_on_its_day(project: Path, pulumi_bin: Path) -> None:
    result, calls = provision(project, pulumi_bin, "--yes", "--step", "nodes-pods")
    assert result.exit_code == 0, result.output
    (only,) = ups(calls)
    assert targets(only)[0] == "freshfoodz-weihnachten-nodes-group"
    unknown, none = provision(project, pulumi_bin, "--yes", "--step", "everything")
    assert unknown.exit_code == 2 and "accepted: replicas, nodes-pods, controls" in " ".join(unknown.output.split())
    assert ups(none) == []


def test_a_step_of_a_late_span_is_shown_on_the_day_it_runs(project: Path, pulumi_bin: Path) -> None:
    # An earlier season on the same cluster holds the shared resources until its rollback on 21 October: the
    # span begins on 22 October, not at T-14 (18 October), and so do its steps, as the playbook dates them.
    document = yaml.safe_load(frozen_stack("weihnachten").read_text(encoding="utf-8"))
    document["config"]["freshfoodz-seasonal:season"].update(name="herbst", window={"start": "10-01", "end": "10-20"})
    document["config"]["freshfoodz-seasonal:warRoom"]["days"] = "window"
    (project / "Pulumi.herbst.yaml").write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    result, calls = provision(project, pulumi_bin, "--yes", "--step", "replicas", real_day="2026-10-22")
    assert result.exit_code == 0, result.output
    assert len(ups(calls)) == 1
    rows = [line for line in result.stdout.splitlines() if "replicas" in line and "T-14" in line]
    assert rows and all("T-14 2026-10-22" in row for row in rows), result.stdout


def test_outside_the_span_nothing_changes(project: Path, pulumi_bin: Path) -> None:
    before = (project / "Pulumi.weihnachten.yaml").read_bytes()
    result, calls = provision(project, pulumi_bin, "--yes", real_day="2026-09-01")
    assert result.exit_code == 2, result.output
    assert "outside its season's span" in " ".join(result.output.split()) and calls == []
    assert (project / "Pulumi.weihnachten.yaml").read_bytes() == before


def test_while_another_season_owns_the_resources_nothing_changes(project: Path, pulumi_bin: Path) -> None:
    shutil.copy2(frozen_stack("spargel"), project / "Pulumi.spargel.yaml")
    result, calls = provision(project, pulumi_bin, "--yes", stack="spargel", real_day="2026-12-10")
    assert result.exit_code == 2 and "belong to weihnachten" in " ".join(result.output.split()) and calls == []


def test_a_stack_file_changed_mid_run_stops_it(project: Path, pulumi_bin: Path) -> None:
    result, calls = provision(project, pulumi_bin, "--yes", revert_at=3)
    assert result.exit_code == 6, result.output
    assert "changed while the command ran" in " ".join(result.output.split()) and len(ups(calls)) == 2


def test_the_prompt_says_what_comes_and_no_stops_it(project: Path, pulumi_bin: Path) -> None:
    result, calls = provision(project, pulumi_bin, answer="n\n")
    assert result.exit_code == 1
    flat = " ".join(result.output.split())
    assert "Provision weihnachten (Weihnachten (Christmas), 2026-11-01 to 2026-12-31); today is 2026-10-20" in flat
    assert "3 of 3 steps" in flat and "aborted; nothing changed" in flat and ups(calls) == []


def test_the_record_is_accepted_as_the_stack_s_own_durations(project: Path, pulumi_bin: Path) -> None:
    # Tiny known figures (a stand-in takes a fraction of a second) so that what it measures can teach.
    path = project / "Pulumi.weihnachten.yaml"
    stack = yaml.safe_load(path.read_text(encoding="utf-8"))
    durations = {kind: {"low": 0, "typical": 0, "high": 0.001} for kind in ("pulumi-run", "rds-replica-create")}
    stack["config"]["freshfoodz-seasonal:provisioning"] = {"durations": durations}
    path.write_text(yaml.safe_dump(stack, sort_keys=False), encoding="utf-8")
    record = project.parent / "measured.json"
    result, _ = provision(project, pulumi_bin, "--yes", "--record", str(record), update_seconds=0.6)
    assert result.exit_code == 0, result.output
    document = json.loads(record.read_text(encoding="utf-8"))
    assert [s["name"] for s in document["steps"]] == STEPS and all(s["finished"] for s in document["steps"])
    took = {s["name"]: s["measured_minutes"] for s in document["steps"]}
    assert all(0.009 <= minutes < 0.2 for minutes in took.values()), took  # 0.6 s is 0.01 min
    learned = document["durations"]
    assert set(learned) == {"rds-replica-create", "pulumi-run"}  # the steps of one kind, and the last update
    assert learned["rds-replica-create"]["typical"] == pytest.approx(took["replicas"], abs=0.01)
    stack["config"]["freshfoodz-seasonal:provisioning"] = {"durations": learned}
    path.write_text(yaml.safe_dump(stack, sort_keys=False), encoding="utf-8")
    assert invoke("validate", str(path)).exit_code == 0


@pytest.mark.parametrize("name", ["Pulumi.weihnachten.yaml", "notes.yml", "missing/measured.json"])
def test_a_record_path_that_could_hurt_is_refused_before_anything_runs(
    project: Path, pulumi_bin: Path, name: str
) -> None:
    before = (project / "Pulumi.weihnachten.yaml").read_bytes()
    result, calls = provision(project, pulumi_bin, "--yes", "--record", str(project / name))
    assert result.exit_code == 2 and "--record" in result.output and ups(calls) == []
    assert (project / "Pulumi.weihnachten.yaml").read_bytes() == before


def test_a_plan_over_two_days_runs_day_by_day(project: Path, pulumi_bin: Path) -> None:
    path = project / "Pulumi.weihnachten.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["config"]["freshfoodz-seasonal:database"]["baselineCpuUtilization"] = 0.5
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    # T-14: only the replicas; the failover is the plan's T-13 step.
    first, calls = provision(project, pulumi_bin, "--yes", "--date", "2026-10-18", real_day="2026-10-18")
    assert first.exit_code == 0, first.output
    assert [targets(c)[0].rpartition("-")[0] for c in ups(calls)] == ["freshfoodz-weihnachten-database-replica"]
    second, calls = provision(project, pulumi_bin, "--yes", "--date", "2026-10-19", real_day="2026-10-19")
    assert second.exit_code == 0, second.output
    assert len(ups(calls)) == 5 and targets(ups(calls)[-1]) == []  # every step again, then the full update
    ahead, _ = provision(
        project, pulumi_bin, "--yes", "--step", "db-class", "--date", "2026-10-18", real_day="2026-10-18"
    )
    assert "step db-class runs ahead of the plan, which dates it on 2026-10-19" in " ".join(ahead.output.split())


def test_a_failover_waits_for_the_quiet_hour(project: Path, pulumi_bin: Path) -> None:
    path = project / "Pulumi.weihnachten.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["config"]["freshfoodz-seasonal:database"]["baselineCpuUtilization"] = 0.5
    document["config"]["freshfoodz-seasonal:season"]["quietHour"] = 3
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    before = path.read_bytes()
    # 09:00 UTC on the failover's day is 11:00 in Berlin: refused, nothing changed.
    refused, calls = provision(project, pulumi_bin, "--yes", real_day="2026-10-19")
    assert refused.exit_code == 2 and "quiet hour is 03:00 Europe/Berlin; it is 11:xx" in " ".join(
        refused.output.split()
    )
    assert ups(calls) == [] and path.read_bytes() == before
    anyway, calls = provision(project, pulumi_bin, "--yes", "--any-hour", "INC-7: capacity now", real_day="2026-10-19")
    assert anyway.exit_code == 0 and "going on because: INC-7: capacity now" in " ".join(anyway.output.split())
    # 01:30 UTC is 03:30 in Berlin (summer time until 25 October): the quiet hour.
    log = project.parent / "pulumi-calls.jsonl"
    log.unlink(missing_ok=True)
    env = {"PATH": f"{pulumi_bin}{os.pathsep}{os.environ['PATH']}", "STAND_IN_PULUMI_LOG": str(log),
           "STAND_IN_PULUMI_STACKS": "weihnachten"}  # fmt: skip
    with time_machine.travel(dt.datetime(2026, 10, 19, 1, 30, tzinfo=dt.UTC), tick=False):
        quiet = invoke("provision", "weihnachten", "--project-dir", str(project), "--yes", env=env)
    assert quiet.exit_code == 0, quiet.output
