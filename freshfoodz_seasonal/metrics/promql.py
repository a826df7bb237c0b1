"""Small PromQL building blocks: names, durations, string literals, exact-match selectors and numbers."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping

METRIC_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
DURATION = re.compile(r"^(0|[1-9][0-9]*)(ms|s|m|h|d|w|y)$")

Matcher = tuple[str, str, str]

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_OPERATORS = ("=", "!=", "=~", "!~")


def string_literal(value: str) -> str:
    """A double-quoted PromQL string (Go escaping): backslash, quote and control characters escaped.

    Exact matchers (`=`) compare the value literally, so `/api/customers/{id}` needs no regex escaping.
    """
    out = []
    for char in value:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\x{ord(char):02x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def selector(metric: str, matchers: Iterable[Matcher] = ()) -> str:
    """`metric{label op "value", ...}`; values given to `=`/`!=` are literal, to `=~`/`!~` a regex."""
    parts = []
    for label, op, value in matchers:
        if not LABEL_NAME.fullmatch(label):
            raise ValueError(f"{label!r} is not a valid Prometheus label name")
        if op not in _OPERATORS:
            raise ValueError(f"{op!r} is not a PromQL matcher operator")
        parts.append(f"{label}{op}{string_literal(value)}")
    return f"{metric}{{{','.join(parts)}}}" if parts else metric


def exact_matchers(matchers: Mapping[str, str] | None) -> tuple[Matcher, ...]:
    """`{label: value}` as `=` matchers, sorted by label so the queries are stable; None means none."""
    return tuple((label, "=", value) for label, value in sorted((matchers or {}).items()))


def check_rate_window(rate_window: str) -> str:
    """`rate_window` itself if it is a PromQL duration like `5m`; a ValueError otherwise."""
    if not DURATION.fullmatch(rate_window):
        raise ValueError(f"rate_window {rate_window!r} is not a duration like '5m'")
    return rate_window


def number(value: float) -> str:
    """A finite number as PromQL reads it back exactly: integers without `.0`, floats by repr."""
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"alert thresholds must be finite, got {value}")
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800, "y": 31_536_000}


def duration_seconds(duration: str) -> float:
    """A PromQL duration like `14d` in seconds (a year is 365 days, as Prometheus counts it)."""
    match = DURATION.fullmatch(duration)
    if match is None:
        raise ValueError(f"{duration!r} is not a duration like '5m' or '14d'")
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
