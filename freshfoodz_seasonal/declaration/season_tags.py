"""Tags that carry the season's window, cost estimate and budget on the seasonal node group.

The policy pack (policy/, rules in guardrails) sees resources, not the stack config or the plan:
these tags are how it checks the scale-back date, the budget and the timing of the peak.
"""

from __future__ import annotations

from freshfoodz_seasonal.naming import (
    BUDGET_TAG,
    COST_ESTIMATE_TAG,
    CURRENCY_TAG,
    SEASON_END_TAG,
    SEASON_KEY,
    SEASON_START_TAG,
)
from freshfoodz_seasonal.plan.season_plan import SeasonPlan


def node_group_tags(plan: SeasonPlan) -> dict[str, str]:
    """The season, its first and last day (YYYY-MM-DD), its own cost while its resources run (what the
    budget is compared with: season_plan.BUDGET_MEASURE) and, if set, the budget."""
    tags = {
        SEASON_KEY: plan.season,
        SEASON_START_TAG: plan.window.first_day.isoformat(),
        SEASON_END_TAG: plan.window.last_day.isoformat(),
        COST_ESTIMATE_TAG: f"{plan.cost.extra_while_running:.2f}",
        CURRENCY_TAG: plan.cost.currency,
    }
    budget = plan.season_budget
    if budget is not None:
        # Up to 15 significant digits, no exponent below 1e15: 6000.0 -> "6000", 6000.5 -> "6000.5".
        tags[BUDGET_TAG] = f"{budget:.15g}"
    return tags
