"""Fixtures every test folder shares: the catalog. The root and the stacks' names (the frozen ones and
the shipped ones), which `parametrize` needs too, are constants in tests/support/project.py."""

from __future__ import annotations

import pytest

from capacity.catalog import Catalog
from tests.support.project import shared_catalog


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The shipped catalog, loaded once per session (not at import time)."""
    return shared_catalog()
