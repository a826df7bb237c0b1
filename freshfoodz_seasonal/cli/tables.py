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
    parts: list[RenderableType] = [Text(heading, style="bold")]
    for section in sections:
        table = Table(title=section.title, title_justify="left", title_style="bold cyan")
        for index, column in enumerate(section.columns):
            table.add_column(column, justify="left" if index == 0 else "right", overflow="fold")
        for row in section.rows:
            table.add_row(*row)
        parts.append(table)
        parts.extend(Text(f"  {note}", style="dim") for note in section.notes)
    return Group(*parts)


def _markdown_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(heading: str, sections: Sequence[Section]) -> str:
    lines = [f"### {heading}", ""]
    for section in sections:
        lines += [f"#### {section.title}", ""]
        lines.append("| " + " | ".join(_markdown_cell(c) for c in section.columns) + " |")
        lines.append("|" + "|".join(":---" if i == 0 else "---:" for i in range(len(section.columns))) + "|")
        lines += ["| " + " | ".join(_markdown_cell(c) for c in row) + " |" for row in section.rows]
        lines += [""] + [f"> {note}" for note in section.notes] + ([""] if section.notes else [])
    return "\n".join(lines).rstrip() + "\n"
