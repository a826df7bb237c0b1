"""One huge line of Pulumi output (a resource's whole state) is shown cut, never rendered whole."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from freshfoodz_seasonal.adapters.pulumi_cli import MAX_LINE_CHARS, PulumiCli
from tests.support.project import stand_in_pulumi_bin


def test_a_huge_line_is_cut_and_counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = stand_in_pulumi_bin(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("STAND_IN_PULUMI_LOG", str(tmp_path / "calls.jsonl"))
    monkeypatch.setenv("STAND_IN_PULUMI_HUGE_LINE", str(8 * 1024 * 1024))
    shown: list[str] = []
    PulumiCli.find(tmp_path).stream("up", "--stack", "s", "--yes", show=shown.append)
    huge = next(line for line in shown if line.startswith("{x"))
    assert len(huge) < MAX_LINE_CHARS + 60
    assert huge.endswith(f"[... {8 * 1024 * 1024 + 2 - MAX_LINE_CHARS} more characters]")
    assert shown[-1] == "Resources: done"


def test_output_that_is_not_utf8_is_shown_replaced_not_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = stand_in_pulumi_bin(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("STAND_IN_PULUMI_LOG", str(tmp_path / "calls.jsonl"))
    monkeypatch.setenv("STAND_IN_PULUMI_NOT_UTF8", "1")
    monkeypatch.setenv("STAND_IN_PULUMI_STACKS", "s")
    shown: list[str] = []
    cli = PulumiCli.find(tmp_path)
    cli.stream("up", "--stack", "s", "--yes", show=shown.append)
    assert shown[0] == "resource \ufffd\ufffd state" and shown[-1] == "Resources: done"
    assert "\ufffd" in cli.run("stack", "ls", "--json")
