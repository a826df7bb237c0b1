"""The season stack: settings -> plan -> declaration -> components -> outputs. `pulumi up --stack weihnachten`."""

import datetime as dt
import os
from pathlib import Path

import pulumi

from capacity.errors import InfeasibleError
from components.season import instantiate
from freshfoodz_seasonal.adapters.catalog_files import load_catalog
from freshfoodz_seasonal.adapters.pulumi_config import load_settings, load_webhook_url
from freshfoodz_seasonal.adapters.stack_calendar import project_seasons, stack_season
from freshfoodz_seasonal.config.model import Phase
from freshfoodz_seasonal.config.problems import ConfigError
from freshfoodz_seasonal.declaration.season import declare_season
from freshfoodz_seasonal.plan.season_plan import plan_season
from freshfoodz_seasonal.seasons.ownership import (
    OVERRIDE_VARIABLE,
    berlin_date,
    ownership_gate,
    project_refusal,
)
from freshfoodz_seasonal.seasons.windows import deployed_season_year


def main(now: dt.datetime) -> None:
    catalog = load_catalog()
    stack = pulumi.get_stack()
    try:
        settings = load_settings(catalog)
        window = settings.season.window
        year = deployed_season_year(window.start, window.end, berlin_date(now))
        plan = plan_season(settings, catalog, stack, year)
        declaration = declare_season(settings, plan, now)
    except ConfigError as error:
        raise pulumi.RunError("invalid stack config:\n" + "\n".join(str(p) for p in error.problems)) from None
    except InfeasibleError as error:
        raise pulumi.RunError(f"infeasible: {error}") from None
    except ValueError as error:
        raise pulumi.RunError(f"cannot declare the season: {error}") from None
    # One season at a time: the project's stack files beside this program are the calendar.
    stacks, problems = project_seasons(Path(__file__).resolve().parent, catalog)
    this = stack_season(stack, settings)
    refusal = project_refusal(stacks, problems, this, plan.phase is Phase.PEAK, berlin_date(now))
    gate = ownership_gate(refusal, pulumi.runtime.is_dry_run(), os.environ.get(OVERRIDE_VARIABLE))
    if gate.refused:
        raise pulumi.RunError(gate.message or "refused")
    if gate.message is not None:
        pulumi.log.warn(gate.message)
    instantiate(declaration, load_webhook_url())


# The program's one clock reading; seasonctl's offline runs under mocks pass the moment they judge.
main(globals().get("SEASONCTL_NOW") or dt.datetime.now(dt.UTC))
