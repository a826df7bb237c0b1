"""The clock, read once per invocation: every command passes this moment down instead of reading it again.

`--date` replaces the day (for dry runs and tests): the moment is then noon of that day in
Europe/Berlin, the time zone the seasons are counted in.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from freshfoodz_seasonal.cli.exits import EXIT_INVALID, fail
from freshfoodz_seasonal.seasons.ownership import BERLIN, berlin_date


@dataclass(frozen=True)
class Now:
    utc: dt.datetime
    """The moment the command runs at (or judges, with --date), timezone-aware, in UTC."""
    today: dt.date
    """The Europe/Berlin date at that moment (the seasons' time zone); the --date itself if given."""
    real_today: dt.date
    """The real Europe/Berlin date, whatever --date says: commands that change something judge both."""
    real_utc: dt.datetime
    """The real moment, whatever --date says (the quiet hour is judged on the real clock)."""

    @property
    def days(self) -> list[dt.date]:
        """The days a command that changes something is judged on: the real one and the --date."""
        return sorted({self.real_today, self.today})


def read_clock() -> Now:
    utc = dt.datetime.now(dt.UTC)
    return Now(utc, berlin_date(utc), berlin_date(utc), utc)


def parse_date(text: str | None, today: dt.date) -> dt.date:
    """The day `--date` names, or `today` without it; exit 2 if it is not a date in the years 2000 to 2100."""
    if text is None:
        return today
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(text)
        day = dt.date.fromisoformat(text)
    except ValueError:
        fail(EXIT_INVALID, [f"--date: {text!r} is not a date; accepted: YYYY-MM-DD, e.g. 2026-10-15"])
    if not 2000 <= day.year <= 2100:
        fail(EXIT_INVALID, [f"--date: {text!r}; accepted: a date in the years 2000 to 2100"])
    return day


def clock_on(date: str | None) -> Now:
    """The clock, read once; with `date` (YYYY-MM-DD), noon of that day in Europe/Berlin instead."""
    now = read_clock()
    if date is None:
        return now
    day = parse_date(date, now.today)
    noon = dt.datetime.combine(day, dt.time(12), tzinfo=BERLIN).astimezone(dt.UTC)
    return Now(noon, day, now.real_today, now.real_utc)
