"""`seasonctl track`'s tables on a day without data: each KPI's target is the configured threshold, and the
number columns stay right-aligned (and `---:` in markdown) though every value is `-`."""

from __future__ import annotations

from capacity.catalog import Catalog
from freshfoodz_seasonal.cli.tables import Section, markdown_table, numeric_columns
from freshfoodz_seasonal.cli.track_view import track_sections
from freshfoodz_seasonal.plan.season_plan import plan_season
from freshfoodz_seasonal.track.judge import judge_day
from tests.unit.test_season_plan import settings_with


def sections_without_data(catalog: Catalog) -> dict[str, Section]:
    settings = settings_with()
    plan = plan_season(settings, catalog, "weihnachten", 2026)
    day = judge_day(settings, catalog, plan, {}, {})
    return {section.title.split(":")[0]: section for section in track_sections(day, 5.0)}


def test_a_kpi_not_measured_shows_its_target(catalog: Catalog) -> None:
    kpis = sections_without_data(catalog)["Business KPIs"]
    assert [(row[1], row[2]) for row in kpis.rows] == [
        ("-", "below 2%"),
        ("-", "above 80%"),
        ("-", "below 2000 ms"),
        ("-", "below 1500 ms"),
    ]


def test_number_columns_are_right_aligned_though_nothing_was_measured(catalog: Catalog) -> None:
    sections = sections_without_data(catalog)
    routes, services, kpis = sections["Routes"], sections["Services"], sections["Business KPIs"]
    assert all(row[2] == "-" for row in routes.rows)  # peak/s: not measured
    assert numeric_columns(routes) == [False, True, True, True, True, True, True, False]
    assert numeric_columns(services) == [False, True, True, True, True, True, False]
    assert numeric_columns(kpis) == [False, True, False, False]
    assert markdown_table(kpis)[1] == "|:---|---:|:---|:---|"
