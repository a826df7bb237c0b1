"""`seasonctl rollback` against a stand-in `pulumi` on PATH (the real CLI cannot be installed here).

The stand-in (tests/support/stand_in_pulumi.py) records every call with the stack file's phase at that
moment and can fail any call, so the order, the arguments, the config and the resume messages
are checked for the happy path and for a failure at each step.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
import time_machine
import yaml
from click.testing import Result

from freshfoodz_seasonal.adapters.pulumi_cli import PulumiCli, PulumiFailed
from freshfoodz_seasonal.preview.capture import CapturedResource
from freshfoodz_seasonal.preview.urns import engine_urns
from tests.support.cli_runner import invoke
from tests.support.project import frozen_stack, project_copy, stand_in_pulumi_bin

# The day after Christmas 2026's rollback day (2027-01-01).
AFTER_THE_SEASON = "2027-01-02"
PRIMARY_URN = (
    "urn:pulumi:weihnachten::freshfoodz-seasonal::freshfoodz:database:SeasonDatabase$aws:rds/instance:Instance"
    "::freshfoodz-weihnachten-database-primary"
)
HPA_URN = (
    "urn:pulumi:weihnachten::freshfoodz-seasonal::freshfoodz:scaling:AppScaling"
    "$kubernetes:autoscaling/v2:HorizontalPodAutoscalerPatch::freshfoodz-weihnachten-scaling-freshfoodz-api"
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return project_copy(tmp_path / "project", "weihnachten", policy=True)


@pytest.fixture
def pulumi_bin(tmp_path: Path) -> Path:
    return stand_in_pulumi_bin(tmp_path / "bin")


def rollback(
    project: Path, pulumi_bin: Path | None, *args: str, fail_at: int | None = None, stacks: str = "weihnachten",
    answer: str | None = None, revert_at: int | None = None, real_day: str = "2027-01-02",
) -> tuple[Result, list[dict[str, Any]]]:  # fmt: skip
    log = project.parent / "pulumi-calls.jsonl"
    log.unlink(missing_ok=True)
    path = f"{pulumi_bin}{os.pathsep}{os.environ['PATH']}" if pulumi_bin else str(project.parent / "empty")
    env = {
        "PATH": path,
        "STAND_IN_PULUMI_LOG": str(log),
        "STAND_IN_PULUMI_STACKS": stacks,
        "STAND_IN_PULUMI_FAIL_AT": str(fail_at or ""),
        "STAND_IN_PULUMI_REVERT_AT": str(revert_at or ""),
    }
    # After the season unless the test says otherwise, on the real clock too: rollback judges both days.
    dated = args if "--date" in args else (*args, "--date", AFTER_THE_SEASON)
    with time_machine.travel(dt.datetime.fromisoformat(f"{real_day}T11:00:00+00:00"), tick=False):
        result = invoke("rollback", "weihnachten", "--project-dir", str(project), *dated, env=env, answer=answer)
    calls = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []
    return result, calls


FULL = ["stack ls", "up --stack --target", "up --stack --target", "up --stack"]


def commands(calls: list[dict[str, Any]]) -> list[str]:
    return [" ".join(c["argv"][:2]) + (" --target" if "--target" in c["argv"] else "") for c in calls]


def phase_in(project: Path) -> str:
    line = next(x for x in (project / "Pulumi.weihnachten.yaml").read_text().splitlines() if ":phase:" in x)
    return line.split(":")[-1].strip()


def targets_of(call: dict[str, Any]) -> list[str]:
    argv = call["argv"]
    return [argv[i + 1] for i, arg in enumerate(argv) if arg == "--target"]


def test_the_happy_path(project: Path, pulumi_bin: Path) -> None:
    result, calls = rollback(project, pulumi_bin, "--yes")
    assert result.exit_code == 0, result.output
    assert commands(calls) == FULL
    # Every update sees phase: baseline in the stack file. First the platform's Kubernetes objects,
    # then the database, then everything (which removes the season's own resources).
    assert [c["phase"] for c in calls[1:]] == ["baseline"] * 3
    # Four HPAs (two services, two workers) and the priority lane.
    assert HPA_URN in targets_of(calls[1]) and len(targets_of(calls[1])) == 5
    assert any(urn.endswith("-scaling-sample-dispatch-worker") for urn in targets_of(calls[1]))
    assert targets_of(calls[2]) == [PRIMARY_URN]
    assert targets_of(calls[3]) == []
    for call in calls:
        argv = call["argv"]
        assert argv[argv.index("--cwd") + 1] == str(project)
    # The stack as the backend names it.
    assert all(c["argv"][c["argv"].index("--stack") + 1] == "freshfoodz/weihnachten" for c in calls[1:])
    assert all({"--yes", "--non-interactive"} <= set(c["argv"]) for c in calls[1:])
    # Every update runs the project's policy pack.
    assert all(c["argv"][c["argv"].index("--policy-pack") + 1] == str(project / "policy") for c in calls[1:])
    assert "Resources: done" in result.output  # the CLI's own output, passed through
    assert phase_in(project) == "baseline"
    assert "# Christmas season" in (project / "Pulumi.weihnachten.yaml").read_text()  # comments kept
    flat = " ".join(result.output.split())
    assert "weihnachten: phase peak -> baseline" in flat and "is back at its baseline values" in flat


def test_nothing_destructive_ever_reaches_the_database(project: Path, pulumi_bin: Path) -> None:
    _, calls = rollback(project, pulumi_bin, "--yes")
    for call in calls:
        argv = call["argv"]
        assert argv[0] in {"stack", "up"}, argv
        assert not {"destroy", "--target-replace", "--replace", "state", "delete"} & set(argv)


def test_keep_seasonal_stops_after_the_baseline_values(project: Path, pulumi_bin: Path) -> None:
    result, calls = rollback(project, pulumi_bin, "--yes", "--keep-seasonal")
    assert result.exit_code == 0, result.output
    assert commands(calls) == FULL[:3]
    assert "`seasonctl rollback weihnachten --yes` removes them" in " ".join(result.output.split())


@pytest.mark.parametrize(
    ("fail_at", "done", "failed", "left"),
    [
        (
            2,
            "done: set phase: baseline",
            "failed: re-apply the platform's baseline HPAs",
            "left: re-apply the database",
        ),
        (3, "done: re-apply the platform's baseline HPAs", "failed: re-apply the database", "left: remove the season"),
        (4, "done: re-apply the database's baseline class", "failed: remove the season-only", None),
    ],
)
def test_a_failed_step_says_what_is_done_and_left(
    project: Path, pulumi_bin: Path, fail_at: int, done: str, failed: str, left: str | None
) -> None:
    result, calls = rollback(project, pulumi_bin, "--yes", fail_at=fail_at)
    assert result.exit_code == 6, result.output
    flat = " ".join(result.output.split())
    # Call 1 lists the stacks; call n >= 2 is step n (step 1 edits the file, no CLI call).
    assert f"step {fail_at} failed" in flat and "stand-in failure" in flat
    assert done in flat and failed in flat and (left is None or left in flat)
    assert (
        "resume with `seasonctl rollback weihnachten --yes`" in flat
        and "pulumi cancel --stack freshfoodz/weihnachten" in flat
    )
    assert len(calls) == fail_at
    # Resuming runs the remaining steps; the phase is already set, so the file is not rewritten.
    before = (project / "Pulumi.weihnachten.yaml").stat().st_mtime_ns
    resumed, again = rollback(project, pulumi_bin, "--yes")
    assert resumed.exit_code == 0, resumed.output
    assert commands(again) == FULL
    assert (project / "Pulumi.weihnachten.yaml").stat().st_mtime_ns == before


def test_a_missing_cli_changes_nothing(project: Path) -> None:
    before = (project / "Pulumi.weihnachten.yaml").read_bytes()
    result, calls = rollback(project, None, "--yes")
    assert result.exit_code == 6
    assert "the Pulumi CLI is not on PATH" in result.output and "nothing changed" in result.output
    assert calls == [] and (project / "Pulumi.weihnachten.yaml").read_bytes() == before


def test_a_stack_the_backend_does_not_have(project: Path, pulumi_bin: Path) -> None:
    before = (project / "Pulumi.weihnachten.yaml").read_bytes()
    result, calls = rollback(project, pulumi_bin, "--yes", stacks="spargel,oktoberfest")
    assert result.exit_code == 6
    flat = " ".join(result.output.split())
    assert "the stack 'weihnachten' does not exist in the backend" in flat and "freshfoodz/spargel" in flat
    assert commands(calls) == ["stack ls"] and (project / "Pulumi.weihnachten.yaml").read_bytes() == before


def test_the_prompt(project: Path, pulumi_bin: Path) -> None:
    before = (project / "Pulumi.weihnachten.yaml").read_bytes()
    declined, calls = rollback(project, pulumi_bin, answer="n\n")
    assert declined.exit_code == 1 and "aborted; nothing changed" in declined.output
    assert commands(calls) == ["stack ls"] and (project / "Pulumi.weihnachten.yaml").read_bytes() == before
    accepted, calls = rollback(project, pulumi_bin, answer="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert commands(calls) == FULL


def test_a_cli_that_cannot_list_stacks_changes_nothing(project: Path, pulumi_bin: Path) -> None:
    before = (project / "Pulumi.weihnachten.yaml").read_bytes()
    result, calls = rollback(project, pulumi_bin, "--yes", fail_at=1)  # e.g. not logged in
    assert result.exit_code == 6
    flat = " ".join(result.output.split())
    assert "`pulumi stack ls --json` failed (exit 255)" in flat and "nothing changed" in flat
    assert commands(calls) == ["stack ls"] and (project / "Pulumi.weihnachten.yaml").read_bytes() == before


def test_a_stack_file_pulumi_would_not_read_is_refused(project: Path, pulumi_bin: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy2(project / "Pulumi.weihnachten.yaml", elsewhere / "Pulumi.weihnachten.yaml")
    log = tmp_path / "calls.jsonl"
    env = {"PATH": f"{pulumi_bin}{os.pathsep}{os.environ['PATH']}", "STAND_IN_PULUMI_LOG": str(log)}
    stack_file = str(elsewhere / "Pulumi.weihnachten.yaml")
    result = invoke("rollback", stack_file, "--project-dir", str(project), "--yes", env=env)
    assert result.exit_code == 2
    assert "rollback edits the stack file Pulumi reads" in " ".join(result.output.split())
    assert not log.exists() and phase_in(elsewhere) == "peak"


def test_an_ambiguous_stack_name_changes_nothing(project: Path, pulumi_bin: Path) -> None:
    result, calls = rollback(project, pulumi_bin, "--yes", stacks="weihnachten,weihnachten")
    assert result.exit_code == 6
    assert "several stacks are named 'weihnachten'" in " ".join(result.output.split())
    assert commands(calls) == ["stack ls"] and phase_in(project) == "peak"


def test_an_update_out_of_time_is_cancelled_gracefully(
    tmp_path: Path, pulumi_bin: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "calls.jsonl"
    monkeypatch.setenv("PATH", f"{pulumi_bin}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("STAND_IN_PULUMI_LOG", str(log))
    monkeypatch.setenv("STAND_IN_PULUMI_HANG", "1")
    shown: list[str] = []
    started = time.monotonic()
    with pytest.raises(PulumiFailed, match="did not finish within 1 s; Pulumi was asked to cancel it"):
        PulumiCli.find(tmp_path).stream("up", "--stack", "weihnachten", "--yes", show=shown.append, timeout_s=1)
    assert time.monotonic() - started < 30
    assert shown == ["Updating (weihnachten)"]  # passed through while it ran
    assert [json.loads(line)["argv"][0] for line in log.read_text().splitlines()] == ["up", "cancelling", "cancelled"]


def captured(kind: str, name: str, parent: str, custom: bool = True) -> CapturedResource:
    return CapturedResource(kind, name, parent, custom, {}, False, False, "", ())


def test_engine_urns_keep_every_ancestor_type_and_drop_the_stack() -> None:
    # The mock monitor's parent URNs name only the parent's own type (after the stack's).
    stack_urn = "urn:pulumi:s::p::pulumi:pulumi:Stack::p-s"
    outer = captured("my:a:Outer", "outer", stack_urn, custom=False)
    inner = captured("my:b:Inner", "inner", "urn:pulumi:s::p::pulumi:pulumi:Stack$my:a:Outer::outer", custom=False)
    leaf = captured("aws:x/y:Z", "leaf", "urn:pulumi:s::p::my:b:Inner::inner")
    urns = engine_urns([leaf, outer, inner], "s", "p")
    assert urns == {
        0: "urn:pulumi:s::p::my:a:Outer$my:b:Inner$aws:x/y:Z::leaf",
        1: "urn:pulumi:s::p::my:a:Outer::outer",
        2: "urn:pulumi:s::p::my:a:Outer$my:b:Inner::inner",
    }
    with pytest.raises(ValueError, match="was not captured"):
        engine_urns([leaf], "s", "p")


# --- one season at a time ------------------------------------------------------------------------


def test_a_rollback_mid_season_is_refused_without_a_reason(project: Path, pulumi_bin: Path) -> None:
    before = (project / "Pulumi.weihnachten.yaml").read_bytes()
    result, calls = rollback(project, pulumi_bin, "--yes", "--date", "2026-12-10", real_day="2026-12-10")
    assert result.exit_code == 2, result.output
    flat = " ".join(result.output.split())
    assert "runs from 2026-11-01 to 2026-12-31; on 2026-12-10 a rollback takes its capacity away" in flat
    assert "give --early with a reason" in flat and "nothing changed" in flat
    assert calls == [] and (project / "Pulumi.weihnachten.yaml").read_bytes() == before


def test_an_early_rollback_says_why_and_runs(project: Path, pulumi_bin: Path) -> None:
    result, calls = rollback(
        project, pulumi_bin, "--yes", "--date", "2026-12-10", "--early", "sale cancelled", real_day="2026-12-10"
    )
    assert result.exit_code == 0, result.output
    assert "because: sale cancelled" in " ".join(result.output.split())
    assert commands(calls) == FULL
    # The reason goes into the stack's update history too.
    ups = [c["argv"] for c in calls if c["argv"][0] == "up"]
    assert all(argv[argv.index("--message") + 1] == "seasonctl rollback (early: sale cancelled)" for argv in ups)


def test_the_prompt_states_the_season_today_and_what_goes(project: Path, pulumi_bin: Path) -> None:
    result, calls = rollback(project, pulumi_bin, answer="n\n")
    assert result.exit_code == 1
    flat = " ".join(result.output.split())
    assert "Weihnachten (Christmas) ran from 2026-11-01 to 2026-12-31; today is 2027-01-02" in flat
    assert "of the season's own resources are removed" in flat and "aborted; nothing changed" in flat
    assert commands(calls) == ["stack ls"]


def test_a_rollback_while_another_season_owns_the_resources_is_refused(project: Path, pulumi_bin: Path) -> None:
    shutil.copy2(frozen_stack("spargel"), project / "Pulumi.spargel.yaml")
    log = project.parent / "pulumi-calls.jsonl"
    env = {"PATH": f"{pulumi_bin}{os.pathsep}{os.environ['PATH']}", "STAND_IN_PULUMI_LOG": str(log)}
    before = (project / "Pulumi.spargel.yaml").read_bytes()
    with time_machine.travel(dt.datetime(2026, 12, 10, 11, tzinfo=dt.UTC), tick=False):
        result = invoke("rollback", "spargel", "--project-dir", str(project), "--yes", env=env)
    assert result.exit_code == 2, result.output
    flat = " ".join(result.output.split())
    assert "belong to weihnachten (stack weihnachten) from 2026-10-18 until its rollback on 2027-01-01" in flat
    assert "nothing changed" in flat and not log.exists()
    assert (project / "Pulumi.spargel.yaml").read_bytes() == before


def test_a_stack_file_changed_mid_rollback_stops_it(project: Path, pulumi_bin: Path) -> None:
    # Call 3 is the database's targeted update: the file goes back to peak while it runs.
    result, calls = rollback(project, pulumi_bin, "--yes", revert_at=3)
    assert result.exit_code == 6, result.output
    flat = " ".join(result.output.split())
    assert "changed while the command ran" in flat
    assert "done: re-apply the database's baseline class" in flat and "left: check Pulumi.weihnachten.yaml" in flat
    assert "back at its baseline values" not in flat
    assert commands(calls) == FULL[:3]


def test_a_date_after_the_season_does_not_lift_todays_refusal(project: Path, pulumi_bin: Path) -> None:
    # On a real day mid-season, --date cannot make a real rollback run: both days are judged.
    result, calls = rollback(project, pulumi_bin, "--yes", "--date", AFTER_THE_SEASON, real_day="2026-12-10")
    assert result.exit_code == 2, result.output
    assert "on 2026-12-10 a rollback takes its capacity away" in " ".join(result.output.split())
    assert calls == []


def test_an_empty_reason_is_no_reason(project: Path, pulumi_bin: Path) -> None:
    result, calls = rollback(
        project, pulumi_bin, "--yes", "--early", " ", "--date", "2026-12-10", real_day="2026-12-10"
    )
    assert result.exit_code == 2 and calls == []


def test_between_provisioning_and_the_first_day_the_season_counts_as_running(project: Path, pulumi_bin: Path) -> None:
    result, calls = rollback(project, pulumi_bin, "--yes", "--date", "2026-10-20", real_day="2026-10-20")
    assert result.exit_code == 2, result.output
    assert "is provisioned from 2026-10-18" in " ".join(result.output.split()) and calls == []


def test_a_failed_early_rollback_resumes_with_its_reason(project: Path, pulumi_bin: Path) -> None:
    result, _ = rollback(
        project, pulumi_bin, "--yes", "--date", "2026-12-10", "--early", "sale cancelled", real_day="2026-12-10",
        fail_at=3,
    )  # fmt: skip
    assert result.exit_code == 6, result.output
    resume = "seasonctl rollback weihnachten --yes --early 'sale cancelled'"
    assert f"resume with `{resume}`" in " ".join(result.output.split())


def test_a_stack_file_changed_during_the_last_update_is_reported(project: Path, pulumi_bin: Path) -> None:
    # Call 4 is the full update that removes the season's resources: the final check must catch it.
    result, calls = rollback(project, pulumi_bin, "--yes", revert_at=4)
    assert result.exit_code == 6, result.output
    flat = " ".join(result.output.split())
    assert "changed while the command ran" in flat and "back at its baseline values" not in flat
    assert commands(calls) == FULL


def missed_oktoberfest(project: Path, pulumi_bin: Path, **env: str) -> tuple[Result, list[dict[str, Any]]]:
    """`seasonctl rollback oktoberfest --yes` on 2026-10-20: its rollback day (5 October) was missed and
    Christmas's span began on 18 October."""
    shutil.copy2(frozen_stack("oktoberfest"), project / "Pulumi.oktoberfest.yaml")
    log = project.parent / "pulumi-calls.jsonl"
    log.unlink(missing_ok=True)
    environment = {
        "PATH": f"{pulumi_bin}{os.pathsep}{os.environ['PATH']}",
        "STAND_IN_PULUMI_LOG": str(log),
        "STAND_IN_PULUMI_STACKS": "oktoberfest",
        **env,
    }
    with time_machine.travel(dt.datetime(2026, 10, 20, 11, tzinfo=dt.UTC), tick=False):
        result = invoke("rollback", "oktoberfest", "--project-dir", str(project), "--yes", env=environment)
    calls = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []
    return result, calls


