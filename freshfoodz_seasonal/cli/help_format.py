"""How `--help` shows: flags as the flags they are, and the help's prose wrapped at the terminal's width; and
an option given by an earlier name taken by its name now (cli.renamed_options).

typer lists `--help` as `--help <bool>`, a value it would refuse. And its rich help keeps a docstring's
line breaks inside a paragraph, which break a line mid-sentence wherever the terminal is narrower or wider
than the source: a docstring's paragraphs are joined into one line each, for the terminal to wrap.
"""

from __future__ import annotations

import re
from typing import Any

# typer vendors click from 0.29 on: its Context is the type the override must take.
from typer._click.core import Context
from typer.core import TyperCommand, TyperGroup, TyperOption

from freshfoodz_seasonal.cli.renamed_options import current_names

# A line that starts a list item keeps its own line: `- `, `* ` or `1. `.
_LIST_ITEM = re.compile(r"\s*(?:[-*]|\d+\.)\s")


def reflowed(text: str | None) -> str | None:
    """The help text with each paragraph (lines up to a blank line) on one line, its lines joined by a space;
    a list item stays on a line of its own, and the blank lines between paragraphs stay."""
    if text is None:
        return None
    paragraphs = []
    for paragraph in text.split("\n\n"):
        lines: list[str] = []
        for line in paragraph.strip("\n").splitlines():
            if lines and not _LIST_ITEM.match(line):
                lines[-1] += " " + line.strip()
            else:
                lines.append(line.rstrip())
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def _as_flag(option: TyperOption | None) -> TyperOption | None:
    if option is not None:
        option.metavar = ""  # as cli.options.flag does for the commands' own flags
    return option


class FlagHelpCommand(TyperCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help = reflowed(self.help)

    def get_help_option(self, ctx: Context) -> TyperOption | None:
        return _as_flag(super().get_help_option(ctx))

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, current_names(args))


class FlagHelpGroup(TyperGroup):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help = reflowed(self.help)

    def get_help_option(self, ctx: Context) -> TyperOption | None:
        return _as_flag(super().get_help_option(ctx))
