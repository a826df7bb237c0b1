"""Options given by a name they had before: taken by their name now, with a warning, so that a scheduled
run (cron, CI) keeps working until its command is updated."""

from __future__ import annotations

from freshfoodz_seasonal.cli.exits import warn

# An earlier name -> the name now.
RENAMED_OPTIONS = {"--insecure-skip-tls-verify": "--insecure"}


def current_names(args: list[str]) -> list[str]:
    """`args` with each earlier option name replaced by its name now, each said once as a warning."""
    for old in sorted(set(args) & RENAMED_OPTIONS.keys()):
        warn(f"{old} is now {RENAMED_OPTIONS[old]}; taken as that (update the command)")
    return [RENAMED_OPTIONS.get(arg, arg) for arg in args]
