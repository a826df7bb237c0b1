"""The project's root, its stacks (frozen and shipped) and its catalog, for every test.

Two sets of stacks: the frozen copies in tests/support/stacks/frozen/ (FROZEN, FROZEN_STACKS), which
tests that assert numbers, dates or names computed from a stack read, and the shipped stacks at the
root (SHIPPED_STACKS, whatever `Pulumi.*.yaml` are there), which tests of what holds for any valid stack
read. The shipped stacks may change freely; the frozen ones change only with the tests that read them.

`tests/conftest.py` serves the catalog as a fixture; the constants are here for what fixtures cannot
reach: `@pytest.mark.parametrize` arguments and module-level helpers. Also the stand-in Pulumi CLI.
"""

from __future__ import annotations

import shutil
import sys
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from capacity.catalog import Catalog
from freshfoodz_seasonal.adapters.catalog_files import load_catalog
from freshfoodz_seasonal.adapters.stack_file import stack_name_of
from freshfoodz_seasonal.naming import CONFIG_NAMESPACE

ROOT = Path(__file__).resolve().parents[2]
"""The repository root: Pulumi.yaml, the stack files, __main__.py, policy/."""

FROZEN = ROOT / "tests" / "support" / "stacks" / "frozen"
"""Frozen copies of the shipped stacks (its README.md says why), and a `__main__.py` that runs the root's
program beside them: a project folder whose calendar and numbers never change."""

FROZEN_STACKS = ("spargel", "oktoberfest", "weihnachten")
"""The frozen stacks (FROZEN/Pulumi.<stack>.yaml), smallest season first."""

SHIPPED_STACKS = tuple(sorted(stack_name_of(path) for path in ROOT.glob("Pulumi.*.yaml")))
"""The stacks the repository ships now, whichever they are (Pulumi.<stack>.yaml at the root), by name."""


def frozen_stack(stack: str) -> Path:
    """The frozen copy of a stack file: the one to assert numbers, dates and names of."""
    return FROZEN / f"Pulumi.{stack}.yaml"


def shipped_stack(stack: str) -> Path:
    """A stack file the repository ships: only for what holds for any valid stack."""
    return ROOT / f"Pulumi.{stack}.yaml"


def stack_document(path: Path) -> dict[str, Any]:
    """A stack file as YAML reads it."""
    document: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return document


def stack_file_config(path: Path) -> dict[str, Any]:
    """A stack file's `config:` mapping."""
    config: dict[str, Any] = stack_document(path)["config"]
    return config


def project_copy(folder: Path, *stacks: str, policy: bool = False) -> Path:
    """A project in `folder` that a test may change: the repository's Pulumi.yaml and __main__.py (and its
    policy pack, with `policy`) beside copies of the frozen `stacks`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy2(ROOT / name, folder / name)
    for stack in stacks:
        shutil.copy2(frozen_stack(stack), folder / f"Pulumi.{stack}.yaml")
    if policy:
        shutil.copytree(ROOT / "policy", folder / "policy", ignore=shutil.ignore_patterns("__pycache__"))
    return folder


@cache
def shared_catalog() -> Catalog:
    """The shipped EC2/RDS catalog (capacity/data), loaded on first use and then reused."""
    return load_catalog()


STAND_IN_PULUMI = ROOT / "tests" / "support" / "stand_in_pulumi.py"


def stand_in_pulumi_bin(folder: Path) -> Path:
    """`folder` with a `pulumi` that runs the stand-in CLI (tests/support/stand_in_pulumi.py): put it on PATH."""
    folder.mkdir(parents=True, exist_ok=True)
    executable = folder / "pulumi"
    executable.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{STAND_IN_PULUMI}" "$@"\n', encoding="utf-8")
    executable.chmod(0o755)
    return folder


def with_war_room_secrets(config: dict[str, Any]) -> dict[str, Any]:
    """A stack file's `config:` with a stand-in ciphertext for every war-room secret its receivers name, as
    an update needs them (`pulumi config set --secret` at deploy time)."""
    war_room = config.get(f"{CONFIG_NAMESPACE}:warRoom") or {}
    keys = [i["secret"] for r in war_room.get("receivers", []) for i in r["integrations"] if "secret" in i]
    return {**config, **{f"{CONFIG_NAMESPACE}:{key}": {"secure": f"v1:{key}"} for key in keys}}
