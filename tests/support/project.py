"""The project's root, its shipped stacks and its catalog, for every test.

`tests/conftest.py` serves the catalog as a fixture; the constants are here for what fixtures cannot
reach: `@pytest.mark.parametrize` arguments and module-level helpers. Also the stand-in Pulumi CLI.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path
from typing import Any

from capacity.catalog import Catalog
from freshfoodz_seasonal.adapters.catalog_files import load_catalog
from freshfoodz_seasonal.naming import CONFIG_NAMESPACE

ROOT = Path(__file__).resolve().parents[2]
"""The repository root: Pulumi.yaml, the stack files, __main__.py, policy/."""

STACKS = ("spargel", "oktoberfest", "weihnachten")
"""The shipped stacks (Pulumi.<stack>.yaml), smallest season first."""


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
