"""Neutral tables, rendered for the terminal (rich) or for pull requests (markdown)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text


@dataclass(frozen=True)
class Section:
    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[str]]
    notes: Sequence[str] = field(default_factory=tuple)


def to_rich(heading: str, sections: Sequence[Section]) -> RenderableType:
    """Every text as Text: brackets from a stack file or a server's answer are not rich markup."""
    parts: list[RenderableType] = [Text(heading, style="bold")]
    for section in sections:
        table = Table(title=Text(section.title), title_justify="left", title_style="bold cyan")
        for index, column in enumerate(section.columns):
            table.add_column(Text(column), justify="left" if index == 0 else "right", overflow="fold")
        for row in section.rows:
            table.add_row(*(Text(cell) for cell in row))
        parts.append(table)
        parts.extend(Text(f"  {note}", style="dim") for note in section.notes)
    return Group(*parts)


def markdown_cell(text: str) -> str:
    """Text in one cell of a markdown table: a `|` would end the cell, a newline the row."""
    return text.replace("|", "\\|").replace("\n", " ")


# Markdown and HTML that text from a stack file or a git ref could smuggle into a pull-request comment:
# tags (`</details>`, `<img>`), links, emphasis, code spans. Each is shown as the character it is.
_MARKDOWN_SPECIAL = str.maketrans({char: "\\" + char for char in "\\`*_[]<>#!~"})


def markdown_text(text: str) -> str:
    """Text from outside as plain text in markdown: no markup, no @mentions (a zero-width space after @)."""
    return text.translate(_MARKDOWN_SPECIAL).replace("@", "@&#8203;")


def to_markdown(heading: str, sections: Sequence[Section]) -> str:
    """Every text escaped (markdown_text): what a stack file says is shown, never rendered."""

    def cell(text: str) -> str:
        return markdown_cell(markdown_text(text))

    lines = [f"### {markdown_text(heading)}", ""]
    for section in sections:
        lines += [f"#### {markdown_text(section.title)}", ""]
        lines.append("| " + " | ".join(cell(c) for c in section.columns) + " |")
        lines.append("|" + "|".join(":---" if i == 0 else "---:" for i in range(len(section.columns))) + "|")
        lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in section.rows]
        lines += [""] + [f"> {markdown_text(note)}" for note in section.notes] + ([""] if section.notes else [])
    return "\n".join(lines).rstrip() + "\n"
