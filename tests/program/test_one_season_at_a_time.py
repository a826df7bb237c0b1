"""The program refuses an update while another season owns the shared resources; a preview only warns.

Each test runs a copy of the program in a project folder of its own with the three seasons' stack
files, so the calendar it judges is the test's, whatever stacks the repository holds.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml

from freshfoodz_seasonal.naming import CONFIG_NAMESPACE
from freshfoodz_seasonal.preview.capture import Capture, run_program, stack_config
from freshfoodz_seasonal.seasons.ownership import OVERRIDE_VARIABLE
from tests.support.project import ROOT

SEASONS = ("spargel", "oktoberfest", "weihnachten")
MID_CHRISTMAS = dt.datetime(2026, 12, 10, 11, tzinfo=dt.UTC)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name in ("Pulumi.yaml", "__main__.py", *(f"Pulumi.{season}.yaml" for season in SEASONS)):
        shutil.copy2(ROOT / name, tmp_path / name)
    return tmp_path


def config_of(project: Path, stack: str) -> dict[str, Any]:
    return stack_config(yaml.safe_load((project / f"Pulumi.{stack}.yaml").read_text(encoding="utf-8"))["config"])


def update(project: Path, stack: str, *, preview: bool = False, now: dt.datetime = MID_CHRISTMAS) -> Capture:
    capture = Capture()
    run_program(
        project / "__main__.py", CONFIG_NAMESPACE, stack, config_of(project, stack), capture, preview=preview, now=now
    )
    return capture


@pytest.mark.parametrize("stack", ["spargel", "oktoberfest"])
def test_an_update_during_christmas_is_refused_and_registers_nothing(project: Path, stack: str) -> None:
    capture = Capture()
    with pytest.raises(pulumi.RunError, match="belong to weihnachten") as refused:
        run_program(
            project / "__main__.py", CONFIG_NAMESPACE, stack, config_of(project, stack), capture,
            preview=False, now=MID_CHRISTMAS,
        )  # fmt: skip
    assert "until its rollback on 2027-01-01" in str(refused.value) and OVERRIDE_VARIABLE in str(refused.value)
    assert capture.resources == []


def test_the_owning_season_updates(project: Path) -> None:
    capture = update(project, "weihnachten")
    assert capture.resources and not any("belong to" in warning for warning in capture.warnings)


def test_a_preview_warns_with_the_same_words(project: Path) -> None:
    capture = update(project, "spargel", preview=True)
    assert capture.resources
    (warning,) = [w for w in capture.warnings if "belong to weihnachten" in w]
    assert "until its rollback on 2027-01-01" in warning and "would be refused" in warning


def test_a_baseline_run_outside_every_span_is_allowed(project: Path) -> None:
    text = (project / "Pulumi.spargel.yaml").read_text(encoding="utf-8")
    (project / "Pulumi.spargel.yaml").write_text(
        text.replace(f"{CONFIG_NAMESPACE}:phase: peak", f"{CONFIG_NAMESPACE}:phase: baseline"), encoding="utf-8"
    )
    capture = update(project, "spargel", now=dt.datetime(2027, 2, 1, 11, tzinfo=dt.UTC))
    assert capture.resources


def test_an_override_with_a_reason_goes_on_and_says_so(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(OVERRIDE_VARIABLE, "INC-4711: Christmas stack lost, spargel holds the values")
    capture = update(project, "spargel")
    assert capture.resources
    assert any("updating anyway" in w and "INC-4711" in w for w in capture.warnings)
