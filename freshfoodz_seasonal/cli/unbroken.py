"""Text for the terminal that is never broken inside a word: wrapped at its spaces, and a word wider than the
terminal (a resource's name) on a line of its own, whole, where the terminal may wrap it but a copy takes it
whole, as the tables' commands are."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style

from freshfoodz_seasonal.visible import escaped

# A word with the spaces after it.
_WORD = re.compile(r"\S+\s*")


def wrapped(text: str, room: int, words: re.Pattern[str] = _WORD, hanging: str = "") -> list[str]:
    """The text's lines at most `room` cells wide, broken only between `words` (each with the spaces after
    it); a word wider than `room` alone on its line; the lines a paragraph wraps onto start with `hanging`.
    Each line of the text (`\\n`) starts a line."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in words.findall(paragraph):
            if line.strip() and cell_len(line + word.rstrip()) > room:
                lines.append(line.rstrip())
                line = hanging
            line += word
        lines.append(line.rstrip())
    return lines


class Unbroken:
    """A text (shown escaped) wrapped by `wrapped` at the terminal's width, after `indent` spaces; the lines it
    wraps onto start with `hanging`."""

    def __init__(self, text: str, style: str = "", indent: int = 0, hanging: str = "") -> None:
        self.text = escaped(text)
        self.style = Style.parse(style) if style else Style()
        self.indent = indent
        self.hanging = hanging

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in wrapped(self.text, max(options.max_width - self.indent, 1), hanging=self.hanging):
            yield Segment(" " * self.indent)
            yield Segment(line, self.style)
            yield Segment.line()


def tree_lines(title: str, branches: Sequence[tuple[str, Sequence[str]]], width: int) -> list[str]:
    """A tree of two levels (each branch's label and its leaves' labels) as lines with rich's tree guides,
    each label escaped and wrapped by `wrapped` in the room its guides leave."""
    lines = wrapped(escaped(title), width)
    for number, (label, leaves) in enumerate(branches, start=1):
        last = number == len(branches)
        lines += _node(label, "└── " if last else "├── ", "    " if last else "│   ", width)
        below = "    " if last else "│   "
        for leaf_number, leaf in enumerate(leaves, start=1):
            end = leaf_number == len(leaves)
            lines += _node(leaf, below + ("└── " if end else "├── "), below + ("    " if end else "│   "), width)
    return lines


def _node(label: str, first: str, rest: str, width: int) -> list[str]:
    """A label's lines, the first after `first` (its guide), the others after `rest`."""
    text = wrapped(escaped(label), max(width - cell_len(first), 1))
    return [(first if index == 0 else rest) + line for index, line in enumerate(text)]
