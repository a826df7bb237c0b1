"""Interrupting `seasonctl rollback` while Pulumi updates: one signal becomes exactly one SIGINT to Pulumi.

seasonctl runs as a real process here (signals need one), with the stand-in Pulumi CLI on PATH; the
stand-in hangs in its first update and, like Pulumi, cancels gracefully on a first SIGINT and stops at
once on a second.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.project import frozen_stack, project_copy, stand_in_pulumi_bin

WAIT_S = 60
# seasonctl on a clock pinned after Christmas 2026: rollback judges the real day too.
RUNNER = """
import datetime as dt, sys, time_machine
from freshfoodz_seasonal.cli.app import main
sys.argv = ["seasonctl", *sys.argv[1:]]
with time_machine.travel(dt.datetime(2027, 1, 2, 11, tzinfo=dt.UTC), tick=False):
    main()
"""


def records(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []


def wait_for(log: Path, what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if any(record["argv"][:1] == [what] for record in records(log)):
            return
        time.sleep(0.05)
    pytest.fail(f"the stand-in never recorded {what!r}: {records(log)}")


def start(tmp_path: Path, command: str, hang: str) -> tuple[subprocess.Popen[str], Path, Path]:
    """`seasonctl <command> weihnachten --yes` in a session of its own, the stand-in hanging in `hang`
    (`1`: its first update, `preview`: its preview); the process, the stand-in's log, the project."""
    project = project_copy(tmp_path / "project", "weihnachten")
    log = tmp_path / "calls.jsonl"
    env = os.environ | {
        "PATH": f"{stand_in_pulumi_bin(tmp_path / 'bin')}{os.pathsep}{os.environ['PATH']}",
        "STAND_IN_PULUMI_LOG": str(log),
        "STAND_IN_PULUMI_STACKS": "weihnachten",
        "STAND_IN_PULUMI_HANG": hang,
    }
    process = subprocess.Popen(
        [sys.executable, "-c", RUNNER, command, "weihnachten", "--yes", "--project-dir", str(project)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    return process, log, project


@pytest.fixture
def started(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    """seasonctl rollback in a session of its own, the stand-in hanging in its first update."""
    process, log, _ = start(tmp_path, "rollback", "1")
    try:
        wait_for(log, "up")
        yield process, log
    finally:
        if process.poll() is None:
            process.kill()
        if process.stdout is not None and not process.stdout.closed:
            process.communicate()
        process.wait()


def finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    output, _ = process.communicate(timeout=WAIT_S)
    return process.returncode, " ".join(output.split())


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_one_signal_is_one_graceful_cancel(started: tuple[subprocess.Popen[str], Path], signum: int) -> None:
    process, log = started
    process.send_signal(signum)
    code, output = finish(process)
    kinds = [record["argv"][0] for record in records(log)]
    assert kinds.count("cancelling") == 1 and "cancelled" in kinds and "terminated" not in kinds, kinds
    assert code == 6
    assert f"was stopped ({signal.Signals(signum).name}); Pulumi was asked to cancel the update" in output


def test_pulumi_runs_in_a_session_of_its_own(started: tuple[subprocess.Popen[str], Path]) -> None:
    process, log = started
    (up,) = [record for record in records(log) if record["argv"][:1] == ["up"]]
    assert up["sid"] != os.getsid(process.pid)
    # The terminal's Ctrl-C goes to seasonctl's whole process group: Pulumi still gets one SIGINT.
    os.killpg(os.getpgid(process.pid), signal.SIGINT)
    code, _ = finish(process)
    kinds = [record["argv"][0] for record in records(log)]
    assert kinds.count("cancelling") == 1 and "terminated" not in kinds and code == 6, kinds


def test_a_second_ctrl_c_stops_pulumi_at_once_and_says_so(started: tuple[subprocess.Popen[str], Path]) -> None:
    process, log = started
    process.send_signal(signal.SIGINT)
    wait_for(log, "cancelling")
    process.send_signal(signal.SIGINT)
    code, output = finish(process)
    assert [record["argv"][0] for record in records(log)][-1] == "terminated"
    assert code == 6 and "stopped at once on a second Ctrl-C" in output and "pulumi cancel" in output


def test_a_closed_output_pipe_still_cancels_gracefully(started: tuple[subprocess.Popen[str], Path]) -> None:
    # The log reader is gone (a killed `| tee`, a CI runner): seasonctl must keep draining Pulumi's output
    # and still turn SIGTERM into one graceful cancel, waiting for it to finish.
    process, log = started
    assert process.stdout is not None
    process.stdout.close()
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=WAIT_S)
    kinds = [record["argv"][0] for record in records(log)]
    assert kinds.count("cancelling") == 1 and kinds[-1] == "cancelled" and "terminated" not in kinds, kinds


def test_a_signal_during_adopt_s_preview_cancels_it_and_puts_the_phase_back(tmp_path: Path) -> None:
    before = (frozen_stack("weihnachten")).read_bytes()
    process, log, project = start(tmp_path, "adopt", "preview")
    try:
        wait_for(log, "preview")
        process.send_signal(signal.SIGTERM)
        code, output = finish(process)
    finally:
        if process.poll() is None:
            process.kill()
    assert code == 6, output
    assert "was stopped (SIGTERM)" in output and "is back at phase: peak" in output
    assert [r["argv"][0] for r in records(log)].count("cancelled") == 1
    assert (project / "Pulumi.weihnachten.yaml").read_bytes() == before
