"""Every command's help shows its flags as flags: `--yes`, never `--yes <bool>` (a value it refuses)."""

from __future__ import annotations

import itertools
import re

import pytest
from rich.cells import cell_len
from typer.main import get_command

from freshfoodz_seasonal.cli.app import app
from freshfoodz_seasonal.cli.help_format import reflowed
from tests.support.cli_runner import invoke


def commands() -> list[list[str]]:
    group = get_command(app)
    found = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        subcommands = getattr(command, "commands", None)
        found += [[name, sub] for sub in subcommands] if subcommands else [[name]]
    return found


def test_no_flag_shows_a_value_in_any_commands_help() -> None:
    assert ["warroom", "rota"] in commands() and ["rollback"] in commands()
    for command in [[], ["warroom"], *commands()]:
        result = invoke(*command, "--help", env={"COLUMNS": "200"})
        assert result.exit_code == 0, (command, result.output)
        shown = [line for line in result.output.splitlines() if "<bool>" in line]
        assert not shown, (command, shown)


# A panel's borders; prose outside the panels is indented by one space.
_PANEL = ("╭", "│", "╰")
# Where a line may end a paragraph's line early: a sentence ends, or typer's own metadata (`[default: .]`,
# `[required]`) or a list item starts the next line.
_SENTENCE_END = (".", ":", "!", "?")
_OWN_LINE = re.compile(r"\[|[-*] |\d+\. ")


def _premature_breaks(lines: list[str], room: int) -> list[tuple[str, str]]:
    """Pairs of lines of one paragraph where the second line's first word would have fitted on the first,
    which does not end a sentence: a hard line break in the help text, not a wrap at the terminal's width."""
    found = []
    for line, after in itertools.pairwise(lines):
        text, following = line.rstrip(), after.strip()
        if not text.strip() or not following or _OWN_LINE.match(following) or text.endswith(_SENTENCE_END):
            continue
        if cell_len(text) + 1 + cell_len(following.split()[0]) <= room:
            found.append((text, following))
    return found


def _prose(output: str, width: int) -> list[tuple[str, str]]:
    """The premature breaks in the help's prose: its lines outside the panels, at the width less typer's
    padding."""
    prose = [line[1:] for line in output.splitlines() if not line.startswith(_PANEL)]
    return _premature_breaks(prose, width - 2)


def _command_list(output: str) -> list[tuple[str, str]]:
    """The premature breaks in a group's command list: a command's help, from where its first line starts to
    the border, less the padding; a line starting there (the name's column blank) goes on the one above."""
    lines = output.splitlines()
    if "╭─ Commands " not in output:
        return []
    start = next(index for index, line in enumerate(lines) if line.startswith("╭─ Commands "))
    rows = [line[1:-1] for line in itertools.takewhile(lambda line: line.startswith("│"), lines[start + 1 :])]
    found = []
    for line, after in itertools.pairwise(rows):
        column = len(after) - len(after.lstrip())
        if after.strip() and column > 1:
            found += _premature_breaks([line[column:], after[column:]], len(line) - column - 1)
    return found


@pytest.mark.parametrize("width", [80, 120])
def test_every_help_fits_the_terminal_and_its_prose_wraps_at_its_width(width: int) -> None:
    assert ["track"] in commands() and ["warroom", "drill"] in commands()
    for command in [[], ["warroom"], *commands()]:
        result = invoke(*command, "--help", env={"COLUMNS": str(width)})
        assert result.exit_code == 0, (command, result.output)
        wide = [line for line in result.output.splitlines() if cell_len(line) > width]
        assert not wide, (command, wide)
        # typer's option table cuts a name or word wider than its column with an ellipsis: keep them short
        cut = [line for line in result.output.splitlines() if "…" in line]
        assert not cut, (command, cut, "an option name, metavar or word too long for typer's table")
        assert not _prose(result.output, width), (command, _prose(result.output, width))
        assert not _command_list(result.output), (command, _command_list(result.output))


def test_a_docstrings_paragraphs_are_joined_and_its_list_items_keep_their_lines() -> None:
    text = "First line\ngoes on.\n\nThe steps:\n- one\n  still one\n- two\n1. three\n\nLast."
    assert reflowed(text) == "First line goes on.\n\nThe steps:\n- one still one\n- two\n1. three\n\nLast."
    assert reflowed(None) is None
