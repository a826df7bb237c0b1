"""Runs a project folder's own `seasonctl` (e.g. the code of an older commit) for a stack's snapshot.

The folder's packages come first on PYTHONPATH, so its code, not the installed one, declares the
resources and computes the plan; the installed dependencies (pulumi and the rest) are shared.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from review.snapshot import Snapshot

SNAPSHOT_TIMEOUT_S = 300


class SnapshotError(RuntimeError):
    """The folder's code could not produce a snapshot; the message carries what it said."""


def _json_of(command: list[str], folder: Path, label: str) -> Any:
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(folder), os.environ.get("PYTHONPATH", "")])}
    try:
        done = subprocess.run(  # noqa: S603 - this interpreter, an argument list, no shell
            [sys.executable, "-m", "seasonctl", *command],
            cwd=folder,
            env=environment,
            capture_output=True,
            text=True,
            timeout=SNAPSHOT_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise SnapshotError(f"{label}: `seasonctl {command[0]}` took longer than {SNAPSHOT_TIMEOUT_S} s") from None
    if done.returncode != 0:
        said = "\n".join(line for line in done.stderr.splitlines() if line.strip())[-2000:]
        raise SnapshotError(f"{label}: `seasonctl {' '.join(command)}` failed (exit {done.returncode}):\n{said}")
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError:
        raise SnapshotError(f"{label}: `seasonctl {command[0]}` did not print JSON; is its code too old?") from None


def snapshot_of_folder(folder: Path, stack: str, label: str) -> Snapshot:
    """The snapshot the folder's code makes of `stack`; an empty one if the folder has no such stack file."""
    if not (folder / f"Pulumi.{stack}.yaml").is_file():
        return Snapshot(label)
    if not (folder / "seasonctl" / "__main__.py").is_file():
        # Without it, `python -m seasonctl` would run the installed code, not the folder's.
        raise SnapshotError(f"{label}: the code there has no seasonctl package to declare the stack with")
    preview = _json_of(["preview", stack, "--format", "json", "--project-dir", "."], folder, label)
    plan = _json_of(["plan", stack, "--format", "json", "--project-dir", "."], folder, label)
    try:
        return Snapshot.of_documents(label, preview, plan)
    except ValueError as error:
        raise SnapshotError(str(error)) from None
