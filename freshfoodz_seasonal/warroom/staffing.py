"""When the war room is staffed, as shifts: its days (the season's window, the Wiesn, or a span of it) and its
daily hours, cut into shifts no longer than the rota's limit, in Europe/Berlin wall-clock time.

Shift boundaries are wall-clock times (00:00, 08:00, 16:00 round the clock; an equal split of the staffed
hours otherwise), so a shift across a clock change lasts an hour more or less; the layout takes more,
shorter shifts where that hour would break the limit.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from dataclasses import dataclass

from freshfoodz_seasonal.config.war_room import StaffedHours, WarRoom
from freshfoodz_seasonal.seasons.ownership import BERLIN
from freshfoodz_seasonal.seasons.windows import Window, resolve_window

# Night work as Germany's working-time act counts it (ArbZG §2): 23:00 to 06:00, more than two hours of it.
NIGHT_START_H, NIGHT_END_H = 23, 6
NIGHT_MIN_H = 2.0
MINUTES_PER_DAY = 24 * 60


class StaffingError(ValueError):
    """The war room's days do not fit the season."""


@dataclass(frozen=True)
class Shift:
    start: dt.datetime
    """Aware, Europe/Berlin."""
    end: dt.datetime

    @property
    def utc_start(self) -> dt.datetime:
        """For arithmetic: Python subtracts two times of one zone as wall-clock times, an hour off across a
        clock change."""
        return self.start.astimezone(dt.UTC)

    @property
    def utc_end(self) -> dt.datetime:
        return self.end.astimezone(dt.UTC)

    @property
    def hours(self) -> float:
        return (self.utc_end - self.utc_start).total_seconds() / 3600

    @property
    def dates(self) -> tuple[dt.date, ...]:
        """The calendar days it touches (a shift ending at midnight does not touch the next)."""
        last = (self.end - dt.timedelta(microseconds=1)).date()
        return tuple(self.start.date() + dt.timedelta(days=n) for n in range((last - self.start.date()).days + 1))

    @property
    def night(self) -> bool:
        """More than two hours between 23:00 and 06:00."""
        overlap = 0.0
        for date in (self.start.date() - dt.timedelta(days=1), *self.dates):
            night = (
                _at(date, NIGHT_START_H * 60),
                _at(date + dt.timedelta(days=1), NIGHT_END_H * 60),
            )
            night_start, night_end = (moment.astimezone(dt.UTC) for moment in night)
            seconds = (min(self.utc_end, night_end) - max(self.utc_start, night_start)).total_seconds()
            overlap += max(0.0, seconds / 3600)
        return overlap > NIGHT_MIN_H

    @property
    def weekend(self) -> bool:
        """It starts on a Saturday or a Sunday."""
        return self.start.weekday() >= 5


def _at(date: dt.date, minutes: int) -> dt.datetime:
    """`minutes` after the local midnight that begins `date` (1440 is the next midnight), Europe/Berlin."""
    day = date + dt.timedelta(days=minutes // MINUTES_PER_DAY)
    rest = minutes % MINUTES_PER_DAY
    return dt.datetime.combine(day, dt.time(rest // 60, rest % 60), BERLIN)


def staffed_days(war_room: WarRoom, window: Window) -> tuple[dt.date, dt.date]:
    """The first and last staffed day of the season in `window`; StaffingError if they leave it."""
    try:
        return war_room.staffed_days(window)
    except ValueError as error:
        raise StaffingError(f"warRoom.days: {error}") from None


def _cuts(hours: StaffedHours, pieces: int) -> list[int]:
    """The minutes after midnight at which the day's `pieces` shifts begin, and the end."""
    start, end = StaffedHours.minutes(hours.start), StaffedHours.minutes(hours.end)
    return [start + round(k * (end - start) / pieces) for k in range(pieces + 1)]


def shifts(war_room: WarRoom, first: dt.date, last: dt.date) -> list[Shift]:
    """Every staffed hour from `first` to `last` (inclusive) as consecutive shifts, each at most the rota's
    `maxShiftHours` long in real time."""
    hours, limit = war_room.hours, war_room.rota.max_shift_hours
    length = StaffedHours.minutes(hours.end) - StaffedHours.minutes(hours.start)
    pieces = math.ceil(length / (limit * 60) - 1e-9)
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    while True:
        cuts = _cuts(hours, pieces)
        laid = [Shift(_at(day, a), _at(day, b)) for day in days for a, b in itertools.pairwise(cuts)]
        # A clock change lengthens a shift by an hour: cut finer where that passes the limit.
        if all(shift.hours <= limit + 1e-9 for shift in laid) or pieces >= length:
            return laid
        pieces += 1


def staffed_shifts(war_room: WarRoom, start: str, end: str, year: int) -> tuple[Window, list[Shift]]:
    """The season's window in `year` and its staffed shifts."""
    window = resolve_window(start, end, year)
    first, last = staffed_days(war_room, window)
    return window, shifts(war_room, first, last)
