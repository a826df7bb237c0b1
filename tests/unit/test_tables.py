"""Tables as people read them: numbers right and text left, words never split, long columns below a table
that does not fit, commands whole on their own lines; markdown notes as paragraphs of their own."""

from __future__ import annotations

import io
import re

from markdown_it import MarkdownIt
from rich.console import Console

from freshfoodz_seasonal.cli.tables import Section, markdown_text, numeric_columns, to_markdown, to_rich
from freshfoodz_seasonal.cli.unbroken import wrapped

COMMAND = 'seasonctl baseline --prometheus-url "$PROMETHEUS_URL" --stack oktoberfest --write'
STEPS = Section(
    "Steps",
    ["state", "due", "id", "step", "command"],
    [
        ["overdue", "2027-08-02", "t30-baseline", "Measure the baseline in Prometheus and write it", COMMAND],
        ["upcoming", "2027-08-25", "t14-priority-lane", "The priority services take precedence", ""],
    ],
    apart=["step", "command"],
    whole=["command"],
    key=["id"],
)


def shown(section: Section, width: int) -> str:
    out = io.StringIO()
    Console(file=out, width=width, highlight=False, color_system=None).print(to_rich("h", [section]), crop=False)
    return out.getvalue()


def test_columns_align_by_what_they_hold() -> None:
    section = Section("t", ["name", "rps", "verdict", "error", "gap"], [["a", "12.5", "ok", "~+14%", "-"]])
    assert numeric_columns(section) == [False, True, False, True, False]
    assert "|:---|---:|:---|---:|:---|" in to_markdown("h", [section])


def test_a_narrow_terminal_lists_the_long_columns_and_keeps_commands_whole() -> None:
    narrow = shown(STEPS, 60)
    assert all(len(line) <= 60 for line in narrow.splitlines() if COMMAND not in line)
    # Every id and date whole; the command on one line of its own, though wider than the terminal.
    for word in ("t30-baseline", "t14-priority-lane", "2027-08-02", "2027-08-25"):
        assert word in narrow
    assert f"    {COMMAND}" in narrow.splitlines()
    assert "    step: Measure the baseline" in narrow
    wide = shown(STEPS, 200)
    # Where the table fits, it is one table with every column.
    assert COMMAND in wide and "    step:" not in wide and "┃ command" in wide


def test_markdown_notes_are_paragraphs_of_their_own() -> None:
    text = to_markdown("h", [Section("t", ["a"], [["x"]], ["first note", "second note"])])
    assert "> first note\n>\n> second note\n" in text


def test_dollars_in_markdown_text_are_dollars_not_maths() -> None:
    # GitHub renders $...$ and $$...$$ as maths; an escaped dollar is a dollar.
    text = "Preis $5 bis $10, $$x$$ and $`y`$"
    escaped = markdown_text(text)
    assert re.search(r"(?<!\\)\$", escaped) is None, escaped
    assert markdown_text("$x$") == "\\$x\\$"
    paragraph = MarkdownIt("commonmark").parse(escaped)[1]
    assert paragraph.content == escaped and "".join(c.content for c in paragraph.children or []) == text


def test_names_too_long_for_a_table_are_numbered_and_listed_below_it_whole() -> None:
    name = "catalogue-search-and-recommendations-engine-for-the-whole-shop"
    section = Section(
        "App pods", ["service", "peak rps", "pods"], [["storefront", "300.0", "3 -> 4"], [name, "72.0", "3"]]
    )
    lines = shown(section, 40).splitlines()
    assert all(len(line) <= 40 for line in lines if line.strip() != name)
    assert any(re.fullmatch(r"│ 2 │ +72\.0 │ 3 +│", line) for line in lines)
    assert "1. storefront" in lines
    # The name wider than the terminal on a line of its own, whole, after its number.
    assert [line.strip() for line in lines[lines.index("1. storefront") + 1 :]] == ["2.", name]


def test_a_text_too_long_for_its_cell_is_listed_below_the_table_whole() -> None:
    # A season's title with a word as wide as half the terminal, and one of 95 characters, wider than the terminal.
    for title in ("Weihnachtsgeschaeft-Grosskundenaktion-Nord 2026", "Wintersaison" * 7 + "Grosskunden"):
        section = Section(
            "Season windows",
            ["stack", "season", "load", "first day", "last day", "days"],
            [["winter-deals", title, "6x", "2026-12-20", "2027-01-06", "18"], ["spargel", "Spargel", "3x", "", "", ""]],
        )
        lines = shown(section, 80).splitlines()
        longest = max(title.split(), key=len)
        assert all(len(line) <= 80 for line in lines if line.strip() != longest), "\n".join(lines)
        assert any(longest in line for line in lines), "\n".join(lines)
        assert any(re.fullmatch(r"│ winter-deals +│ +6x │ 2026-12-20 │ 2027-01-06 │ +18 │", line) for line in lines)


def test_a_numbered_list_puts_each_number_before_its_name_right_aligned() -> None:
    # Names too long for a table at 80 columns, short enough to follow their numbers.
    names = [f"freshfoodz-winter-deals-2026-scaling-{n:02}-" + "x" * 34 for n in range(11)]
    section = Section(
        "Pods", ["service", "pods", "peak rps", "max pods"], [[name, "3", "72.0", "10"] for name in names]
    )
    lines = shown(section, 80).splitlines()
    assert all(len(line) <= 80 for line in lines), "\n".join(lines)
    assert "│  9 │    3 │     72.0 │       10 │" in lines and "│ 10 │    3 │     72.0 │       10 │" in lines
    assert f" 1. {names[0]}" in lines and f" 9. {names[8]}" in lines and f"11. {names[10]}" in lines


def test_a_list_without_a_table_is_not_numbered() -> None:
    path = "rules[StorefrontWebFrontendServiceForAllCustomersHpaAtMaxReplicas].annotations.description"
    section = Section(
        "Changed fields of freshfoodz-winter-deals-2026-monitoring-rules",
        ["field", "before", "after"],
        [[path, "3 pods at the planned peak", "6 pods at the planned peak"], ["spec.minReplicas", "3", "6"]],
        apart=["before", "after"],
    )
    lines = shown(section, 80).splitlines()
    assert lines[2:] == [
        path,
        "    before: 3 pods at the planned peak",
        "    after: 6 pods at the planned peak",
        "spec.minReplicas",
        "    before: 3",
        "    after: 6",
    ]


def test_a_word_wider_than_the_room_gets_a_line_of_its_own() -> None:
    long = "freshfoodz-summer-sale-scaling-catalogue-search-and-recommendations-engine-deployment"
    assert wrapped(f"kubernetes:HorizontalPodAutoscalerPatch {long}  spec.minReplicas=3", 40) == [
        "kubernetes:HorizontalPodAutoscalerPatch",
        long,
        "spec.minReplicas=3",
    ]
