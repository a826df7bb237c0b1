"""Neutral tables, rendered for the terminal (rich) or for pull requests (markdown)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from freshfoodz_seasonal.visible import escaped


@dataclass(frozen=True)
class Section:
    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[str]]
    notes: Sequence[str] = field(default_factory=tuple)
    apart: Sequence[str] = field(default_factory=tuple)
    """Columns of long text (a step's title, a command): where the table with them does not fit the
    terminal without breaking a word, they are listed below a compact table instead, row by row."""
    whole: Sequence[str] = field(default_factory=tuple)
    """Of the `apart` columns, those to be copied whole (commands): listed on a line of their own that the
    program never breaks (the terminal may wrap it; a copy takes it whole)."""
    key: str | None = None
    """The column that names a row in the list below the table (default: the first)."""


# A number as tables show one: a sign or a mark (`>` a lower bound, `~` within a bucket), digits with `,`
# or `.`, and a unit. Columns of these are right-aligned; any other column is text, left-aligned.
_NUMBER = re.compile(r"[<>~+\-]{0,2}\d[\d,.]*\s?(%|x|ms|s|h|rps|/s|m|MiB|GiB|[A-Z]{3})?")
# What a table shows where it has no value.
_NO_VALUE = frozenset({"", "-"})


def numeric_columns(section: Section) -> list[bool]:
    """Per column, whether every value in it is a number (the first column is always a name)."""
    return [
        index > 0
        and any(row[index] not in _NO_VALUE for row in section.rows)
        and all(row[index] in _NO_VALUE or _NUMBER.fullmatch(row[index]) for row in section.rows)
        for index in range(len(section.columns))
    ]


def _text(text: str, style: str = "") -> Text:
    """Brackets from a stack file or a server's answer are not rich markup, control characters not sent raw."""
    return Text(escaped(text), style=style)


def to_rich(heading: str, sections: Sequence[Section]) -> RenderableType:
    """The sections for the terminal. Print it with `crop=False`: a command listed below a narrow table runs
    past the terminal's width rather than being cut, so that a copy takes it whole."""
    parts: list[RenderableType] = [_text(heading, style="bold")]
    for section in sections:
        parts.append(_SectionView(section))
        parts.extend(_text(f"  {note}", style="dim") for note in section.notes)
    return Group(*parts)


def _table(section: Section, columns: Sequence[int]) -> Table:
    """The section's table with the given columns; none narrower than its longest word, so ids, dates and
    names wrap only at their spaces."""
    table = Table(title=_text(section.title), title_justify="left", title_style="bold cyan")
    numeric = numeric_columns(section)
    for index in columns:
        words = [
            word for cell in (section.columns[index], *(row[index] for row in section.rows)) for word in cell.split()
        ]
        table.add_column(
            _text(section.columns[index]),
            justify="right" if numeric[index] else "left",
            overflow="fold",
            min_width=min(max((len(word) for word in words), default=1), MAX_WORD_WIDTH),
        )
    for row in section.rows:
        table.add_row(*(_text(row[index]) for index in columns))
    return table


# A column never narrower than its longest word, up to this: a longer "word" (a URL) may still fold.
MAX_WORD_WIDTH = 40


def _narrowest(table: Table) -> int:
    """The fewest characters the table takes without breaking a word: each column's minimum, its padding
    (one space each side) and the borders between and around the columns. (rich's own measurement is
    capped at the width it is given, so it cannot tell that a table does not fit.)"""
    return sum((column.min_width or 1) + 2 for column in table.columns) + len(table.columns) + 1


class _SectionView:
    """A section as a table; where the terminal is too narrow for it, a compact table without its `apart`
    columns, and below it, row by row, those columns' values: text wrapped at its spaces, commands whole."""

    def __init__(self, section: Section) -> None:
        self.section = section

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        section = self.section
        every = list(range(len(section.columns)))
        whole = _table(section, every)
        kept = [index for index in every if section.columns[index] not in section.apart]
        if len(kept) == len(every) or _narrowest(whole) <= options.max_width:
            yield whole
            return
        yield _table(section, kept)
        key = section.columns.index(section.key) if section.key in section.columns else 0
        moved = [index for index in every if index not in kept]
        for row in section.rows:
            yield _text(row[key], style="bold")
            for index in moved:
                if not row[index]:
                    continue
                if section.columns[index] in section.whole:
                    yield Segment(f"    {escaped(row[index])}")
                    yield Segment.line()
                else:
                    yield Padding(_text(f"{section.columns[index]}: {row[index]}"), (0, 0, 0, 4))


def markdown_cell(text: str) -> str:
    """Text in one cell of a markdown table: a `|` would end the cell, a newline the row."""
    return text.replace("|", "\\|").replace("\n", " ")


# Markdown and HTML that text from a stack file or a git ref could smuggle into a pull-request comment:
# tags (`</details>`, `<img>`), links, emphasis, code spans. Each is shown as the character it is.
# `&` too: an entity (`&commat;`, `&colon;`) would render as the character it names.
_MARKDOWN_SPECIAL = str.maketrans({char: "\\" + char for char in "\\`*_[]<>#!~&"})


# What GitHub turns into a link by itself: a URL's scheme and a leading `www.`.
_AUTOLINK = re.compile(r"://|(?i:www)\.")


def markdown_text(text: str) -> str:
    """Text from outside as plain text in markdown: no markup, no @mentions and no links (a zero-width
    space after `@`, in `://` and after `www`), control characters as escapes."""
    marked = escaped(text).translate(_MARKDOWN_SPECIAL).replace("@", "@&#8203;")
    return _AUTOLINK.sub(lambda match: match.group(0)[:-1] + "&#8203;" + match.group(0)[-1], marked)


def to_markdown(heading: str, sections: Sequence[Section]) -> str:
    """Every text escaped (markdown_text): what a stack file says is shown, never rendered."""
    lines = [f"### {markdown_text(heading)}", "", *markdown_sections(sections)]
    return "\n".join(lines).rstrip() + "\n"


def markdown_sections(sections: Sequence[Section], level: int = 4) -> list[str]:
    """The sections as markdown lines, each titled at heading `level`; every text escaped."""

    def cell(text: str) -> str:
        return markdown_cell(markdown_text(text))

    lines = []
    for section in sections:
        lines += [f"{'#' * level} {markdown_text(section.title)}", ""]
        lines.append("| " + " | ".join(cell(c) for c in section.columns) + " |")
        lines.append("|" + "|".join("---:" if numeric else ":---" for numeric in numeric_columns(section)) + "|")
        lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in section.rows]
        # Each note a paragraph of its own: consecutive `>` lines would render as one run-on paragraph.
        quoted = [line for note in section.notes for line in (">", f"> {markdown_text(note)}")][1:]
        lines += ["", *quoted, *([""] if section.notes else [])]
    return lines
