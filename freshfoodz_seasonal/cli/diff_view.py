"""How `seasonctl diff` shows a change: a five-second summary line, the numbers, then the details.

Markdown is made for a pull-request comment: the headline first, the capacity and cost table,
the resources with their key fields, and every field change folded in a <details> block.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from freshfoodz_seasonal.cli.tables import Section, markdown_cell, markdown_code, markdown_table, markdown_text
from freshfoodz_seasonal.counted import counted
from freshfoodz_seasonal.review.headline import Footprint, cost_delta
from freshfoodz_seasonal.review.resource_diff import FieldChange, Kind, ResourceChange
from freshfoodz_seasonal.review.stack_diff import StackDiff

_MAX_CELL = 120
# Characters kept before the first difference of two long texts.
_CONTEXT = 30
# Marks the comment so the CI workflow finds and updates its own comment on the next push.
COMMENT_MARKER = "<!-- seasonctl-diff:{stack} -->"
# Between the lines of a text shown on one line (a table cell holds one).
LINE_BREAK = " ⏎ "


def _text(value: Any) -> str:
    """A field's value on one line: a text that is a JSON document (a ConfigMap's rate limits) as compact JSON,
    another text with its lines marked, anything else as JSON."""
    if value is None:
        return "-"
    if not isinstance(value, str):
        return json.dumps(value, sort_keys=True)
    try:
        document = json.loads(value)
    except ValueError:
        document = None
    if isinstance(document, dict | list):
        return json.dumps(document)
    return LINE_BREAK.join(value.splitlines())


# Where a text shown in part leaves the rest out.
_ELLIPSIS = "..."
# Where a word starts: after whitespace, or at the start of the text.
_WORD_START = re.compile(r"(?<!\S)\S")


def _cut(text: str) -> str:
    """The text whole where it fits a cell; else its first words that fit, so an id, a date or a name is shown
    whole or left out. A word longer than a cell on its own (a blob) is cut where the cell ends."""
    if len(text) <= _MAX_CELL:
        return text
    room = _MAX_CELL - len(" " + _ELLIPSIS)
    end = max((match.start() for match in _WORD_START.finditer(text, 1, room + 1)), default=0)
    return (text[:end].rstrip() or text[:room]) + " " + _ELLIPSIS


def _value(value: Any) -> str:
    return _cut(_text(value))


def _excerpt_start(text: str, difference: int) -> int:
    """Where a long text is shown from, so that its first difference (at `difference`) is in view after at
    least _CONTEXT characters of it: the start of the word there, whole; a word too long to show with the
    difference in one cell (a blob) left out, from the first word after it."""
    earliest = max(difference - _CONTEXT, 0)
    starts = [match.start() for match in _WORD_START.finditer(text, 0, difference + 1)]
    before = [start for start in starts if start <= earliest]
    if before and before[-1] >= difference - _MAX_CELL // 2:
        return before[-1]
    return next((start for start in starts if start > earliest), earliest)


def _values(old: Any, new: Any) -> tuple[str, str]:
    """Both values as cells; two long texts start shortly before where they first differ."""
    before, after = _text(old), _text(new)
    if isinstance(old, str) and isinstance(new, str) and max(len(before), len(after)) > _MAX_CELL:
        common = next(
            (i for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b), min(len(before), len(after))
        )
        # The text before the difference is the same in both: so is where they start.
        start = _excerpt_start(before, common)
        if start > 0:
            return _cut(f"{_ELLIPSIS} {before[start:]}"), _cut(f"{_ELLIPSIS} {after[start:]}")
    return _cut(before), _cut(after)


def _money(value: float | None) -> str:
    return "-" if value is None else f"{value:,.2f}"


def _delta(old: float | None, new: float | None, decimals: int = 0) -> str:
    if old is None or new is None:
        return "-"
    difference = new - old
    return "0" if round(difference, decimals) == 0 else f"{difference:+,.{decimals}f}"


def footprint_rows(diff: StackDiff) -> list[list[str]]:
    old, new = diff.old, diff.new
    currency = new.currency or old.currency or ""
    per_hour = cost_delta(old, new)
    return [
        ["phase", old.phase, new.phase, "" if old.phase == new.phase else "changed"],
        [
            "pods (HPA min, services and workers)",
            str(old.min_pods),
            str(new.min_pods),
            _delta(old.min_pods, new.min_pods),
        ],
        ["pods (HPA max)", str(old.max_pods), str(new.max_pods), _delta(old.max_pods, new.max_pods)],
        [
            "seasonal nodes",
            str(old.seasonal_nodes),
            str(new.seasonal_nodes),
            _delta(old.seasonal_nodes, new.seasonal_nodes),
        ],
        ["database class", old.db_class or "-", new.db_class or "-", "" if old.db_class == new.db_class else "changed"],
        ["read replicas", str(old.read_replicas), str(new.read_replicas), _delta(old.read_replicas, new.read_replicas)],
        [
            f"cost per hour ({currency})",
            _money(old.cost_per_hour),
            _money(new.cost_per_hour),
            "-" if per_hour is None else f"{per_hour[0]:+,.2f}",
        ],
        [
            "season window (hours)",
            "-" if old.season_hours is None else f"{old.season_hours:,.0f}",
            "-" if new.season_hours is None else f"{new.season_hours:,.0f}",
            _delta(old.season_hours, new.season_hours),
        ],
        [
            f"cost over the season window ({currency})",
            _money(old.cost_over_season),
            _money(new.cost_over_season),
            "-" if per_hour is None else f"{per_hour[1]:+,.2f}",
        ],
        [
            "provisioning (typical min)",
            _minutes(old.provisioning_minutes),
            _minutes(new.provisioning_minutes),
            _minutes_delta(old.provisioning_minutes, new.provisioning_minutes),
        ],
        [
            "provisioning disruptions",
            _disruptions(old),
            _disruptions(new),
            "" if old.disruptions == new.disruptions else "changed",
        ],
    ]


def _disruptions(footprint: Footprint) -> str:
    """`-` where the plan has no provisioning (older code), `none` where it has no disruption."""
    if footprint.provisioning_minutes is None:
        return "-"
    return ", ".join(footprint.disruptions) or "none"


def _minutes(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _minutes_delta(old: float | None, new: float | None) -> str:
    return "-" if old is None or new is None else f"{new - old:+.1f}"


def _unset(value: object) -> bool:
    """A key field an added or removed resource shows nothing by: absent, empty or off (never a 0)."""
    return value is None or value is False or (isinstance(value, str | list | dict) and not value)


def _key_summary(change: ResourceChange) -> str:
    fields = change.key_fields
    if change.kind is not Kind.CHANGED:
        # What the resource is, not where it hangs: its parent matters when it moves (a new URN), and an
        # option it does not set says nothing.
        values = [(f.path, f.new if change.kind is Kind.ADDED else f.old) for f in fields]
        return ", ".join(
            f"{path}: {_value(value)}" for path, value in values if path != "options.parent" and not _unset(value)
        )
    return ", ".join(f"{f.path} {' -> '.join(_values(f.old, f.new))}" for f in fields)


def _summary(change: ResourceChange) -> str:
    """Its key fields; else, for a changed resource, how many fields change (each listed below the table);
    an added or removed one without key fields (a component) has nothing more to say than its type."""
    if summary := _key_summary(change):
        return summary
    if change.kind is not Kind.CHANGED:
        return ""
    return f"{counted(len(change.fields), 'field')} changed"


def resource_rows(diff: StackDiff) -> list[list[str]]:
    return [[f"{c.type} {c.name}", c.kind.value, _summary(c)] for c in diff.resources]


def _field_rows(diff: StackDiff) -> list[tuple[ResourceChange, FieldChange]]:
    return [(c, f) for c in diff.resources if c.kind is Kind.CHANGED for f in c.fields]


def _counts(diff: StackDiff) -> str:
    kinds = [c.kind for c in diff.resources]
    return ", ".join(f"{kinds.count(kind)} {kind.value}" for kind in Kind)


def diff_sections(diff: StackDiff) -> list[Section]:
    sections = [
        Section(
            "Capacity and cost",
            ["", diff.before.label, diff.after.label, "change"],
            footprint_rows(diff),
            numbers=["change"],
        ),
        Section(
            f"Resources: {_counts(diff)}",
            ["resource", "change", "key fields"],
            resource_rows(diff),
            apart=["key fields"],
            key=["resource"],
        ),
    ]
    # One table per changed resource: its name and a field path side by side would not fit 80 columns.
    for change in diff.resources:
        if change.kind is Kind.CHANGED and change.fields:
            rows = [[f.path, *_values(f.old, f.new)] for f in change.fields]
            sections.append(
                Section(
                    f"Changed fields of {change.name}", ["field", "before", "after"], rows, apart=["before", "after"]
                )
            )
    return sections


def diff_markdown(diff: StackDiff, warnings: Sequence[str] = ()) -> str:
    """The pull-request comment; `warnings` (the program's, on the new side) come first, as quotes."""
    lines = [
        COMMENT_MARKER.format(stack=diff.stack),
        f"### {diff.headline}",
        "",
        *(line for warning in warnings for line in (f"> **Warning:** {markdown_cell(markdown_text(warning))}", "")),
        f"{markdown_code(diff.before.label)} -> {markdown_code(diff.after.label)}",
        "",
        *markdown_table(Section("", ["", "before", "after", "change"], footprint_rows(diff), numbers=["change"])),
        "",
    ]
    if not diff.resources:
        return "\n".join([*lines, "No resource changes."]) + "\n"
    resources = Section("", ["resource", "change", "key fields"], resource_rows(diff))
    lines += [f"**Resources:** {_counts(diff)}", "", *markdown_table(resources)]
    fields = _field_rows(diff)
    if fields:
        rows = [[c.name, f.path, *_values(f.old, f.new)] for c, f in fields]
        changed = Section("", ["resource", "field", "before", "after"], rows, whole=["resource", "field"])
        lines += [
            "",
            f"<details><summary>All {len(fields)} changed fields</summary>",
            "",
            *markdown_table(changed),
            "",
            "</details>",
        ]
    return "\n".join(lines) + "\n"


def _footprint_dict(footprint: Footprint) -> dict[str, Any]:
    return {
        "phase": footprint.phase,
        "min_pods": footprint.min_pods,
        "max_pods": footprint.max_pods,
        "seasonal_nodes": footprint.seasonal_nodes,
        "db_class": footprint.db_class,
        "read_replicas": footprint.read_replicas,
        "currency": footprint.currency,
        "cost_per_hour": footprint.cost_per_hour,
        "cost_over_season": footprint.cost_over_season,
        "season_hours": footprint.season_hours,
        "provisioning_minutes": footprint.provisioning_minutes,
        "provisioning_windows": footprint.provisioning_windows,
        "provisioning_disruptions": list(footprint.disruptions),
    }


def diff_as_dict(diff: StackDiff, warnings: Sequence[str] = ()) -> dict[str, Any]:
    delta = cost_delta(diff.old, diff.new)
    return {
        "stack": diff.stack,
        "headline": diff.headline,
        "warnings": list(warnings),
        "before": {"label": diff.before.label, "exists": diff.before.exists, **_footprint_dict(diff.old)},
        "after": {"label": diff.after.label, "exists": diff.after.exists, **_footprint_dict(diff.new)},
        "cost_delta": None
        if delta is None
        else {"per_hour": delta[0], "over_season": delta[1], "currency": diff.new.currency},
        "resources": [
            {
                "change": c.kind.value,
                "type": c.type,
                "name": c.name,
                "fields": [{"path": f.path, "before": f.old, "after": f.new, "key": f.key} for f in c.fields],
            }
            for c in diff.resources
        ],
    }
