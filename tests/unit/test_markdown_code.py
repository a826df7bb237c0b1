"""Commands in markdown tables are code spans: copied as written, never rendered, whatever they hold.
Checked with markdown-it-py (CommonMark with GitHub's tables), not with our own reading of the rules."""

from __future__ import annotations

import html

import pytest
from markdown_it import MarkdownIt

from freshfoodz_seasonal.cli.tables import Section, markdown_sections

COMMANDS = [
    'seasonctl baseline --prometheus-url "$PROMETHEUS_URL" --stack x --write',
    "seasonctl loadtest x --out peak-x.js && k6 run peak-x.js",
    "echo `date` and ``two`` <img src=x onerror=alert(1)> @team *bold* [a](https://example.org)",
    "grep -E 'a|b' file | wc -l",
    "`starts and ends with a backtick`",
]


def rendered_cells(commands: list[str]) -> list[str]:
    section = Section("Steps", ["id", "command"], [[f"step-{n}", c] for n, c in enumerate(commands)], whole=["command"])
    page = "\n".join(markdown_sections([section]))
    tokens = MarkdownIt("commonmark").enable("table").parse(page)
    # The second cell of each body row: its inline token's children.
    cells = [t for t in tokens if t.type == "inline"][3:]  # title, then the two header cells
    return [
        "".join(child.content for child in cell.children or [] if child.type == "code_inline") for cell in cells[1::2]
    ]


def test_every_command_comes_back_as_one_code_span_as_written() -> None:
    assert rendered_cells(COMMANDS) == COMMANDS


@pytest.mark.parametrize("command", COMMANDS)
def test_nothing_in_a_command_is_rendered(command: str) -> None:
    section = Section("Steps", ["command"], [[command]], whole=["command"])
    page = MarkdownIt("commonmark").enable("table").render("\n".join(markdown_sections([section])))
    assert "<img" not in page and "<a " not in page and "<strong>" not in page and "<em>" not in page
    assert html.escape(command, quote=False) in page.replace("&quot;", '"')
