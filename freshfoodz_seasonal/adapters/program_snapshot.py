"""Runs a project folder's own `seasonctl` (e.g. the code of an older commit) for a stack's snapshot.

The folder's packages come first on PYTHONPATH, so its code, not the installed one, declares the
resources and computes the plan; the installed dependencies (pulumi and the rest) are shared. The
entry point is the one the folder's pyproject.toml names, so a commit of any layout runs its own CLI;
the runner refuses to go on if that module would come from anywhere but the folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

from freshfoodz_seasonal.review.snapshot import Snapshot

SNAPSHOT_TIMEOUT_S = 300
# Imports the entry point's module, checks it is the folder's own, and calls it with the arguments.
_RUNNER = """
import importlib, os, sys
module, _, function = sys.argv[1].partition(":")
loaded = importlib.import_module(module)
if not os.path.realpath(loaded.__file__).startswith(os.path.realpath(os.getcwd()) + os.sep):
    sys.exit(f"{module} was imported from {loaded.__file__}, not from the folder")
sys.argv = ["seasonctl", *sys.argv[2:]]
getattr(loaded, function)()
"""


class SnapshotError(RuntimeError):
    """The folder's code could not produce a snapshot; the message carries what it said."""


def _entry_point(folder: Path, label: str) -> str:
    """`module:function` of the folder's `seasonctl` script, as its pyproject.toml declares it."""
    try:
        project = tomllib.loads((folder / "pyproject.toml").read_text(encoding="utf-8"))
        entry = project["project"]["scripts"]["seasonctl"]
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, TypeError):
        raise SnapshotError(f"{label}: the code there declares no seasonctl entry point in pyproject.toml") from None
    module, _, function = str(entry).partition(":")
    path = folder.joinpath(*module.split("."))
    if not function or not (path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()):
        # Without the module in the folder, the installed code would run instead of the folder's.
        raise SnapshotError(f"{label}: the code there has no {module} to declare the stack with")
    return f"{module}:{function}"


def _json_of(command: list[str], folder: Path, label: str) -> Any:
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(folder), os.environ.get("PYTHONPATH", "")])}
    try:
        done = subprocess.run(  # noqa: S603 - this interpreter, an argument list, no shell
            [sys.executable, "-c", _RUNNER, _entry_point(folder, label), *command],
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
    _entry_point(folder, label)
    preview = _json_of(["preview", stack, "--format", "json", "--project-dir", "."], folder, label)
    plan = _json_of(["plan", stack, "--format", "json", "--project-dir", "."], folder, label)
    try:
        return Snapshot.of_documents(label, preview, plan)
    except ValueError as error:
        raise SnapshotError(str(error)) from None
