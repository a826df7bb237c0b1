"""The project's root, its shipped stacks and its catalog, for every test.

`tests/conftest.py` serves them as fixtures (`root`, `stacks`, `catalog`); the constants are here for
what fixtures cannot reach: `@pytest.mark.parametrize` arguments and module-level helpers.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from capacity.catalog import Catalog
from freshfoodz_seasonal.adapters.catalog_files import load_catalog

ROOT = Path(__file__).resolve().parents[2]
"""The repository root: Pulumi.yaml, the stack files, __main__.py, policy/."""

STACKS = ("spargel", "oktoberfest", "weihnachten")
"""The shipped stacks (Pulumi.<stack>.yaml), smallest season first."""


@cache
def shared_catalog() -> Catalog:
    """The shipped EC2/RDS catalog (capacity/data), loaded on first use and then reused."""
    return load_catalog()
