"""The schedule workflow: what `seasonctl due` lists runs after an approval; its shell steps run for real.

The steps that select and run the due actions are taken from the workflow file and run with bash in a
scratch folder, with a stand-in `seasonctl` that prints a canned `due` answer or records its arguments.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.project import ROOT

SCHEDULE = ROOT / ".github" / "workflows" / "season-schedule.yml"


def workflow() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(SCHEDULE.read_text(encoding="utf-8"))
    return document


def step(job: str, name: str) -> dict[str, Any]:
    steps: list[dict[str, Any]] = workflow()["jobs"][job]["steps"]
    return next(s for s in steps if s.get("name") == name)


def due_answer(*items: dict[str, Any]) -> str:
    return json.dumps({"date": "2026-10-18", "due": list(items)})


def item(stack: str, action: str, steps: list[str] = []) -> dict[str, Any]:  # noqa: B006 - never mutated
    arguments = [action, stack, "--yes", *(a for s in steps for a in ("--step", s))]
    return {"stack": stack, "action": action, "steps": steps, "arguments": arguments, "command": " ".join(arguments)}


def select(tmp_path: Path, answer: str, day: str = "") -> tuple[subprocess.CompletedProcess[str], dict[str, str], str]:
    seasonctl = tmp_path / ".venv" / "bin" / "seasonctl"
    seasonctl.parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / "answer.json").write_text(answer, encoding="utf-8")
    seasonctl.write_text(f'#!/bin/sh\necho "$@" > "{tmp_path}/asked"\ncat "{tmp_path}/answer.json"\n', encoding="utf-8")
    seasonctl.chmod(0o755)
    output, summary = tmp_path / "output", tmp_path / "summary"
    environment = {**os.environ, "DAY": day, "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary)}
    done = subprocess.run(
        ["bash", "-c", step("due", "select what is due")["run"]],
        cwd=tmp_path, env=environment, capture_output=True, text=True, check=False,
    )  # fmt: skip
    outputs = (
        dict(line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines()) if output.exists() else {}
    )
    return done, outputs, summary.read_text(encoding="utf-8") if summary.exists() else ""


def test_the_due_actions_become_the_matrix_rollbacks_first(tmp_path: Path) -> None:
    answer = due_answer(item("weihnachten", "provision", ["replicas"]), item("oktoberfest", "rollback"))
    done, outputs, summary = select(tmp_path, answer, day="2026-10-18")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "asked").read_text(encoding="utf-8").split() == [
        "due",
        "--date",
        "2026-10-18",
        "--format",
        "json",
    ]
    assert json.loads(outputs["matrix"]) == [
        {"stack": "oktoberfest", "action": "rollback", "steps": ""},
        {"stack": "weihnachten", "action": "provision", "steps": "replicas"},
    ]
    assert outputs["any"] == "true" and "- provision weihnachten --yes --step replicas" in summary


def test_nothing_due_runs_nothing(tmp_path: Path) -> None:
    done, outputs, summary = select(tmp_path, due_answer())
    assert done.returncode == 0, done.stderr
    assert outputs == {"matrix": "[]", "any": "false"} and "nothing" in summary


def test_names_seasonctl_could_not_have_written_are_dropped(tmp_path: Path) -> None:
    hostile = [
        item("$(touch pwned)", "provision"),
        item("weihnachten", "destroy"),
        item("spargel", "provision", ["a;b"]),
    ]
    done, outputs, _ = select(tmp_path, due_answer(*hostile, item("spargel", "provision")))
    assert done.returncode == 0, done.stderr
    assert json.loads(outputs["matrix"]) == [{"stack": "spargel", "action": "provision", "steps": ""}]
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("day", ["2026-13", "2026-10-18; touch pwned", "$(touch pwned)"])
def test_a_bad_date_is_refused_before_anything_runs(tmp_path: Path, day: str) -> None:
    done, _, _ = select(tmp_path, due_answer(), day=day)
    assert done.returncode == 2 and not (tmp_path / "asked").exists() and not (tmp_path / "pwned").exists()


def test_the_run_step_passes_each_step_as_its_own_argument(tmp_path: Path) -> None:
    recorder = tmp_path / "bin" / "seasonctl"
    recorder.parent.mkdir()
    recorder.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{tmp_path}/argv"\necho done\n', encoding="utf-8")
    recorder.chmod(0o755)
    environment = {
        **os.environ,
        "PATH": f"{recorder.parent}{os.pathsep}{os.environ['PATH']}",
        "ACTION": "provision", "STACK": "weihnachten", "STEPS": "replicas db-class",
        "RUNNER_TEMP": str(tmp_path), "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
    }  # fmt: skip
    done = subprocess.run(
        ["bash", "-c", step("run", "run it")["run"]], cwd=tmp_path, env=environment, capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "argv").read_text(encoding="utf-8").splitlines() == [
        "provision", "weihnachten", "--yes", "--step", "replicas", "--step", "db-class",
        "--record", f"{tmp_path}/measured.json",
    ]  # fmt: skip
    assert "exit 0" in (tmp_path / "summary").read_text(encoding="utf-8")


def test_the_run_waits_for_an_approval_and_holds_the_credentials_only_there() -> None:
    jobs = workflow()["jobs"]
    assert jobs["run"]["environment"] == "season-operations" and jobs["run"]["strategy"]["max-parallel"] == 1
    assert "environment" not in jobs["due"] and workflow()["permissions"] == {"contents": "read"}
    token_steps = [
        s.get("name") for job in jobs.values() for s in job["steps"] if "PULUMI_ACCESS_TOKEN" in s.get("env", {})
    ]
    assert token_steps == ["run it"]
    # Never at the top of the hour, when GitHub delays scheduled runs the most.
    (schedule,) = workflow()[True]["schedule"]
    minute = schedule["cron"].split()[0]
    assert re.fullmatch(r"\d+", minute) and minute != "0"


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True)
    return done.stdout.strip()


def clone_pair(tmp_path: Path) -> tuple[Path, Path]:
    """A bare `origin` with one commit holding a stack file, and a clone of it as the runner has."""
    origin, seed, runner = tmp_path / "origin.git", tmp_path / "seed", tmp_path / "runner"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    git(tmp_path, "clone", "-q", str(origin), str(seed))
    (seed / "Pulumi.weihnachten.yaml").write_text("config:\n  freshfoodz-seasonal:phase: baseline\n", "utf-8")
    (seed / "README.md").write_text("x\n", encoding="utf-8")
    git(seed, "add", "-A")
    git(seed, "-c", "user.name=ops", "-c", "user.email=ops@example.org", "commit", "-q", "-m", "seed")
    git(seed, "push", "-q", "origin", "main")
    git(tmp_path, "clone", "-q", str(origin), str(runner))
    return seed, runner


def commit_step(runner: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ, "STACK": "weihnachten", "ACTION": "provision", "BRANCH": "main",
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
    }  # fmt: skip
    return subprocess.run(
        ["bash", "-c", step("run", "commit the stack file's phase")["run"]],
        cwd=runner, env=environment, capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_the_new_phase_is_pushed_even_when_others_pushed_meanwhile(tmp_path: Path) -> None:
    seed, runner = clone_pair(tmp_path)
    (runner / "Pulumi.weihnachten.yaml").write_text("config:\n  freshfoodz-seasonal:phase: peak\n", "utf-8")
    # Meanwhile someone else pushes to main: the runner's push is rejected first, then rebased and pushed.
    (seed / "README.md").write_text("y\n", encoding="utf-8")
    git(seed, "-c", "user.name=ops", "-c", "user.email=ops@example.org", "commit", "-q", "-am", "other")
    git(seed, "push", "-q", "origin", "main")
    done = commit_step(runner, tmp_path)
    assert done.returncode == 0, done.stderr
    git(seed, "pull", "-q", "origin", "main")
    assert "phase: peak" in (seed / "Pulumi.weihnachten.yaml").read_text(encoding="utf-8")
    assert (seed / "README.md").read_text(encoding="utf-8") == "y\n"


def test_nothing_to_commit_pushes_nothing(tmp_path: Path) -> None:
    _, runner = clone_pair(tmp_path)
    before = git(runner, "rev-parse", "HEAD")
    done = commit_step(runner, tmp_path)
    assert done.returncode == 0 and git(runner, "rev-parse", "HEAD") == before


def test_a_conflict_with_what_others_pushed_is_said_not_hidden(tmp_path: Path) -> None:
    seed, runner = clone_pair(tmp_path)
    (runner / "Pulumi.weihnachten.yaml").write_text("config:\n  freshfoodz-seasonal:phase: peak\n", "utf-8")
    (seed / "Pulumi.weihnachten.yaml").write_text("config:\n  freshfoodz-seasonal:phase: other\n", "utf-8")
    git(seed, "-c", "user.name=ops", "-c", "user.email=ops@example.org", "commit", "-q", "-am", "other")
    git(seed, "push", "-q", "origin", "main")
    done = commit_step(runner, tmp_path)
    assert done.returncode == 1
    assert "NOT committed" in (tmp_path / "summary").read_text(encoding="utf-8") and "::error::" in done.stdout
