"""Fixtures every test folder shares: the project root, the shipped stacks and the catalog."""

from __future__ import annotations

from pathlib import Path

import pytest

from capacity.catalog import Catalog
from tests.support.project import ROOT, STACKS, shared_catalog


@pytest.fixture(scope="session")
def root() -> Path:
    """The repository root."""
    return ROOT


@pytest.fixture(scope="session")
def stacks() -> tuple[str, ...]:
    """The shipped stacks' names, smallest season first."""
    return STACKS


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The shipped catalog, loaded once per session (not at import time)."""
    return shared_catalog()
