"""A count with its noun in the number it takes: `1 worker`, `2 workers`, never `1 workers` or `2 worker(s)`."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`count` and `noun`, the noun plural (`plural`, or the noun with an s) unless the count is one."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"
