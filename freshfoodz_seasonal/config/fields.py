"""The building blocks every section of a stack's config shares: strict sections, names and text."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from freshfoodz_seasonal.seasons.windows import parse_month_day
from freshfoodz_seasonal.visible import shows_as_itself


class ConfigSection(BaseModel):
    # strict: `true` is not 1 and "8" is not 8 in a production stack; no inf or nan either.
    model_config = ConfigDict(extra="forbid", alias_generator=to_camel, frozen=True, strict=True, allow_inf_nan=False)


Slug = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$",
        description="a lowercase name: letters, digits and '-', at most 63 characters (a Kubernetes name)",
    ),
]


def printable(text: str) -> str:
    """Only characters that show as themselves: no control characters (C0, C1: terminal escapes), no
    format characters (bidi marks and overrides, zero-width characters, tag characters), no line or
    paragraph separators (visible.shows_as_itself); spaces of any width are allowed."""
    hidden = next((char for char in text if not shows_as_itself(char)), None)
    if hidden is not None:
        raise ValueError(f"holds U+{ord(hidden):04X}, a control or invisible character; accepted: printable text")
    return text


Text = Annotated[
    str,
    Field(min_length=1, max_length=200, description="1 to 200 printable characters"),
    AfterValidator(printable),
]


def _month_day(text: str) -> str:
    parse_month_day(text)
    return text


# A day of every year, MM-DD (no 02-29).
MonthDay = Annotated[str, AfterValidator(_month_day)]


# A duration as Prometheus, Grafana and k6 write one: a number and s, m or h.
Duration = Annotated[
    str, Field(pattern=r"^[1-9][0-9]{0,3}[smh]$", description="a duration: 1 to 4 digits and s, m or h, e.g. 30s")
]
