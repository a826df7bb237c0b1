"""What if the forecast is off: the same stack planned at a share of its load multiplier above and below."""

from __future__ import annotations

from dataclasses import dataclass

from capacity.catalog import Catalog
from capacity.errors import InfeasibleError
from freshfoodz_seasonal.config.model import StackSettings
from freshfoodz_seasonal.plan.season_plan import SeasonPlan, at_multiplier, plan_season

# The forecast's error a war room plans for: 20 % either way.
FORECAST_SCALES = (0.8, 1.0, 1.2)


@dataclass(frozen=True)
class ForecastPoint:
    scale: float
    load_multiplier: float
    plan: SeasonPlan | None
    infeasible: tuple[str, ...] = ()
    """Why no plan carries this load, each problem apart; empty where one does."""


def forecast(settings: StackSettings, catalog: Catalog, plan: SeasonPlan) -> tuple[ForecastPoint, ...]:
    """The plan at each of FORECAST_SCALES x its load multiplier (the plan itself at 1.0)."""
    points = []
    for scale in FORECAST_SCALES:
        multiplier = plan.load_multiplier * scale
        if scale == 1.0:
            points.append(ForecastPoint(scale, multiplier, plan))
            continue
        try:
            scaled = plan_season(
                at_multiplier(settings, multiplier), catalog, plan.stack, plan.window.first_day.year, plan.method
            )
        except InfeasibleError as error:
            points.append(ForecastPoint(scale, multiplier, None, error.problems))
        else:
            points.append(ForecastPoint(scale, multiplier, scaled))
    return tuple(points)