def test_a_missed_rollback_runs_in_the_next_span_only_with_the_override(project: Path, pulumi_bin: Path) -> None:
    refused, none = missed_oktoberfest(project, pulumi_bin)
    flat = " ".join(refused.output.split())
    assert refused.exit_code == 2 and "belong to weihnachten" in flat and "SEASONCTL_OWNERSHIP_OVERRIDE" in flat
    assert none == []
    reason = "INC-4711: oktoberfest rollback missed"
    overridden, calls = missed_oktoberfest(project, pulumi_bin, SEASONCTL_OWNERSHIP_OVERRIDE=reason)
    assert overridden.exit_code == 0, overridden.output
    assert f"updating anyway because SEASONCTL_OWNERSHIP_OVERRIDE says: {reason}" in " ".join(overridden.output.split())
    assert commands(calls) == FULL


def test_a_stopped_run_under_the_override_resumes_under_it(project: Path, pulumi_bin: Path) -> None:
    result, _ = missed_oktoberfest(
        project, pulumi_bin, STAND_IN_PULUMI_FAIL_AT="3", SEASONCTL_OWNERSHIP_OVERRIDE="INC-4711: missed"
    )
    assert result.exit_code == 6, result.output
    resume = "SEASONCTL_OWNERSHIP_OVERRIDE='INC-4711: missed' seasonctl rollback oktoberfest --yes"
    assert f"resume with `{resume}`" in " ".join(result.output.split())


def test_pulumi_s_words_keep_their_lines_and_lose_their_colours(project: Path, pulumi_bin: Path) -> None:
    result, calls = rollback(project, pulumi_bin, "--yes", fail_at=1)
    assert result.exit_code == 6, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert len(errors) >= 3 and "\\n" not in result.output  # several lines, none flattened
    assert all(call["argv"][-2:] == ["--color", "never"] for call in calls)


def test_a_class_change_back_waits_for_the_quiet_hour(project: Path, pulumi_bin: Path) -> None:
    path = project / "Pulumi.weihnachten.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["config"]["freshfoodz-seasonal:database"]["baselineCpuUtilization"] = 0.5  # the peak's class is larger
    document["config"]["freshfoodz-seasonal:season"]["quietHour"] = 3
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    before = path.read_bytes()
    refused, calls = rollback(project, pulumi_bin, "--yes")  # 11:00 UTC is 12:00 in Berlin in January
    assert refused.exit_code == 2 and "db-class disrupts" in " ".join(refused.output.split())
    assert commands(calls) == ["stack ls"] and path.read_bytes() == before
    anyway, calls = rollback(project, pulumi_bin, "--yes", "--any-hour", "INC-9")
    assert anyway.exit_code == 0 and commands(calls) == FULL
