"""What the rules see of a resource, and how they read values that arrive over Pulumi's wire.

Pulumi hands a policy numbers as floats (3.0 for 3), and maps and lists as proxies that raise on
a value unknown in a preview, so the rules accept any Mapping and compare whole numbers, not types.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

# Every API version, and the server-side-apply patch: an HPA from a YAML file counts as much.
_HPA_TYPE = re.compile(r"^kubernetes:autoscaling/[^:]+:HorizontalPodAutoscaler(Patch)?$")


def is_hpa(resource_type: str) -> bool:
    return bool(_HPA_TYPE.match(resource_type))


class ResourceOptions(TypedDict):
    """The resource options a policy can see that the rules use (see policy/__main__.py for the rest)."""

    protect: bool
    ignore_changes: Sequence[str]


@dataclass(frozen=True)
class StackResource:
    """One resource of the stack, as a stack policy sees it after the update's plan."""

    type: str
    urn: str
    parent: str | None
    """The parent's URN: resources of one component share it."""
    props: Mapping[str, Any]


@dataclass(frozen=True)
class StackViolation:
    urn: str
    """The resource the message is about."""
    message: str


def mapping(value: object) -> Mapping[str, Any]:
    """`value` if it is a mapping, else an empty one: a missing section reads as no keys."""
    return value if isinstance(value, Mapping) else {}


def whole_number(value: object) -> int | None:
    """`value` as an int if it is a whole number (3 or 3.0, not True or "3"), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def amount(text: object) -> float | None:
    """A tag's amount ("5143.57") as a float, or None if it is not a finite number."""
    if not isinstance(text, str):
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def tags_of(props: Mapping[str, Any]) -> Mapping[str, Any]:
    return mapping(props.get("tags"))


def tag_date(tags: Mapping[str, Any], key: str) -> tuple[dt.date | None, str]:
    """A `YYYY-MM-DD` tag as a date, or None and what is wrong with it."""
    text = tags.get(key)
    if text is None:
        return None, f"has no {key} tag"
    try:
        return dt.date.fromisoformat(str(text)), ""
    except ValueError:
        return None, f"has {key} {text!r}, not a YYYY-MM-DD date"


def name_of(urn: str) -> str:
    """The resource name at the end of a URN."""
    return urn.rsplit("::", 1)[-1]
