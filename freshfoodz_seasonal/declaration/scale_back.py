"""When the seasonal node group scales itself back: a safety net in case rollback is forgotten."""

from __future__ import annotations

import datetime as dt

from freshfoodz_seasonal.seasons.ownership import BERLIN, SCALE_BACK_DAYS_AFTER

# Rollback is due T+1; the scheduled action fires a day later still, in the early morning when
# a B2B food distributor's traffic is lowest.
LOCAL_HOUR = 6


def scale_back_at(last_day: dt.date, now: dt.datetime) -> dt.datetime | None:
    """06:00 Europe/Berlin, SCALE_BACK_DAYS_AFTER the season's last day, in UTC; None if that has passed.

    AWS refuses a scheduled action in the past, and one that already passed has nothing to guard.
    `now` must be timezone-aware; the caller reads the clock.
    """
    local = dt.datetime.combine(last_day + dt.timedelta(days=SCALE_BACK_DAYS_AFTER), dt.time(LOCAL_HOUR), tzinfo=BERLIN)
    at = local.astimezone(dt.UTC)
    return at if at > now else None


def aws_timestamp(at: dt.datetime) -> str:
    """The `YYYY-MM-DDThh:mm:ssZ` form the Auto Scaling API wants (UTC)."""
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
