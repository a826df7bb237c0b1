"""A tracked day: a Europe/Berlin calendar day as Prometheus's instants, and the queries that measure it.

A Berlin day lasts 23 or 25 hours when the clocks change, so the look-back is counted in hours from
the day's own midnight to the next, never taken as `1d`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from freshfoodz_seasonal.baseline.queries import RouteKey, route_matchers
from freshfoodz_seasonal.metrics.names import MetricNames
from freshfoodz_seasonal.metrics.promql import Matcher, selector

BERLIN = ZoneInfo("Europe/Berlin")
SUCCESS_STATUS = "2.."


@dataclass(frozen=True)
class TrackedDay:
    date: dt.date

    @property
    def start_s(self) -> float:
        return dt.datetime.combine(self.date, dt.time(), BERLIN).timestamp()

    @property
    def end_s(self) -> float:
        return dt.datetime.combine(self.date + dt.timedelta(days=1), dt.time(), BERLIN).timestamp()

    @property
    def window(self) -> str:
        """The day's length as a PromQL duration: `24h`, or `23h`/`25h` when the clocks change."""
        return f"{round((self.end_s - self.start_s) / 3600)}h"


def success_query(
    names: MetricNames, window: str, extra_matchers: Sequence[Matcher], routes: Sequence[RouteKey]
) -> str:
    """Per route, the 2xx answers over the window: the sample route's success rate is these over its requests."""
    by_route = f"{names.uri_label}, {names.method_label}"
    matchers = (*extra_matchers, *route_matchers(names, routes), (names.status_label, "=~", SUCCESS_STATUS))
    return f"sum by ({by_route}) (increase({selector(names.http_count, matchers)}[{window}]))"
