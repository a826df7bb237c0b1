"""Neutral tables, rendered for the terminal (rich) or for pull requests (markdown)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from freshfoodz_seasonal.visible import escaped


@dataclass(frozen=True)
class Section:
    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[str]]
    notes: Sequence[str] = field(default_factory=tuple)


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
    parts: list[RenderableType] = [_text(heading, style="bold")]
    for section in sections:
        table = Table(title=_text(section.title), title_justify="left", title_style="bold cyan")
        for column, numeric in zip(section.columns, numeric_columns(section), strict=True):
            table.add_column(_text(column), justify="right" if numeric else "left", overflow="fold")
        for row in section.rows:
            table.add_row(*(_text(cell) for cell in row))
        parts.append(table)
        parts.extend(_text(f"  {note}", style="dim") for note in section.notes)
    return Group(*parts)


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
        lines += [""] + [f"> {markdown_text(note)}" for note in section.notes] + ([""] if section.notes else [])
    return lines
