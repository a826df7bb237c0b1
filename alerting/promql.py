"""Small PromQL building blocks: string literals, exact-match selectors and numbers."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

_LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
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


def regex_literal(value: str) -> str:
    """A PromQL string for `=~` that matches `value` literally (RE2 metacharacters escaped)."""
    return string_literal(re.sub(r"([\\.+*?()|\[\]{}^$])", r"\\\1", value))


def selector(metric: str, matchers: Iterable[tuple[str, str, str]] = ()) -> str:
    """`metric{label op "value", ...}`; values given to `=`/`!=` are literal, to `=~`/`!~` a regex."""
    parts = []
    for label, op, value in matchers:
        if not _LABEL_NAME.fullmatch(label):
            raise ValueError(f"{label!r} is not a valid Prometheus label name")
        if op not in _OPERATORS:
            raise ValueError(f"{op!r} is not a PromQL matcher operator")
        parts.append(f"{label}{op}{string_literal(value)}")
    return f"{metric}{{{','.join(parts)}}}" if parts else metric


def number(value: float) -> str:
    """A finite number as PromQL reads it back exactly: integers without `.0`, floats by repr."""
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"alert thresholds must be finite, got {value}")
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)
