"""What `seasonctl diff` shows of a resource: what it is when added, how many fields changed otherwise; text
documents (a ConfigMap's JSON, its lists) as a reader reads them; markdown read back with markdown-it-py."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

from freshfoodz_seasonal.cli.diff_view import diff_markdown, diff_sections, resource_rows
from freshfoodz_seasonal.naming import CONFIG_MAP_TYPE
from freshfoodz_seasonal.review.headline import Footprint
from freshfoodz_seasonal.review.resource_diff import diff_resources
from freshfoodz_seasonal.review.snapshot import Snapshot
from freshfoodz_seasonal.review.stack_diff import StackDiff

LIMITS = '[\n  {\n    "route": "catalog-browse",\n    "limitRps": 167\n  }\n]'
FEATURES = "product-recommendations\ncustomer-reviews\n"


def resource(kind: str, name: str, **inputs: object) -> dict[str, object]:
    return {"type": kind, "name": name, "inputs": inputs}


def stack_diff(old: list[dict[str, object]], new: list[dict[str, object]]) -> StackDiff:
    side = Footprint("peak", 2, 4, 1, "db.r7g.large", 0, "EUR", 1.0, 100.0, 100.0)
    return StackDiff("x", Snapshot("x, HEAD"), Snapshot("this tree"), side, side, diff_resources(old, new))


def cells(page: str) -> list[list[Token]]:
    """Each table cell's inline children, table by table, row by row (headers included)."""
    tokens = MarkdownIt("commonmark").enable("table").parse(page)
    found: list[list[Token]] = []
    inside = False
    for token in tokens:
        inside = token.type in ("th_open", "td_open") or (inside and token.type == "inline")
        if inside and token.type == "inline":
            found.append(token.children or [])
    return found


def text_of(children: list[Token]) -> str:
    return "".join(child.content for child in children if child.type in ("text", "code_inline"))


def test_an_added_component_shows_no_count_of_fields_and_a_change_says_what_the_count_is() -> None:
    component = resource("freshfoodz:monitoring:SeasonMonitoring", "m")
    component["parent"] = "urn:pulumi:x::p::pulumi:pulumi:Stack::p-x"
    changed_old = resource("t:x", "c", a=1, b=1)
    changed_new = resource("t:x", "c", a=2, b=2)
    rows = {row[0]: row[2] for row in resource_rows(stack_diff([changed_old], [component, changed_new]))}
    assert rows == {"freshfoodz:monitoring:SeasonMonitoring m": "", "t:x c": "2 fields changed"}


def test_a_config_map_s_json_and_lines_show_as_a_reader_reads_them_not_as_escapes() -> None:
    old = resource(CONFIG_MAP_TYPE, "limits", data={"rate-limits.json": "[]", "degraded-features": "newsletter\n"})
    new = resource(CONFIG_MAP_TYPE, "limits", data={"rate-limits.json": LIMITS, "degraded-features": FEATURES})
    added = resource(CONFIG_MAP_TYPE, "added", data={"rate-limits.json": LIMITS})
    diff = stack_diff([old], [new, added])
    summary = {row[0]: row[2] for row in resource_rows(diff)}
    assert summary[f"{CONFIG_MAP_TYPE} added"] == (
        'data.rate-limits.json: [{"route": "catalog-browse", "limitRps": 167}]'
    )
    page = diff_markdown(diff)
    assert "\\n" not in page
    shown = [text_of(cell) for cell in cells(page)]
    assert 'data.rate-limits.json [] -> [{"route": "catalog-browse", "limitRps": 167}]' in " ".join(shown)
    assert "product-recommendations ⏎ customer-reviews" in shown


def test_names_and_field_paths_are_code_spans_as_written_and_labels_too() -> None:
    path = "data.`odd` key"
    diff = stack_diff([resource(CONFIG_MAP_TYPE, "m", data={"`odd` key": "1"})], [resource(CONFIG_MAP_TYPE, "m")])
    page = diff_markdown(diff)
    spans = [c.content for cell in cells(page) for c in cell if c.type == "code_inline"]
    assert path in spans and "m" in spans
    tokens = MarkdownIt("commonmark").parse(page)
    labels = next(t for t in tokens if t.type == "inline" and "->" in t.content and "|" not in t.content)
    assert [c.content for c in labels.children or [] if c.type == "code_inline"] == ["x, HEAD", "this tree"]


def test_the_change_column_is_right_aligned_whatever_it_holds() -> None:
    # A class that changes says `changed` in a column of numbers: still right-aligned, as its kind is.
    old = Footprint("peak", 2, 4, 1, "db.r7g.large", 0, "EUR", 1.0, 100.0, 100.0)
    new = Footprint("peak", 2, 4, 1, "db.r7g.xlarge", 0, "EUR", 1.0, 100.0, 100.0)
    diff = StackDiff("x", Snapshot("x, HEAD"), Snapshot("this tree"), old, new, diff_resources([], []))
    assert "|  | before | after | change |\n|:---|:---|:---|---:|" in diff_markdown(diff)


def words_of(text: str) -> set[str]:
    return set(text.split())


def test_a_long_text_s_excerpt_shows_its_ids_and_dates_whole_or_not_at_all() -> None:
    # An alert's description and a dashboard's JSON: long enough to be cut at both ends, the difference far in.
    said = (
        "Checkout is running at maxReplicas (planned 10, {pods} pods at the planned peak) for 10m in season "
        "winter-deals-2026; the service cannot scale further and its queue grows, page the on-call engineer"
    )
    dashboard = (
        '{{"title": "FreshFoodz winter-deals-2026 (2026-12-20 to 2027-01-06, {load}x baseline), stack '
        'winter-deals. Every reference line comes from the capacity plan; the thresholds from its alerts"}}'
    )
    old = resource("t:x", "r", description=said.format(pods=3), configJson=dashboard.format(load=6))
    new = resource("t:x", "r", description=said.format(pods=5), configJson=dashboard.format(load=12))
    changed = diff_sections(stack_diff([old], [new]))[-1]
    originals = {
        "description": (said.format(pods=3), said.format(pods=5)),
        "configJson": (dashboard.format(load=6), dashboard.format(load=12)),
    }
    for field, before, after in changed.rows:
        for cell, original in zip((before, after), originals[field], strict=True):
            assert "..." in cell, cell
            # Every word of the excerpt is a word of the value: none cut at either end.
            assert words_of(cell) - {"..."} <= words_of(original), cell
    # Each excerpt holds the difference, with a little of the text before it.
    after = {field: cell for field, _, cell in changed.rows}
    assert after["description"].startswith("... ") and "5 pods at the planned peak" in after["description"]
    assert "12x baseline" in after["configJson"]
