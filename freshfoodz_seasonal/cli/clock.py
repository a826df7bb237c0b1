"""The clock, read once per invocation: every command passes this moment down instead of reading it again."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Now:
    utc: dt.datetime
    """The moment the command runs at, timezone-aware, in UTC."""
    today: dt.date
    """The local date at that moment, as `dt.date.today()` gives it."""


def read_clock() -> Now:
    utc = dt.datetime.now(dt.UTC)
    return Now(utc, utc.astimezone().date())
