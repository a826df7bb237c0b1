"""A season's window in a given year, from month-day rules (and the Oktoberfest rule)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

OKTOBERFEST_END = "oktoberfest-end"


def parse_month_day(text: str) -> tuple[int, int]:
    """`"MM-DD"` -> (month, day); raises ValueError for anything that is not a day of every year."""
    parts = text.split("-")
    # isdigit() alone takes other scripts' digits too (Arabic-Indic, Devanagari): ASCII only.
    if len(parts) != 2 or not all(p.isascii() and p.isdigit() and len(p) == 2 for p in parts):
        raise ValueError(f"{text!r} is not a month-day in the form MM-DD, e.g. 04-01")
    month, day = int(parts[0]), int(parts[1])
    if (month, day) == (2, 29):
        raise ValueError("02-29 exists only in leap years; use 02-28 or 03-01")
    try:
        dt.date(2001, month, day)
    except ValueError:
        raise ValueError(f"{text!r} is not a real date: month 01-12, day within the month") from None
    return month, day


def _first_sunday_of_october(year: int) -> dt.date:
    first_october = dt.date(year, 10, 1)
    return first_october + dt.timedelta(days=(6 - first_october.weekday()) % 7)


def oktoberfest_last_day(year: int) -> dt.date:
    """The Wiesn ends on the first Sunday of October, or on 3 October if that Sunday is the 1st or 2nd."""
    first_sunday = _first_sunday_of_october(year)
    return dt.date(year, 10, 3) if first_sunday.day <= 2 else first_sunday


def wiesn_days(year: int) -> tuple[dt.date, dt.date]:
    """The Oktoberfest itself: from the Saturday 15 days before the first Sunday of October to its
    last day (2026: 19 September to 4 October)."""
    return _first_sunday_of_october(year) - dt.timedelta(days=15), oktoberfest_last_day(year)


# The calendar repeats every 28 years from 1901 to 2099, so any 28 years in a row hold every weekday of
# 1 October (which moves the Wiesn) in both kinds of year (which moves a window across 29 February). These
# are near enough that a message naming one of them reads as a real date.
EVERY_KIND_OF_YEAR = range(2026, 2054)


@dataclass(frozen=True)
class Window:
    """First and last day of a season, both inclusive."""

    first_day: dt.date
    last_day: dt.date

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def hours(self) -> int:
        return self.days * 24


# With `oktoberfest-end` a window never crosses New Year: it starts on or before the earliest day the
# Wiesn can end (3 October), so it ends in the year it starts, whatever the weekdays.
EARLIEST_OKTOBERFEST_END = (10, 3)


def resolve_window(start: str, end: str, year: int) -> Window:
    """The window that begins in `year`, for a start month-day and an end month-day or `oktoberfest-end`.
    An end month-day before the start means the next year's: 12-20 to 01-06 crosses New Year."""
    begins = parse_month_day(start)
    first_day = dt.date(year, *begins)
    if end == OKTOBERFEST_END:
        if begins > EARLIEST_OKTOBERFEST_END:
            raise ValueError(
                f"with end {OKTOBERFEST_END!r} the start must be on or before 10-03, the earliest day the "
                f"Wiesn ends; {start} is after it"
            )
        return Window(first_day, oktoberfest_last_day(year))
    ends = parse_month_day(end)
    return Window(first_day, dt.date(year + 1 if ends < begins else year, *ends))


def window_label(window: Window) -> str:
    """The season's year as people say it: `2026`, or `2026/27` for a window that crosses New Year."""
    first, last = window.first_day.year, window.last_day.year
    return str(first) if first == last else f"{first}/{last % 100:02d}"


def day_in_window(month_day: str, window: Window) -> dt.date | None:
    """The day of `window` with this month-day (a window is shorter than a year: at most one); None if none."""
    month, day = parse_month_day(month_day)
    for year in (window.first_day.year, window.last_day.year):
        candidate = dt.date(year, month, day)
        if window.first_day <= candidate <= window.last_day:
            return candidate
    return None


def season_year(start: str, end: str, today: dt.date) -> int:
    """The year in which the season that is running or comes next, seen from `today`, begins: last
    year's while a window that crosses New Year still runs."""
    for year in (today.year - 1, today.year):
        if today <= resolve_window(start, end, year).last_day:
            return year
    return today.year + 1


# How long a season stays the one a peak stack is for after its last day: until the playbook's
# T+7 review. A late `pulumi up` in that week keeps this season (its scale-back lies in the past, so
# the policy pack refuses it) instead of quietly moving the capacity to next year's season.
SEASON_GRACE_DAYS = 7


def deployed_season_year(start: str, end: str, today: dt.date) -> int:
    """The year of the season a stack declares on `today`: the running one, one that ended less than
    SEASON_GRACE_DAYS ago, or else the next."""
    return season_year(start, end, today - dt.timedelta(days=SEASON_GRACE_DAYS))
