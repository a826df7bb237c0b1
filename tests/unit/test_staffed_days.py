"""The war room's staffed days are held against the season's window by validate, in every year: the Wiesn
and a window that ends with it move with the weekdays, so a span that fits this year may not fit next."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from capacity.catalog import Catalog
from freshfoodz_seasonal.adapters.stack_file import load_stack_settings
from freshfoodz_seasonal.config.problems import ConfigError
from freshfoodz_seasonal.seasons.windows import EVERY_KIND_OF_YEAR, resolve_window, wiesn_days
from tests.support.project import frozen_stack


def oktoberfest_with(tmp_path: Path, start: str, days: Any) -> Path:
    document = yaml.safe_load(frozen_stack("oktoberfest").read_text(encoding="utf-8"))
    config = document["config"]
    config["freshfoodz-seasonal:season"]["window"] = {"start": start, "end": "oktoberfest-end"}
    config["freshfoodz-seasonal:warRoom"]["days"] = days
    path = tmp_path / "Pulumi.oktoberfest.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def years_the_wiesn_fits(start: str) -> int:
    """Counted here by the calendar alone: the Wiesn's first day on or after the window's first day."""
    return sum(
        wiesn_days(year)[0] >= resolve_window(start, "oktoberfest-end", year).first_day for year in EVERY_KIND_OF_YEAR
    )


def test_the_years_hold_every_weekday_of_the_first_of_october_in_both_kinds_of_year() -> None:
    kinds = {(dt.date(year, 10, 1).weekday(), year % 4 == 0) for year in EVERY_KIND_OF_YEAR}
    assert kinds == {(weekday, leap) for weekday in range(7) for leap in (False, True)}


def test_the_wiesn_is_refused_where_the_window_starts_after_it_in_some_years(tmp_path: Path, catalog: Catalog) -> None:
    # The Wiesn begins between 16 and 22 September: a window from 09-18 misses its start in some years.
    fits = years_the_wiesn_fits("09-18")
    assert 0 < fits < len(EVERY_KIND_OF_YEAR)
    with pytest.raises(ConfigError) as raised:
        load_stack_settings(oktoberfest_with(tmp_path, "09-18", "wiesn"), catalog)
    message = str(raised.value)
    assert "warRoom.days: the Wiesn (" in message and "leaves the season's window" in message
    assert f"the days must fit the window in every year; they fit in {fits} of 28 years" in message


def test_the_wiesn_inside_the_window_every_year_is_accepted(tmp_path: Path, catalog: Catalog) -> None:
    assert years_the_wiesn_fits("09-16") == len(EVERY_KIND_OF_YEAR)
    settings = load_stack_settings(oktoberfest_with(tmp_path, "09-16", "wiesn"), catalog)
    assert settings.war_room is not None and settings.war_room.days == "wiesn"


def test_a_span_past_the_wiesn_s_earliest_end_is_refused(tmp_path: Path, catalog: Catalog) -> None:
    # The window ends with the Wiesn, on 3 to 7 October: 10-06 lies in it only when the Wiesn ends after it.
    with pytest.raises(ConfigError) as raised:
        load_stack_settings(oktoberfest_with(tmp_path, "09-01", {"start": "09-20", "end": "10-06"}), catalog)
    assert "warRoom.days: 09-20 to 10-06 leave the season's window" in str(raised.value)


def test_every_problem_is_named_at_once(tmp_path: Path, catalog: Catalog) -> None:
    path = oktoberfest_with(tmp_path, "09-18", "wiesn")
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["config"]["freshfoodz-seasonal:season"]["loadMultiplier"] = -1
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_stack_settings(path, catalog)
    assert "loadMultiplier" in str(raised.value) and "warRoom.days" in str(raised.value)
