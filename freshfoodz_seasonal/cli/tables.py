"""Neutral tables, rendered for the terminal (rich) or for pull requests (markdown)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from freshfoodz_seasonal.cli.unbroken import Unbroken
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
    key: Sequence[str] = ()
    """The columns that name a row in the list below the table (default: the first)."""
    numbers: Sequence[str] = ()
    """Columns of numbers, right-aligned whatever they hold (also `-` in every row, a day without data); a
    column not named here is judged by its values (numeric_columns)."""


# A number as tables show one: a sign or a mark (`>` a lower bound, `~` within a bucket), digits with `,`
# or `.`, and a unit. Columns of these are right-aligned; any other column is text, left-aligned.
_NUMBER = re.compile(r"[<>~+\-]{0,2}\d[\d,.]*\s?(%|x|ms|s|h|rps|/s|m|MiB|GiB|[A-Z]{3})?")
# What a table shows where it has no value.
_NO_VALUE = frozenset({"", "-"})


def numeric_columns(section: Section) -> list[bool]:
    """Per column, whether it holds numbers: declared so (`numbers`), or every value in it is one (the first
    column is always a name)."""
    return [
        section.columns[index] in section.numbers
        or (
            index > 0
            and any(row[index] not in _NO_VALUE for row in section.rows)
            and all(row[index] in _NO_VALUE or _NUMBER.fullmatch(row[index]) for row in section.rows)
        )
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
        # A note that wraps goes on under its first line, not under the table's left edge.
        parts.extend(Padding(_text(note, style="dim"), (0, 0, 0, 2)) for note in section.notes)
    return Group(*parts)


def _table(layout: _Layout, width: int) -> Table:
    """The layout's table: each column at least as wide as its longest word (so ids, dates and names wrap only
    at their spaces), fitted to `width`: where the table is wider, the widest columns give way first."""
    section, columns, compact = layout.section, layout.columns, layout.compact
    table = Table(show_edge=not compact, pad_edge=not compact)
    numeric = numeric_columns(section)
    words = [layout.words[index] for index in columns]
    natural = [_longest(section, index, str.splitlines) for index in columns]
    widths = _fitted(natural, words, width - _frame(len(columns), compact))
    for index, word, most in zip(columns, words, widths, strict=True):
        table.add_column(
            _text(section.columns[index]),
            justify="right" if numeric[index] else "left",
            # Never needed (no column is narrower than its longest word); were it, no character is lost.
            overflow="fold",
            min_width=word,
            max_width=max(most, word),
        )
    for row in section.rows:
        table.add_row(*(_text(row[index]) for index in columns))
    return table


# A change, `3 -> 7` or `db.r7g.large -> db.r7g.xlarge`: read as one, so a column is never narrower.
_CHANGE_OR_WORD = re.compile(r"\S+(?: -> \S+)+|\S+")


def _words(text: str) -> list[str]:
    """The words a column must hold whole: a change with its arrow counts as one."""
    return _CHANGE_OR_WORD.findall(text)


def _longest(section: Section, index: int, parts: Callable[[str], list[str]]) -> int:
    """The widest of the parts (words, or lines) of the column's header and cells, as the terminal shows them."""
    cells = (section.columns[index], *(row[index] for row in section.rows))
    return max((cell_len(part) for cell in cells for part in parts(escaped(cell))), default=1) or 1


def _frame(columns: int, compact: bool) -> int:
    """The characters a table takes besides its columns' text: the padding (one space each side of a column)
    and the borders between and around the columns; compact, without the outer border and its padding."""
    return 3 * columns - 3 if compact else 3 * columns + 1


def _fitted(natural: Sequence[int], least: Sequence[int], room: int) -> list[int]:
    """Each column's width: as wide as its text where the columns fit in `room`; else the widest give way
    first, none below its least. (rich's own collapse shrinks columns below their minimum widths and then
    widens them back to it: a table wider than the terminal, though one that fits exists.)"""
    if sum(natural) <= room:
        return list(natural)
    cap = max(natural)
    while cap > 0 and sum(max(low, min(text, cap)) for text, low in zip(natural, least, strict=True)) > room:
        cap -= 1
    widths = [max(low, min(text, cap)) for text, low in zip(natural, least, strict=True)]
    spare = room - sum(widths)
    for index, text in enumerate(natural):
        if spare > 0 and widths[index] < text:
            widths[index] += 1
            spare -= 1
    return widths


