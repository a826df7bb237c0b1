"""The season stack: settings -> plan -> declaration -> components -> outputs. `pulumi up --stack weihnachten`."""

import datetime as dt

import pulumi

from capacity.errors import InfeasibleError
from components.season import instantiate
from freshfoodz_seasonal.adapters.catalog_files import load_catalog
from freshfoodz_seasonal.adapters.pulumi_config import load_settings, load_webhook_url
from freshfoodz_seasonal.config.problems import ConfigError
from freshfoodz_seasonal.declaration.season import declare_season
from freshfoodz_seasonal.plan.season_plan import plan_season
from freshfoodz_seasonal.seasons.windows import deployed_season_year


def main() -> None:
    catalog = load_catalog()
    now = dt.datetime.now(dt.UTC)  # the program's one clock reading; everything below takes it
    try:
        settings = load_settings(catalog)
        window = settings.season.window
        plan = plan_season(
            settings, catalog, pulumi.get_stack(), deployed_season_year(window.start, window.end, now.date())
        )
        declaration = declare_season(settings, plan, now)
    except ConfigError as error:
        raise pulumi.RunError("invalid stack config:\n" + "\n".join(str(p) for p in error.problems)) from None
    except InfeasibleError as error:
        raise pulumi.RunError(f"infeasible: {error}") from None
    except ValueError as error:
        raise pulumi.RunError(f"cannot declare the season: {error}") from None
    instantiate(declaration, load_webhook_url())


main()
