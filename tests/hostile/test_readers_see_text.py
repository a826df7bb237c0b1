"""What operators read shows text as text: no hidden characters in titles, no markup in the PR comment."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt
from rich.console import Console

from freshfoodz_seasonal.cli.diff_view import diff_markdown
from freshfoodz_seasonal.cli.tables import Section, to_markdown, to_rich
from freshfoodz_seasonal.review.snapshot import Snapshot
from freshfoodz_seasonal.review.stack_diff import compare
from tests.support.cli_runner import invoke
from tests.support.project import frozen_stack


@pytest.mark.parametrize("hidden", ["\u202e", "\u2066", "\u200b", "\ufeff"])
def test_titles_with_invisible_reordering_or_zero_width_characters_are_refused(tmp_path: Path, hidden: str) -> None:
    document = yaml.safe_load(frozen_stack("weihnachten").read_text(encoding="utf-8"))
    document["config"]["freshfoodz-seasonal:season"]["title"] = f"Weihnachten{hidden}gnudlefreiW"
    path = tmp_path / "Pulumi.hidden.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    result = invoke("validate", str(path))
    assert result.exit_code == 2 and "season.title" in result.output


HOSTILE = "</details><img src=x onerror=alert(1)> [click](https://evil.example) @octocat `x`"


def test_the_pull_request_comment_shows_config_text_as_text() -> None:
    def snapshot(label: str, data: str) -> Snapshot:
        resource = {
            "type": "kubernetes:core/v1:ConfigMap",
            "name": "freshfoodz-weihnachten-peak-controls-limits",
            "inputs": {"data": {"degraded-features": data}},
        }
        return Snapshot.of_documents(label, {"resources": [resource], "outputs": {}}, None)

    diff = compare("weihnachten", snapshot("main`<b>", "old"), snapshot("this tree", HOSTILE))
    comment = diff_markdown(diff, [f"warning about {HOSTILE}"])
    for raw in ("</details><img", "[click](", "@octocat", "`x`"):
        assert raw not in comment, raw
    assert comment.count("</details>") == 1  # the comment's own fold, closed once
    assert "\\<img src=x onerror=alert(1)\\>" in comment and "@&#8203;octocat" in comment
    # The ref's label is a code span, as written: nothing in it is rendered.
    labels = next(t for t in MarkdownIt("commonmark").parse(comment) if t.type == "inline" and "this tree" in t.content)
    assert [c.content for c in labels.children or [] if c.type == "code_inline"] == ["main`<b>", "this tree"]
    assert "<b>" not in MarkdownIt("commonmark").enable("table").render(comment)


MARKUP = "[link=https://evil.example]click[/link] [bold red]alarm[/]"


def test_terminal_tables_show_brackets_as_text_not_rich_markup() -> None:
    console = Console(record=True, width=200, color_system=None)
    console.print(to_rich(MARKUP, [Section(MARKUP, [MARKUP, "b"], [[MARKUP, "[secret]"]], [MARKUP])]))
    shown = console.export_text()
    assert shown.count(MARKUP) == 5 and "[secret]" in shown


def test_markdown_tables_show_config_text_as_text() -> None:
    text = to_markdown(HOSTILE, [Section(HOSTILE, ["a"], [[HOSTILE]], [HOSTILE])])
    # Every markup character comes escaped (but the notes' own "> "), and no @mention is left whole.
    body = re.sub(r"^> ", "", text, flags=re.MULTILINE)
    assert not re.search(r"(?<!\\)[<>\[\]`]", body) and "@octocat" not in body
    assert text.count(r"\</details\>") == 4


# (U+0085 cannot get there: YAML reads it as a line break.)
@pytest.mark.parametrize("hidden", ["\u061c", "\u2028", "\x9b", "\U000e0041", "\x1b"])
@pytest.mark.parametrize("where", ["title", "path"])
def test_text_people_read_holds_only_printable_characters(tmp_path: Path, hidden: str, where: str) -> None:
    document = yaml.safe_load(frozen_stack("weihnachten").read_text(encoding="utf-8"))
    config = document["config"]
    if where == "title":
        config["freshfoodz-seasonal:season"]["title"] = f"Weih{hidden}nachten"
    else:
        config["freshfoodz-seasonal:routes"][0]["path"] = f"/api/{hidden}x"
    path = tmp_path / "Pulumi.hidden.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    result = invoke("validate", str(path))
    key = "season.title" if where == "title" else "routes[0].path"
    assert result.exit_code == 2 and key in result.output
    assert hidden not in result.output  # the value is echoed escaped


def test_keys_and_file_names_from_a_project_reach_the_terminal_escaped(tmp_path: Path) -> None:
    escape = "\x1b]8;;evil\x1b\\CLICK\x1b[31mRED"
    document = yaml.safe_load(frozen_stack("weihnachten").read_text(encoding="utf-8"))
    document["config"][f"freshfoodz-seasonal:x{escape}"] = 1
    (tmp_path / "Pulumi.weihnachten.yaml").write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    (tmp_path / f"Pulumi.x{escape}.yaml").write_text("config: {}\n", encoding="utf-8")
    for args in (["validate", "weihnachten"], ["plan", "weihnachten"]):
        result = invoke(*args, "--project-dir", str(tmp_path))
        assert result.exit_code == 2, result.output
        assert "\x1b" not in result.output and "\\x1b]8;;evil" in result.output


def test_entities_are_shown_not_rendered_in_markdown() -> None:
    text = to_markdown("t", [Section("s", ["a"], [["&commat;octocat https&colon;//evil.example"]])])
    assert r"\&commat;octocat https\&colon;//evil.example" in text


def test_typographic_spaces_are_text_and_invisible_ones_are_not(tmp_path: Path) -> None:
    document = yaml.safe_load(frozen_stack("weihnachten").read_text(encoding="utf-8"))
    title = "Weihnachten\u00a05\u202f%\u2009Ü 🎄"  # no-break, narrow no-break and thin spaces; an umlaut; an emoji
    document["config"]["freshfoodz-seasonal:season"]["title"] = title
    path = tmp_path / "Pulumi.typo.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    assert invoke("validate", str(path)).exit_code == 0
    document["config"]["freshfoodz-seasonal:season"]["title"] = "Weih\u00adnachten"  # a soft hyphen hides
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    assert invoke("validate", str(path)).exit_code == 2


def test_a_window_date_takes_ascii_digits_only(tmp_path: Path) -> None:
    document = yaml.safe_load(frozen_stack("weihnachten").read_text(encoding="utf-8"))
    document["config"]["freshfoodz-seasonal:season"]["window"]["start"] = "\u0661\u0661-01"  # Arabic-Indic 11
    path = tmp_path / "Pulumi.digits.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    result = invoke("validate", str(path))
    assert result.exit_code == 2 and "season.window.start" in result.output


def test_the_valid_line_shows_a_path_as_text(tmp_path: Path) -> None:
    folder = tmp_path / "[bold red]x\x1b[31m"
    folder.mkdir()
    (folder / "Pulumi.weihnachten.yaml").write_bytes(frozen_stack("weihnachten").read_bytes())
    result = invoke("validate", str(folder / "Pulumi.weihnachten.yaml"))
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert "[bold red]x\\x1b[31m/Pulumi.weihnachten.yaml: valid" in flat and "\x1b" not in result.output


def test_terminal_tables_escape_control_characters() -> None:
    console = Console(record=True, width=200, color_system=None)
    console.print(to_rich("h\x1b[2J", [Section("s", ["a"], [["x\x1b]8;;evil\x07y"]])]))
    shown = console.export_text()
    assert "\x1b" not in shown and "\x07" not in shown and "x\\x1b]8;;evil\\x07y" in shown
