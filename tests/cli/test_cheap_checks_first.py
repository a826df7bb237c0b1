"""Cheap checks come before the slow work: a refusal a command can make from its flags, the stack file and
the clock comes at once, before the Pulumi program runs or Prometheus is asked.

The projects here have no `__main__.py`: a command that ran the program first would stop with "no Pulumi
program here" instead of the refusal each test expects.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest
import time_machine
import yaml
from click.testing import Result

from freshfoodz_seasonal.adapters import text_files
from freshfoodz_seasonal.adapters.text_files import NotWritable, check_writable
from tests.support.cli_runner import invoke
from tests.support.project import ROOT, frozen_stack, stand_in_pulumi_bin

NO_PROGRAM = "no Pulumi program here"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Christmas whose peak needs a larger database class (a failover), with a quiet hour at 03:00 Berlin."""
    folder = tmp_path / "project"
    folder.mkdir()
    shutil.copy2(ROOT / "Pulumi.yaml", folder / "Pulumi.yaml")
    document = yaml.safe_load(frozen_stack("weihnachten").read_text(encoding="utf-8"))
    config = document["config"]
    config["freshfoodz-seasonal:database"]["baselineCpuUtilization"] = 0.5
    config["freshfoodz-seasonal:season"]["quietHour"] = 3
    (folder / "Pulumi.weihnachten.yaml").write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return folder


def run(project: Path, command: str, *args: str, at: str) -> Result:
    """`command weihnachten ...` with the stand-in Pulumi on PATH, the clock at `at` (UTC)."""
    bin_folder = stand_in_pulumi_bin(project.parent / "bin")
    log = project.parent / "pulumi-calls.jsonl"
    env = {
        "PATH": f"{bin_folder}{os.pathsep}{os.environ['PATH']}",
        "STAND_IN_PULUMI_STACKS": "weihnachten",
        "STAND_IN_PULUMI_LOG": str(log),
    }
    with time_machine.travel(dt.datetime.fromisoformat(at), tick=False):
        result = invoke(command, "weihnachten", "--project-dir", str(project), "--yes", *args, env=env)
    # Pulumi was asked for the stack's name only: no update ran.
    calls = [json.loads(line)["argv"][:2] for line in log.read_text(encoding="utf-8").splitlines()]
    assert calls == [["stack", "ls"]], calls
    return result


def flat(result: Result) -> str:
    return " ".join(result.output.split())


def test_provision_refuses_a_failover_outside_the_quiet_hour_before_the_programs_run(project: Path) -> None:
    # 09:00 UTC on the failover's day (T-13) is 11:00 in Berlin.
    result = run(project, "provision", at="2026-10-19T09:00:00+00:00")
    assert result.exit_code == 2 and "quiet hour is 03:00 Europe/Berlin" in flat(result), result.output
    assert NO_PROGRAM not in flat(result)


@pytest.mark.parametrize(
    ("record", "says"),
    [("{project}/missing/took.json", "does not exist"), ("/proc/took.json", "no file can be created")],
)
def test_provision_refuses_a_bad_record_path_before_the_programs_run(project: Path, record: str, says: str) -> None:
    result = run(project, "provision", "--record", record.format(project=project), at="2026-10-20T09:00+00:00")
    assert result.exit_code == 2 and "--record" in flat(result) and says in flat(result), result.output
    assert NO_PROGRAM not in flat(result)


def test_rollback_refuses_a_class_change_back_outside_the_quiet_hour_before_the_programs_run(project: Path) -> None:
    result = run(project, "rollback", "--date", "2027-01-02", at="2027-01-02T11:00:00+00:00")
    assert result.exit_code == 2 and "db-class disrupts" in flat(result), result.output
    assert NO_PROGRAM not in flat(result)


@pytest.mark.parametrize(
    ("out", "says"),
    [
        ("/proc/seasonctl-out", "no file can be created in /proc"),
        ("{file}/sub", "is a file, not a folder"),
    ],
)
def test_preview_refuses_an_out_folder_nothing_can_be_written_in(project: Path, out: str, says: str) -> None:
    (project / "__main__.py").unlink(missing_ok=True)
    a_file = project / "notes.txt"
    a_file.write_text("a file\n", encoding="utf-8")
    target = out.format(file=a_file)
    result = invoke("preview", "weihnachten", "--project-dir", str(project), "--out", target)
    assert result.exit_code == 2 and says in flat(result) and NO_PROGRAM not in flat(result), result.output
    assert not Path(target).exists()


def test_track_refuses_a_report_folder_under_proc_before_measuring(project: Path) -> None:
    # Port 9 (discard) on 127.0.0.1: nothing answers, so a measurement would exit 4, not 2.
    result = invoke(
        "track", "weihnachten", "--project-dir", str(project), "--prometheus-url", "http://127.0.0.1:9",
        "--report", "/proc/seasonctl-report",
    )  # fmt: skip
    assert result.exit_code == 2 and "no file can be created in /proc" in flat(result), result.output


def test_baseline_write_refuses_a_stack_file_it_cannot_replace_before_measuring(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def read_only_file_system(*args: object, **kwargs: object) -> tuple[int, str]:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(text_files.tempfile, "mkstemp", read_only_file_system)
    result = invoke(
        "baseline", "--stack", "weihnachten", "--project-dir", str(project), "--write",
        "--prometheus-url", "http://127.0.0.1:9",
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "--write cannot replace it: no file can be created in" in flat(result)
    assert "(Read-only file system); nothing measured" in flat(result)


def test_check_writable_finds_the_nearest_folder_that_exists(tmp_path: Path) -> None:
    check_writable(tmp_path / "new" / "deeper" / "report")  # made later, under a folder that can be written
    assert not (tmp_path / "new").exists() and list(tmp_path.iterdir()) == []  # the probe is gone
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    with pytest.raises(NotWritable, match="a-file is a file, not a folder"):
        check_writable(tmp_path / "a-file" / "report")


@pytest.mark.parametrize(
    ("command", "target", "says"),
    [
        (("loadtest", "weihnachten", "--out"), "{project}", "is a folder; accepted: a file path"),
        (("loadtest", "weihnachten", "--out"), "{project}/missing/peak.js", "/missing does not exist"),
        (("calendar", "--chart"), "/proc/year.png", "no file can be created in /proc"),
        (("loadtest", "weihnachten", "--out"), "{project}/Pulumi.yaml/peak.js", "Pulumi.yaml is a file, not a folder"),
        (("loadtest", "weihnachten", "--out"), "{project}/Pulumi.yaml/a/peak.js", "Pulumi.yaml is a file, not a"),
    ],
)
def test_file_outputs_are_refused_before_the_work(
    project: Path, command: tuple[str, ...], target: str, says: str
) -> None:
    result = invoke(*command, target.format(project=project), "--project-dir", str(project))
    assert result.exit_code == 2 and says in flat(result), result.output
    assert sorted(path.name for path in project.iterdir()) == ["Pulumi.weihnachten.yaml", "Pulumi.yaml"]