@dataclass(frozen=True)
class _Layout:
    """One way to show a section: the columns in its table, the others listed below it row by row."""

    section: Section
    """The section shown: the one given, or it with its rows numbered (_numbered)."""
    words: Sequence[int]
    """Each column's narrowest width: its longest word (a change with its arrow one word); a command's
    (`whole`), the whole command: a table that cannot hold it on one line lists it below."""
    columns: Sequence[int]
    compact: bool
    """Without the outer border and the padding inside it."""

    @property
    def every(self) -> list[int]:
        return list(range(len(self.section.columns)))

    @property
    def keys(self) -> list[int]:
        return _key_columns(self.section)

    @property
    def numbered(self) -> bool:
        return self.section.columns[0] == ROW_NUMBER

    @property
    def has_table(self) -> bool:
        """A table of nothing but the names the list below repeats says nothing the list does not."""
        return list(self.columns) == self.every or not set(self.columns) <= set(self.keys)

    @property
    def narrowest(self) -> int:
        """The fewest characters it takes without breaking a word. (rich's own measurement is capped at the
        width it is given, so it cannot tell that a table does not fit.) The list below the table breaks
        lines between words: it fits any terminal."""
        if not self.has_table:
            return 0
        return sum(self.words[index] for index in self.columns) + _frame(len(self.columns), self.compact)


class _SectionView:
    """A section as a table, its title above it; where the terminal is too narrow for it, a narrower table
    (_layouts), and below it, row by row, the columns it leaves out: text wrapped at its spaces, commands
    whole. No word is ever folded: a column whose words do not fit goes below the table."""

    def __init__(self, section: Section) -> None:
        self.section = section

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        # The last layout, the list alone, fits any terminal.
        layout = next(layout for layout in _layouts(self.section) if layout.narrowest <= width)
        yield Unbroken(layout.section.title, style="bold cyan")
        if layout.has_table:
            yield _table(layout, width)
        if list(layout.columns) != layout.every:
            yield from _listed(layout)


def _listed(layout: _Layout) -> RenderResult:
    """The list below the table: each row's name (its key columns, after its number where the rows are
    numbered), then the values of the columns the table leaves out, each on lines of its own."""
    section, keys = layout.section, layout.keys
    moved = [index for index in layout.every if index not in layout.columns and index not in keys]
    digits = len(str(len(section.rows)))
    for row in section.rows:
        if layout.numbered:
            # ` 9. name` and `10. name`: the numbers right-aligned, a name's further lines under its start.
            number, name = row[0], "  ".join(row[index] for index in keys[1:])
            pad = digits - len(number)
            yield Unbroken(f"{number}. {name}", style="bold", indent=pad, hanging=" " * (len(number) + 2))
        else:
            yield Unbroken("  ".join(row[index] for index in keys), style="bold")
        for index in moved:
            if not row[index]:
                continue
            if section.columns[index] in section.whole:
                yield Segment(f"    {escaped(row[index])}")
                yield Segment.line()
            else:
                yield Unbroken(f"{section.columns[index]}: {row[index]}", indent=4)


# The column of row numbers in a table whose names are listed below it.
ROW_NUMBER = "#"


def _numbered(section: Section) -> Section:
    """The section with a number before each row: a table of the numbers, its names (the key columns) listed
    below it beside their numbers, with the `apart` columns."""
    keys = tuple(section.key) or (section.columns[0],)
    return Section(
        section.title,
        [ROW_NUMBER, *section.columns],
        [[str(number), *row] for number, row in enumerate(section.rows, start=1)],
        section.notes,
        apart=(*section.apart, *keys),
        whole=section.whole,
        key=(ROW_NUMBER, *keys),
        numbers=(ROW_NUMBER, *section.numbers),
    )


def _layouts(section: Section) -> Iterator[_Layout]:
    """The section's layouts, the first that fits the terminal the one shown: every column in a bordered
    table; else without the `apart` columns; else without the outer border; else without the widest column
    (a long title) too, and so on while the table keeps a column besides the names; the same with the rows
    numbered and their names (the key columns) listed below (names too long for a table), while the table
    keeps a column besides the numbers; else no table, the list alone."""
    for shown in (section, _numbered(section)):
        every = list(range(len(shown.columns)))
        kept = [index for index in every if shown.columns[index] not in shown.apart] or every
        words = [
            _longest(shown, index, str.splitlines if shown.columns[index] in shown.whole else _words) for index in every
        ]
        if shown is section:
            yield _Layout(shown, words, every, compact=False)
        texts = [index for index, numeric in enumerate(numeric_columns(shown)) if not numeric]
        for columns in _narrowed(kept, words, _key_columns(shown), texts):
            for compact in (False, True):
                layout = _Layout(shown, words, columns, compact)
                # Numbers with no table to refer to would only stand in the way of the names.
                if (columns, compact) != (every, False) and (layout.has_table or shown is section):
                    yield layout
    yield _Layout(section, [], [], compact=False)


