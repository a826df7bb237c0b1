"""Exit codes, the error and warning lines on stderr, and JSON on stdout: shared by every command.

Exit codes: 0 done, 2 invalid input (config, flags), 3 infeasible request, 4 Prometheus could not be
read, 5 the data gives no baseline, 6 the Pulumi CLI is missing or a step of a rollback failed, 1 aborted
at the confirmation prompt.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.text import Text

from freshfoodz_seasonal.cli.unbroken import wrapped
from freshfoodz_seasonal.visible import escaped

EXIT_INVALID = 2
EXIT_INFEASIBLE = 3
EXIT_PROMETHEUS = 4
EXIT_NO_BASELINE = 5
EXIT_PULUMI = 6
# `seasonctl track`: a line of the day says act (a scheduled run pages on it).
EXIT_ACT = 7
EXIT_ABORTED = 1


def stderr_console() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def fail(code: int, lines: list[str]) -> NoReturn:
    """Prints each line as an error and exits with `code`: no traceback for a user's mistake."""
    for line in _lines(lines):
        _say("error: ", "red", line)
    raise typer.Exit(code)


def warn(line: str) -> None:
    for part in _lines([line]):
        _say("warning: ", "yellow", part)


def note(line: str) -> None:
    """What a command did, on stderr (stdout stays the command's output): wrapped as warnings are."""
    for part in _lines([line]):
        _say("", "", part)


def _lines(lines: list[str]) -> list[str]:
    """Each line of each message: a message of several lines (Pulumi's) keeps them, escaped one by one."""
    return [part for line in lines for part in line.splitlines() or [""]]


def _say(prefix: str, style: str, line: str) -> None:
    """One message on stderr. At a terminal it wraps between words at the terminal's width (the terminal's
    own fold cuts words, dates and paths), a word longer than the width on a line of its own; into a file
    or a pipe it stays one line, so that a log keeps it whole. Values from the user's file may contain
    brackets (never read as rich markup) and control characters (shown as escapes, never sent)."""
    console = stderr_console()
    text = prefix + escaped(_without_own_prefix(prefix, line))
    pieces = wrapped(text, console.width, _WORD, hanging="  ") if console.is_terminal else [text]
    console.print(Text.assemble((prefix, style), pieces[0][len(prefix) :]))
    for piece in pieces[1:]:
        console.print(Text(piece))


def _without_own_prefix(prefix: str, line: str) -> str:
    """The line without the prefix it already starts with (Pulumi's `error: update failed`), so it is said
    once: `error: update failed`, not `error: error: update failed`."""
    stripped = line.lstrip()
    return stripped[len(prefix) :].lstrip() if stripped.lower().startswith(prefix.lower()) else line


# A word, or a command in backticks with what follows it up to a space (`seasonctl rollback x --yes`:):
# a command is copied whole, so it is never broken (a resume command cut after `--yes` would run another).
_WORD = re.compile(r"`[^`]*`\S*\s*|\S+\s*")


def print_json(data: Any) -> None:
    """A command's JSON document on stdout, keys in the order the document gives them."""
    # NaN and Infinity are not JSON: a value that is one is a defect to surface, not to print.
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=False, allow_nan=False) + "\n")


def json_text(document: Any) -> str:
    """A preview's JSON document: sorted keys, so the text is the same whatever order things were declared in."""
    return json.dumps(document, indent=2, sort_keys=True, default=str, allow_nan=False) + "\n"
