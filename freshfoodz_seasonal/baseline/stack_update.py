"""Writes measured baselines into a stack file's routes, keeping its comments, order and layout.

Text in, text out (ruamel.yaml's round trip): the caller reads and writes the file. Only the
measured keys of the measured routes change: `baselineRps`, `meanServiceTimeMs` and the spread
the route already uses (`serviceTimeCv` from the fitted lognormal, or `p95ServiceTimeMs` as
measured); and of each measured service or worker its `cpu` (`msPerRequest` or `msPerJob`, and
`idleMillicores`). Values are rounded up, so a rounded baseline never plans less than the measured one.
A key the file lacks is added at the end of its mapping, before the comment lines that follow it:
those describe what comes next.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.tokens import CommentToken

from freshfoodz_seasonal.baseline.cpu_measure import WorkloadCpu
from freshfoodz_seasonal.baseline.cpu_queries import Unit
from freshfoodz_seasonal.baseline.measure import RouteBaseline
from freshfoodz_seasonal.config.edit import StackEditError, config_of, dump, round_trip_yaml
from freshfoodz_seasonal.naming import CONFIG_NAMESPACE

ROUTES_KEY = f"{CONFIG_NAMESPACE}:routes"
SEASON_KEY = f"{CONFIG_NAMESPACE}:season"
QUIET_HOUR_KEY = "quietHour"
# Where each kind of workload lives in the file, and its key for the CPU per unit.
WORKLOADS_KEY = {Unit.REQUEST: f"{CONFIG_NAMESPACE}:services", Unit.JOB: f"{CONFIG_NAMESPACE}:workers"}
CPU_KEY = "cpu"
MS_PER_UNIT_KEY = {Unit.REQUEST: "msPerRequest", Unit.JOB: "msPerJob"}
IDLE_KEY = "idleMillicores"
PEAK_KEY = "peakRatePerPod"
CPU_SIGNIFICANT_DIGITS = 3


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


def _round_up_significant(value: float, digits: int) -> float:
    if value <= 0:
        return 0.0
    scale = 10.0 ** (digits - 1 - math.floor(math.log10(value)))
    # A thousandth of the last digit is float noise of the fit (30.0000004 stays 30.0, not 30.1); the
    # result is formatted back to `digits` digits, as a scale of 10^-n leaves noise (1240.0000000000002).
    return float(f"{math.ceil(value * scale - 1e-3) / scale:.{digits}g}")


def _round_down_significant(value: float, digits: int) -> float:
    if value <= 0:
        return 0.0
    scale = 10.0 ** (digits - 1 - math.floor(math.log10(value)))
    # A millionth of the last digit is float noise of the rate (29.99999999999 stays 30.0); more is not, since
    # rounding down must never claim a rate above the one measured.
    return float(f"{math.floor(value * scale + 1e-6) / scale:.{digits}g}")


def cpu_values(measured: WorkloadCpu) -> dict[str, float]:
    """The `cpu` keys written for one workload, to three significant digits: the CPU rounded up, the peak
    rate per pod (where the line's range of validity ends) rounded down."""
    fit = measured.fit
    return {
        MS_PER_UNIT_KEY[measured.target.unit]: _round_up_significant(fit.ms_per_unit, CPU_SIGNIFICANT_DIGITS),
        IDLE_KEY: _round_up_significant(fit.idle_millicores, CPU_SIGNIFICANT_DIGITS),
        PEAK_KEY: _round_down_significant(fit.peak_rate_per_pod, CPU_SIGNIFICANT_DIGITS),
    }


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


def _entries(document: object, key: str) -> dict[object, CommentedMap]:
    """The named entries of the list at `config.<key>`, by name."""
    try:
        entries = config_of(document).get(key)
    except StackEditError as error:
        raise StackUpdateError(str(error)) from None
    if not isinstance(entries, CommentedSeq):
        raise StackUpdateError(f"config.{key} is not a list")
    return {entry.get("name"): entry for entry in entries if isinstance(entry, CommentedMap)}


def _last_slot(node: object) -> tuple[CommentedMap | CommentedSeq, object] | None:
    """The innermost last key (or index) of a block: ruamel keeps the comment lines after the block there."""
    slot = None
    while isinstance(node, CommentedMap | CommentedSeq) and len(node) > 0:
        key: object = list(node)[-1] if isinstance(node, CommentedMap) else len(node) - 1
        slot = (node, key)
        node = node[key]
    return slot


def _comment_index(container: CommentedMap | CommentedSeq) -> int:
    # ruamel's per-item comment slots: the comment after the value is the third of a key's, the first of an item's.
    return 2 if isinstance(container, CommentedMap) else 0


def _take_comment_lines(mapping: CommentedMap) -> str | None:
    """Removes the full comment lines after `mapping`'s last value and returns them; an end-of-line comment stays."""
    slot = _last_slot(mapping)
    if slot is None:
        return None
    container, key = slot
    slots = container.ca.items.get(key)
    token = slots[_comment_index(container)] if slots else None
    if not isinstance(token, CommentToken):
        return None
    end_of_line, _, lines = token.value.partition("\n")
    if not lines.strip():
        return None
    if end_of_line.strip():
        token.value = end_of_line + "\n"
    else:
        slots[_comment_index(container)] = None
    return lines


def _set_key(mapping: CommentedMap, key: str, value: object) -> None:
    """`mapping[key] = value`: in place if the key is there; else appended, the comment lines that followed the
    mapping's last value moved after the new one, since they describe what follows the mapping."""
    if key in mapping:
        mapping[key] = value
        return
    lines = _take_comment_lines(mapping)
    mapping[key] = value
    slot = _last_slot(mapping)
    if lines is not None and slot is not None:
        container, last = slot
        token = CommentToken("\n" + lines, CommentMark(0), None)
        empty: list[object] = [None] * (4 if isinstance(container, CommentedMap) else 2)
        container.ca.items.setdefault(last, empty)[_comment_index(container)] = token


def _write_cpu(document: object, measured: WorkloadCpu) -> list[Change]:
    target = measured.target
    key = WORKLOADS_KEY[target.unit]
    entry = _entries(document, key).get(target.workload)
    if entry is None:
        raise StackUpdateError(f"config.{key} has no entry named {target.workload!r}")
    cpu = entry.get(CPU_KEY)
    if cpu is None:
        cpu = CommentedMap()
        _set_key(entry, CPU_KEY, cpu)
    elif not isinstance(cpu, CommentedMap):
        raise StackUpdateError(f"config.{key}[{target.workload}].{CPU_KEY} is not a mapping")
    changes = []
    for name, value in cpu_values(measured).items():
        changes.append(
            Change(f"{target.unit.workload_kind} {target.workload}", f"{CPU_KEY}.{name}", cpu.get(name), value)
        )
        _set_key(cpu, name, value)
    return changes


def update_stack_text(
    text: str, measured: Sequence[RouteBaseline], quiet_hour: int | None = None, cpu: Sequence[WorkloadCpu] = ()
) -> tuple[str, list[Change]]:
    """`text` with each measured route's values replaced (routes matched by name), each measured workload's
    `cpu` set (services and workers matched by name) and, if given, the season's quiet hour
    (`season.quietHour`), and the changes."""
    yaml = round_trip_yaml(text)
    document = yaml.load(text)
    changes = []
    if quiet_hour is not None:
        season = config_of(document).get(SEASON_KEY)
        if not isinstance(season, CommentedMap):
            raise StackUpdateError(f"config.{SEASON_KEY} is not a mapping")
        old = season.get(QUIET_HOUR_KEY)
        if old != quiet_hour:
            changes.append(Change("(season)", QUIET_HOUR_KEY, old, quiet_hour))
        _set_key(season, QUIET_HOUR_KEY, quiet_hour)
    entries = _entries(document, ROUTES_KEY)
    for route in measured:
        entry = entries.get(route.route.name)
        if entry is None:
            raise StackUpdateError(f"config.{ROUTES_KEY} has no route named {route.route.name!r}")
        spread_key = "p95ServiceTimeMs" if "p95ServiceTimeMs" in entry else "serviceTimeCv"
        for key, value in measured_values(route, spread_key).items():
            changes.append(Change(route.route.name, key, entry.get(key), value))
            entry[key] = value
    for workload in cpu:
        changes.extend(_write_cpu(document, workload))
    return dump(yaml, document), changes
