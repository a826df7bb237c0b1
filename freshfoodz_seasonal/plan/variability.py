"""The warning for a pool whose service times vary beyond what the model's wait probability was checked on."""

from __future__ import annotations

import math

from capacity.pool_sizing import PoolSizing
from capacity.queueing import VARIABILITY_CHECKED_SCV


def variability_warning(sizing: PoolSizing) -> str | None:
    """The warning for a pool whose routes' service times vary beyond what the delay probability was
    checked on (README, "Known limit"), or None."""
    scv = sizing.unchecked_variability_scv
    if scv is None:
        return None
    return (
        f"its service times vary more (squared CV {scv:.0f}: standard deviation {math.sqrt(scv):.1f} x "
        f"the mean) than the model's wait probability was checked on (up to {VARIABILITY_CHECKED_SCV:.0f}), "
        "which may plan a pod short (README, Known limit); check the p95 in the load test"
    )
