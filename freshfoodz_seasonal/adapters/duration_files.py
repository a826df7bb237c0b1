"""Reads the duration model's rows shipped inside the `freshfoodz_seasonal` package (`data/`)."""

from __future__ import annotations

from functools import cache
from importlib import resources

from freshfoodz_seasonal.durations import ChangeKind, Duration, parse_durations


@cache
def load_durations() -> dict[ChangeKind, Duration]:
    data = resources.files("freshfoodz_seasonal") / "data" / "apply-durations.csv"
    return parse_durations(data.read_text(encoding="utf-8"))
