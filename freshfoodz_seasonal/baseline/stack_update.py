"""Writes measured baselines into a stack file's routes, keeping its comments, order and layout.

Text in, text out (ruamel.yaml's round trip): the caller reads and writes the file. Only the
measured keys of the measured routes change: `baselineRps`, `meanServiceTimeMs` and the spread
the route already uses (`serviceTimeCv` from the fitted lognormal, or `p95ServiceTimeMs` as
measured). Values are rounded up, so a rounded baseline never plans less than the measured one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from freshfoodz_seasonal.baseline.measure import RouteBaseline
from freshfoodz_seasonal.config.edit import StackEditError, config_of, dump, round_trip_yaml
from freshfoodz_seasonal.naming import CONFIG_NAMESPACE

ROUTES_KEY = f"{CONFIG_NAMESPACE}:routes"
SEASON_KEY = f"{CONFIG_NAMESPACE}:season"
QUIET_HOUR_KEY = "quietHour"


@dataclass(frozen=True)
class Change:
    route: str
    key: str
    old: object
    new: float


class StackUpdateError(ValueError):
    """The stack file's routes are not where or what the update needs."""


def _round_up(value: float, decimals: int) -> float:
    scale = 10.0**decimals
    # The small tolerance keeps 20.000000001 (float noise of a rate) at 20.0, not 20.01.
    return math.ceil(value * scale - 1e-6) / scale


def measured_values(measured: RouteBaseline, spread_key: str) -> dict[str, float]:
    """The keys written for one route, rounded up: rps to 0.01, ms to 0.1, CV to 0.01."""
    values = {
        "baselineRps": _round_up(measured.peak_rps, 2),
        "meanServiceTimeMs": _round_up(measured.mean_s * 1000, 1),
    }
    if spread_key == "p95ServiceTimeMs":
        values[spread_key] = _round_up(measured.p95_s * 1000, 1)
    else:
        values["serviceTimeCv"] = _round_up(measured.cv, 2)
    return values


def _routes(document: object) -> CommentedSeq:
    try:
        routes = config_of(document).get(ROUTES_KEY)
    except StackEditError as error:
        raise StackUpdateError(str(error)) from None
    if not isinstance(routes, CommentedSeq):
        raise StackUpdateError(f"config.{ROUTES_KEY} is not a list of routes")
    return routes


def update_stack_text(
    text: str, measured: Sequence[RouteBaseline], quiet_hour: int | None = None
) -> tuple[str, list[Change]]:
    """`text` with each measured route's values replaced (routes matched by name) and, if given, the
    season's quiet hour (`season.quietHour`), and the changes."""
    yaml = round_trip_yaml()
    document = yaml.load(text)
    if quiet_hour is not None:
        season = config_of(document).get(SEASON_KEY)
        if not isinstance(season, CommentedMap):
            raise StackUpdateError(f"config.{SEASON_KEY} is not a mapping")
        old = season.get(QUIET_HOUR_KEY)
        changes_of_season = [] if old == quiet_hour else [Change("(season)", QUIET_HOUR_KEY, old, quiet_hour)]
        season[QUIET_HOUR_KEY] = quiet_hour
    else:
        changes_of_season = []
    entries = {entry.get("name"): entry for entry in _routes(document) if isinstance(entry, CommentedMap)}
    changes = []
    for route in measured:
        entry = entries.get(route.route.name)
        if entry is None:
            raise StackUpdateError(f"config.{ROUTES_KEY} has no route named {route.route.name!r}")
        spread_key = "p95ServiceTimeMs" if "p95ServiceTimeMs" in entry else "serviceTimeCv"
        for key, value in measured_values(route, spread_key).items():
            changes.append(Change(route.route.name, key, entry.get(key), value))
            entry[key] = value
    return dump(yaml, document), [*changes_of_season, *changes]
