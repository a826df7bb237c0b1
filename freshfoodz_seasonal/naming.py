"""How the program names a season's resources, and how Pulumi names them in URNs."""

from __future__ import annotations

from dataclasses import dataclass

STACK_TYPE = "pulumi:pulumi:Stack"


def resource_prefix(season: str) -> str:
    """`freshfoodz-<season>`: every resource and component of the season is named `<prefix>-<part>`."""
    return f"freshfoodz-{season}"


@dataclass(frozen=True)
class Urn:
    """A URN's type chain (ancestors' types, then its own, as `$` joins them) and name."""

    types: tuple[str, ...]
    name: str

    @property
    def type(self) -> str:
        return self.types[-1]


def parse_urn(urn: str) -> Urn | None:
    """`urn:pulumi:<stack>::<project>::<type chain>::<name>` as its parts; None for anything else."""
    parts = urn.split("::")
    if len(parts) < 4:
        return None
    return Urn(tuple(parts[2].split("$")), "::".join(parts[3:]))