def _key_columns(section: Section) -> list[int]:
    """The columns that name a row in the list below the table (default: the first)."""
    return [section.columns.index(name) for name in section.key] or [0]


def _narrowed(
    columns: Sequence[int], words: Sequence[int], keys: Sequence[int], texts: Sequence[int]
) -> Iterator[list[int]]:
    """The columns, then without the text column (of `texts`, not a key) of the widest word, and so on while
    one besides the keys is left: a text too long for its cell (a title) goes below the table, whole, rather
    than folded inside a word. Columns of numbers stay: they are short, and a table is for comparing them."""
    left = list(columns)
    yield list(left)
    while len(others := [index for index in left if index not in keys]) > 1 and (
        movable := [index for index in others if index in texts]
    ):
        left.remove(max(movable, key=lambda index: words[index]))
        yield list(left)


def markdown_cell(text: str) -> str:
    """Text in one cell of a markdown table: a `|` would end the cell, a newline the row."""
    return text.replace("|", "\\|").replace("\n", " ")


# Markdown and HTML that text from a stack file or a git ref could smuggle into a pull-request comment:
# tags (`</details>`, `<img>`), links, emphasis, code spans. Each is shown as the character it is.
# `&` too: an entity (`&commat;`, `&colon;`) would render as the character it names; and `$`, which GitHub
# reads as the start of maths (`$5 and $10` would set the text between as a formula).
_MARKDOWN_SPECIAL = str.maketrans({char: "\\" + char for char in "\\`*_[]<>#!~&$"})


# What GitHub turns into a link by itself: a URL's scheme and a leading `www.`.
_AUTOLINK = re.compile(r"://|(?i:www)\.")


def markdown_text(text: str) -> str:
    """Text from outside as plain text in markdown: no markup, no @mentions and no links (a zero-width
    space after `@`, in `://` and after `www`), control characters as escapes."""
    marked = escaped(text).translate(_MARKDOWN_SPECIAL).replace("@", "@&#8203;")
    return _AUTOLINK.sub(lambda match: match.group(0)[:-1] + "&#8203;" + match.group(0)[-1], marked)


def markdown_code(text: str) -> str:
    """Text to be copied (a command) as a code span: shown as written, never rendered (a code span holds
    no markup, links or mentions), fenced by more backticks than it holds in a row."""
    shown = escaped(text)
    fence = "`" * (max((len(run) for run in re.findall("`+", shown)), default=0) + 1)
    pad = " " if shown.startswith("`") or shown.endswith("`") else ""
    return f"{fence}{pad}{shown}{pad}{fence}"


# A command in the program's own text, in backticks as its messages write one.
_COMMAND_SPAN = re.compile(r"(`[^`]+`)")


def markdown_prose(text: str) -> str:
    """The program's own text, commands in backticks: each command a code span (markdown_code), the rest
    plain text (markdown_text)."""
    return "".join(
        markdown_code(part[1:-1]) if _COMMAND_SPAN.fullmatch(part) else markdown_text(part)
        for part in _COMMAND_SPAN.split(text)
    )


def to_markdown(heading: str, sections: Sequence[Section]) -> str:
    """Every text escaped (markdown_text): what a stack file says is shown, never rendered."""
    lines = [f"### {markdown_text(heading)}", "", *markdown_sections(sections)]
    return "\n".join(lines).rstrip() + "\n"


def markdown_sections(sections: Sequence[Section], level: int = 4) -> list[str]:
    """The sections as markdown lines, each titled at heading `level` (markdown_table), its notes below."""
    lines = []
    for section in sections:
        lines += [f"{'#' * level} {markdown_text(section.title)}", "", *markdown_table(section)]
        # Each note a paragraph of its own: consecutive `>` lines would render as one run-on paragraph.
        quoted = [line for note in section.notes for line in (">", f"> {markdown_text(note)}")][1:]
        lines += ["", *quoted, *([""] if section.notes else [])]
    return lines


def markdown_table(section: Section) -> list[str]:
    """The section's table (not its title or notes) as markdown lines: every text escaped, commands (the
    `whole` columns) as code spans, numbers right-aligned."""

    def cell(text: str) -> str:
        return markdown_cell(markdown_text(text))

    def code(text: str) -> str:
        return markdown_cell(markdown_code(text)) if text.strip() not in _NO_VALUE else cell(text)

    shown = [code if column in section.whole else cell for column in section.columns]
    return [
        "| " + " | ".join(cell(c) for c in section.columns) + " |",
        "|" + "|".join("---:" if numeric else ":---" for numeric in numeric_columns(section)) + "|",
        *("| " + " | ".join(show(c) for show, c in zip(shown, row, strict=True)) + " |" for row in section.rows),
    ]
