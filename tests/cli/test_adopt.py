"""`seasonctl adopt` against the stand-in Pulumi CLI: a first update in phase baseline, checked first."""

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

from freshfoodz_seasonal.cli.adopt_command import import_problem
from tests.support.cli_runner import invoke
from tests.support.project import frozen_stack, project_copy, stand_in_pulumi_bin

PRIMARY_URN = (
    "urn:pulumi:weihnachten::freshfoodz-seasonal::freshfoodz:database:SeasonDatabase$aws:rds/instance:Instance"
    "::freshfoodz-weihnachten-database-primary"
)
# After Christmas 2026's rollback day, before anyone else's span.
QUIET_DAY = "2027-01-10"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = project_copy(tmp_path / "project", "weihnachten")
    stand_in_pulumi_bin(tmp_path / "bin")
    return folder


def adopt(project: Path, *args: str, real_day: str = QUIET_DAY, **stand_in: str) -> tuple[Result, list[dict[str, Any]]]:
    log = project.parent / "calls.jsonl"
    env = {
        "PATH": f"{project.parent / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "STAND_IN_PULUMI_LOG": str(log),
        "STAND_IN_PULUMI_STACKS": "weihnachten",
        **{f"STAND_IN_PULUMI_{key.upper()}": value for key, value in stand_in.items()},
    }
    # The real clock too: adopt judges the real day as well as --date.
    with time_machine.travel(dt.datetime.fromisoformat(f"{real_day}T11:00:00+00:00"), tick=False):
        result = invoke(
            "adopt", "weihnachten", "--project-dir", str(project), "--yes", "--date", QUIET_DAY, *args, env=env
        )
    calls = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []
    return result, calls


def phase_in(project: Path) -> str:
    return str(yaml.safe_load((project / "Pulumi.weihnachten.yaml").read_text())["config"]["freshfoodz-seasonal:phase"])


def preview_of(**step: Any) -> str:
    return json.dumps({"steps": [{"urn": PRIMARY_URN, **step}]})


def test_a_clean_import_is_updated_in_phase_baseline_and_the_phase_comes_back(project: Path) -> None:
    result, calls = adopt(project, preview=preview_of(op="import"))
    assert result.exit_code == 0, result.output
    assert [(c["argv"][0], c["phase"]) for c in calls] == [("stack", None), ("preview", "baseline"), ("up", "baseline")]
    assert phase_in(project) == "peak"
    assert "has adopted freshfoodz-primary" in " ".join(result.output.split())
    # The update is shown as the command that runs (less seasonctl's output flags), its message too.
    (shown,) = [shlex.split(line)[1:] for line in result.output.splitlines() if line.strip().startswith("pulumi up ")]
    assert calls[-1]["argv"][: len(shown)] == shown and "--message" in shown


def test_an_already_adopted_primary_is_fine(project: Path) -> None:
    result, _ = adopt(project, preview=preview_of(op="same"))
    assert result.exit_code == 0, result.output
    assert phase_in(project) == "peak"


@pytest.mark.parametrize(
    "stand_in",
    [
        {"preview": preview_of(op="import", diffReasons=["instanceClass"])},
        {"preview": preview_of(op="update")},
        {"import_mismatch": "1"},
    ],
)
def test_a_mismatch_is_explained_and_changes_nothing(project: Path, stand_in: dict[str, str]) -> None:
    before = (project / "Pulumi.weihnachten.yaml").read_bytes()
    result, calls = adopt(project, **stand_in)
    assert result.exit_code == 6, result.output
    flat = " ".join(result.output.split())
    assert "does not declare the primary freshfoodz-primary as it runs" in flat
    assert "describe-db-instances" in flat and "back at phase: peak" in flat
    assert "up" not in [c["argv"][0] for c in calls]
    assert (project / "Pulumi.weihnachten.yaml").read_bytes() == before


def test_adoption_waits_while_another_season_owns_the_resources(project: Path) -> None:
    shutil.copy2(frozen_stack("oktoberfest"), project / "Pulumi.oktoberfest.yaml")
    result, calls = adopt(project, "--date", "2027-09-10", real_day="2027-09-10", preview=preview_of(op="import"))
    assert result.exit_code == 2, result.output
    assert "belong to oktoberfest" in " ".join(result.output.split()) and calls == []


def test_import_problem_reads_the_preview() -> None:
    assert import_problem(preview_of(op="import"), PRIMARY_URN, "db") is None
    assert "no step for the primary" in (import_problem('{"steps": []}', PRIMARY_URN, "db") or "")
    assert "unexpected" in (import_problem("not json", PRIMARY_URN, "db") or "")
    detailed = import_problem(preview_of(op="import", detailedDiff={"instanceClass": {}}), PRIMARY_URN, "db")
    assert detailed is not None and "differing in instanceClass" in detailed


def test_a_stack_in_use_is_not_adopted(project: Path) -> None:
    preview = json.dumps(
        {
            "steps": [
                {"urn": PRIMARY_URN, "op": "same"},
                {"urn": "urn:pulumi:weihnachten::p::aws:eks/nodeGroup:NodeGroup::freshfoodz-weihnachten-nodes-group",
                 "op": "delete"},
            ]
        }
    )  # fmt: skip
    result, calls = adopt(project, preview=preview)
    assert result.exit_code == 6, result.output
    flat = " ".join(result.output.split())
    assert "already in use" in flat and "delete freshfoodz-weihnachten-nodes-group" in flat
    assert "up" not in [c["argv"][0] for c in calls] and phase_in(project) == "peak"


@pytest.mark.parametrize(("date", "real_day"), [("2026-12-10", QUIET_DAY), (QUIET_DAY, "2026-12-10")])
def test_adoption_is_refused_while_the_season_runs(project: Path, date: str, real_day: str) -> None:
    result, calls = adopt(project, "--date", date, real_day=real_day, preview=preview_of(op="import"))
    assert result.exit_code == 2, result.output
    assert "runs from 2026-11-01 to 2026-12-31" in " ".join(result.output.split()) and calls == []


def test_the_preview_asks_for_unchanged_resources_too(project: Path) -> None:
    _, calls = adopt(project, preview=preview_of(op="same"))
    (preview,) = [c["argv"] for c in calls if c["argv"][0] == "preview"]
    assert "--show-sames" in preview and "--json" in preview


def test_advice_follows_the_differing_input() -> None:
    advice = import_problem(preview_of(op="import", diffReasons=["deletionProtection"]), PRIMARY_URN, "db") or ""
    assert "DeletionProtection" in advice and "DBInstanceClass" not in advice


def test_leftover_owner_tags_are_named_as_such() -> None:
    advice = import_problem(
        preview_of(op="import", detailedDiff={"tags.freshfoodz.de/owner-stack": {}}), PRIMARY_URN, "db"
    )
    assert advice is not None and "owner-* tags a season left: roll that season back first" in advice
    assert "TagList" in advice and "DBInstanceClass" not in advice


def test_an_input_adopt_cannot_correct_is_not_blamed_on_the_class() -> None:
    advice = import_problem(preview_of(op="import", diffReasons=["applyImmediately"]), PRIMARY_URN, "db") or ""
    assert "Pulumi would change applyImmediately, which adopt cannot correct" in advice
    assert "DBInstanceClass" not in advice
