"""The war room of a stack the `warroom` commands were given."""

from __future__ import annotations

from freshfoodz_seasonal.cli.exits import EXIT_INVALID, fail
from freshfoodz_seasonal.cli.stacks import LoadedStack
from freshfoodz_seasonal.config.war_room import WarRoom


def war_room_of(loaded: LoadedStack) -> WarRoom:
    """The loaded stack's war room; exit 2 without one."""
    if loaded.settings.war_room is None:
        fail(EXIT_INVALID, [f"{loaded.path}: declares no freshfoodz-seasonal:warRoom (see README's Config reference)"])
    return loaded.settings.war_room
