"""Season windows, with the Oktoberfest end checked against past Wiesn dates."""

from __future__ import annotations

import datetime as dt

import pytest

from freshfoodz_seasonal.seasons.windows import (
    deployed_season_year,
    oktoberfest_last_day,
    parse_month_day,
    resolve_window,
    season_year,
    wiesn_days,
)


@pytest.mark.parametrize(
    ("year", "last_day"),
    [
        (2016, dt.date(2016, 10, 3)),  # first Sunday 2 Oct -> 3 Oct
        (2017, dt.date(2017, 10, 3)),  # first Sunday 1 Oct -> 3 Oct
        (2018, dt.date(2018, 10, 7)),
        (2019, dt.date(2019, 10, 6)),
        (2022, dt.date(2022, 10, 3)),  # first Sunday 2 Oct
        (2023, dt.date(2023, 10, 3)),  # first Sunday 1 Oct
        (2024, dt.date(2024, 10, 6)),
        (2025, dt.date(2025, 10, 5)),
        (2026, dt.date(2026, 10, 4)),
    ],
)
def test_oktoberfest_last_day(year: int, last_day: dt.date) -> None:
    assert oktoberfest_last_day(year) == last_day


def test_windows_of_the_three_seasons_in_2026() -> None:
    spargel = resolve_window("04-01", "06-24", 2026)
    assert (spargel.first_day, spargel.last_day, spargel.days) == (dt.date(2026, 4, 1), dt.date(2026, 6, 24), 85)
    oktoberfest = resolve_window("09-01", "oktoberfest-end", 2026)
    assert (oktoberfest.last_day, oktoberfest.days, oktoberfest.hours) == (dt.date(2026, 10, 4), 34, 34 * 24)
    assert resolve_window("11-01", "12-31", 2026).days == 61


@pytest.mark.parametrize("text", ["13-01", "00-10", "04-31", "02-29", "4-1", "04/01", "april", ""])
def test_bad_month_days_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"MM-DD|not a real date|leap years"):
        parse_month_day(text)


def test_a_window_to_the_wiesn_end_starting_after_its_earliest_day_is_refused() -> None:
    # In 2027 the Wiesn ends on 3 October: a start on 5 October would come after it.
    with pytest.raises(ValueError, match="on or before 10-03"):
        resolve_window("10-05", "oktoberfest-end", 2026)


@pytest.mark.parametrize(
    ("today", "year"),
    [(dt.date(2026, 11, 28), 2026), (dt.date(2026, 12, 31), 2026), (dt.date(2027, 1, 1), 2027)],
)
def test_season_year_is_the_running_or_next_season(today: dt.date, year: int) -> None:
    assert season_year("11-01", "12-31", today) == year
    assert season_year("04-01", "06-24", dt.date(2026, 11, 28)) == 2027


@pytest.mark.parametrize(
    ("year", "opening", "last_day"),
    [
        (2016, dt.date(2016, 9, 17), dt.date(2016, 10, 3)),
        (2017, dt.date(2017, 9, 16), dt.date(2017, 10, 3)),
        (2018, dt.date(2018, 9, 22), dt.date(2018, 10, 7)),
        (2019, dt.date(2019, 9, 21), dt.date(2019, 10, 6)),
        (2022, dt.date(2022, 9, 17), dt.date(2022, 10, 3)),
        (2023, dt.date(2023, 9, 16), dt.date(2023, 10, 3)),
        (2024, dt.date(2024, 9, 21), dt.date(2024, 10, 6)),
        (2025, dt.date(2025, 9, 20), dt.date(2025, 10, 5)),
        (2026, dt.date(2026, 9, 19), dt.date(2026, 10, 4)),
        (2027, dt.date(2027, 9, 18), dt.date(2027, 10, 3)),
        (2028, dt.date(2028, 9, 16), dt.date(2028, 10, 3)),
    ],
)
def test_wiesn_days(year: int, opening: dt.date, last_day: dt.date) -> None:
    assert wiesn_days(year) == (opening, last_day)
    assert opening.weekday() == 5  # a Saturday


@pytest.mark.parametrize(
    ("today", "year"),
    [
        (dt.date(2026, 11, 28), 2026),  # running
        (dt.date(2027, 1, 7), 2026),  # a week after the last day: still this season (rollback due)
        (dt.date(2027, 1, 8), 2027),  # then the next one
        (dt.date(2026, 6, 1), 2026),  # before it: the coming one
    ],
)
def test_a_stack_stays_on_its_season_for_a_week_after_it(today: dt.date, year: int) -> None:
    assert deployed_season_year("11-01", "12-31", today) == year
