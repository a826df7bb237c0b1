"""The job's traffic by hour of the day (Europe/Berlin) and its quietest hour: when the failover goes.

One range query reads the job's mean request rate over each full hour of the window (a point on the
hour, the rate of the hour before it), so the minute `--end` has changes nothing; each point counts
for the Europe/Berlin hour it covers (daylight saving moves nothing), and each hour's mean over the
days is its rate. The quietest hour is the one with the lowest mean; an hour without any point has no
mean, and then there is no quiet hour. Pure: the answer in, the profile out.
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
        series = data["result"]
        if len(series) > 1:
            # The query sums every series: more than one is not Prometheus's answer to it.
            raise PrometheusAnswerError(f"expected one series (a sum), got {len(series)}")
        points = {float(at_s): text for one in series for at_s, text in one["values"]}  # a timestamp counts once
        totals, counts = [0.0] * HOURS, [0] * HOURS
        for at_s, text in points.items():
            value = float(text)
            if not math.isfinite(value) or value < 0:
                continue  # no rate, or none a counter can give
            # The point at HH:00 is the mean of the hour before it: counted for that hour.
            hour = dt.datetime.fromtimestamp(at_s - 1800, dt.UTC).astimezone(BERLIN).hour
            totals[hour] += value
            counts[hour] += 1
    except (KeyError, TypeError, ValueError, OverflowError, OSError) as error:
        if isinstance(error, PrometheusAnswerError):
            raise
        raise PrometheusAnswerError(f"not a Prometheus range answer ({error}): {answer!r:.200}") from None
    return HourlyProfile(tuple(totals[h] / counts[h] if counts[h] else None for h in range(HOURS)))
