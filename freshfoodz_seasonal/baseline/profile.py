"""The job's traffic by hour of the day (Europe/Berlin) and its quietest hour: when the failover goes.

One range query reads the job's request rate every hour over the window; each point counts for the
Berlin hour of its timestamp (so daylight saving moves nothing), and each hour's mean over the days
is its rate. The quietest hour is the one with the lowest mean; an hour without any point has no
mean and cannot be it. Pure: the answer in, the profile out.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from freshfoodz_seasonal.baseline.measure import PrometheusAnswerError
from freshfoodz_seasonal.seasons.ownership import BERLIN

HOURS = 24


@dataclass(frozen=True)
class HourlyProfile:
    rates: tuple[float | None, ...]
    """Mean requests per second in each Europe/Berlin hour (0-23); None where the window has no point."""

    @property
    def quiet_hour(self) -> int | None:
        known = [(rate, hour) for hour, rate in enumerate(self.rates) if rate is not None]
        return min(known)[1] if len(known) == HOURS else None

    @property
    def busy_hour(self) -> int | None:
        known = [(rate, hour) for hour, rate in enumerate(self.rates) if rate is not None]
        return max(known)[1] if known else None


def hourly_profile(answer: Any) -> HourlyProfile:
    """The profile of a `/api/v1/query_range` answer for one series; PrometheusAnswerError if it is none."""
    try:
        data = answer["data"]
        if answer["status"] != "success" or data["resultType"] != "matrix":
            raise PrometheusAnswerError(f"expected a successful range answer, got {answer!r:.200}")
        points = [point for series in data["result"] for point in series["values"]]
        totals, counts = [0.0] * HOURS, [0] * HOURS
        for at_s, text in points:
            value = float(text)
            if not math.isfinite(value):
                continue
            hour = dt.datetime.fromtimestamp(float(at_s), dt.UTC).astimezone(BERLIN).hour
            totals[hour] += value
            counts[hour] += 1
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, PrometheusAnswerError):
            raise
        raise PrometheusAnswerError(f"not a Prometheus range answer ({error}): {answer!r:.200}") from None
    return HourlyProfile(tuple(totals[h] / counts[h] if counts[h] else None for h in range(HOURS)))
