"""External tools the integration tests need: required in CI, a loud skip elsewhere."""

from __future__ import annotations

import os
import shutil
import warnings
from typing import NoReturn

import pytest

PROMETHEUS_INSTALL = "apt-get update && apt-get install -y prometheus"


def missing(what: str, reason: str) -> NoReturn:
    """Fails under CI (the variable CI is set); elsewhere skips with a warning that names what did not run."""
    message = f"SKIPPING {what}: {reason}"
    if os.environ.get("CI"):
        pytest.fail(f"{message} (CI is set, so this is a failure, not a skip)")
    warnings.warn(message, stacklevel=2)
    pytest.skip(message)


def required_tool(name: str, what: str, install: str) -> str:
    """The path of `name` on PATH; see `missing` when it is not there."""
    path = shutil.which(name)
    if path is None:
        missing(what, f"{name} is not on PATH; install it: `{install}`")
    return path
