"""How the program names a season's resources: one prefix per season, so two seasons never collide."""

from __future__ import annotations


def resource_prefix(season: str) -> str:
    """`freshfoodz-<season>`: every resource and component of the season is named `<prefix>-<part>`."""
    return f"freshfoodz-{season}"
