"""The season stack: settings -> plan -> declaration -> components -> outputs. `pulumi up --stack weihnachten`."""

import datetime as dt
import os
from pathlib import Path

import pulumi

from capacity.errors import InfeasibleError
from components.season import instantiate
from freshfoodz_seasonal.adapters.catalog_files import load_catalog
from freshfoodz_seasonal.adapters.live_primary import LivePrimary, PrimaryUnreadable, read_primary
from freshfoodz_seasonal.adapters.pulumi_config import load_settings, load_war_room_secrets
from freshfoodz_seasonal.adapters.stack_calendar import project_seasons, stack_season
from freshfoodz_seasonal.config.model import Phase
from freshfoodz_seasonal.config.problems import ConfigError
from freshfoodz_seasonal.declaration.owner_marks import live_owner_refusal
from freshfoodz_seasonal.declaration.season import declare_season
from freshfoodz_seasonal.plan.season_plan import plan_season
from freshfoodz_seasonal.seasons.ownership import (
    OVERRIDE_VARIABLE,
    berlin_date,
    live_gate,
    ownership_gate,
    project_refusal,
)
from freshfoodz_seasonal.seasons.windows import deployed_season_year


def main(now: dt.datetime, offline: bool) -> None:
    catalog = load_catalog()
    stack = pulumi.get_stack()
    try:
        settings = load_settings(catalog)
        secrets = load_war_room_secrets(settings, pulumi.runtime.is_dry_run())
        window = settings.season.window
        year = deployed_season_year(window.start, window.end, berlin_date(now))
        plan = plan_season(settings, catalog, stack, year)
        identifier = settings.platform.primary_db_identifier
        primary = None if offline else read_primary(identifier)
        declaration = declare_season(settings, plan, now, primary.tags if primary else {})
    except PrimaryUnreadable as error:
        raise pulumi.RunError(str(error)) from None
    except ConfigError as error:
        raise pulumi.RunError("invalid stack config:\n" + "\n".join(str(p) for p in error.problems)) from None
    except InfeasibleError as error:
        raise pulumi.RunError("infeasible:\n" + "\n".join(error.problems)) from None
    except ValueError as error:
        raise pulumi.RunError(f"cannot declare the season: {error}") from None
    # One season at a time: the project's stack files beside this program are the calendar.
    stacks, problems = project_seasons(Path(__file__).resolve().parent, catalog)
    this = stack_season(stack, settings)
    refusal = project_refusal(stacks, problems, this, plan.phase is Phase.PEAK, berlin_date(now))
    preview = pulumi.runtime.is_dry_run()
    # ... and the live primary's owner tags, which hold even where the calendar was edited, or overridden:
    # the override lifts the calendar's word, never another season's hold on the primary.
    gates = [
        ownership_gate(refusal, preview, os.environ.get(OVERRIDE_VARIABLE)),
        live_gate(_live_refusal(identifier, primary, stack), preview),
    ]
    for gate in gates:
        if gate.refused:
            raise pulumi.RunError(gate.message or "refused")
    for gate in gates:
        if gate.message is not None:
            pulumi.log.warn(gate.message)
    for key in secrets.placeholders:
        pulumi.log.warn(f"{key} is not set: its war-room integration declares a placeholder until it is")
    instantiate(declaration, secrets.values)


def _live_refusal(identifier: str, primary: LivePrimary | None, stack: str) -> str | None:
    if primary is None:
        pulumi.log.info(f"offline run: the primary {identifier}'s owner tags were not read (pulumi preview reads them)")
        return None
    return live_owner_refusal(identifier, primary.tags, stack)


# The program's one clock reading; seasonctl's offline runs under mocks pass the moment they judge, and
# that they cannot read the live primary.
main(globals().get("SEASONCTL_NOW") or dt.datetime.now(dt.UTC), offline=bool(globals().get("SEASONCTL_OFFLINE")))
