"""A picture of the year: season windows with their load, planned pods and nodes, milestones.

Writes a PNG or SVG with matplotlib's non-interactive backend (no display needed).
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import matplotlib

matplotlib.use("Agg")  # files only; must be chosen before pyplot is imported

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter, Locator
from matplotlib.transforms import Transform

from freshfoodz_seasonal.naming import seasonal_peaks_title
from freshfoodz_seasonal.playbooks.calendar import SeasonEntry

SUFFIXES = {".png", ".svg"}
# One colour per season, from the plan's own story: asparagus green, Wiesn blue, Christmas red.
_COLOURS = {"spargel": "#6a994e", "oktoberfest": "#1d70b8", "weihnachten": "#b23a48"}
_FALLBACK = "#7f7f7f"
# A title longer than this goes on more lines (a long organization's name would run off the figure).
TITLE_CHARACTERS = 110
# Rows this far apart: a season's label above its bar clears the milestone names below the row above.
ROW_SPACING = 1.6

# matplotlib.dates carries no annotations (matplotlib ships no stub for it, unlike its other modules):
# the three names used here, with the types matplotlib documents for them.
_day_number = cast("Callable[[dt.date], float]", mdates.date2num)
_month_locator = cast("Callable[[], Locator]", mdates.MonthLocator)
_day_of = cast("Callable[[float], dt.datetime]", mdates.num2date)


@dataclass(frozen=True)
class PlannedCapacity:
    pods: int
    nodes: int


def draw_year(
    entries: list[SeasonEntry], capacity: dict[str, PlannedCapacity], year: int, organization: str | None, path: Path
) -> None:
    """The year's chart written to `path` (PNG or SVG)."""
    figure = year_figure(entries, capacity, year, organization)
    try:
        figure.savefig(path)
    finally:
        plt.close(figure)


def year_figure(
    entries: list[SeasonEntry], capacity: dict[str, PlannedCapacity], year: int, organization: str | None
) -> Figure:
    """Seasons as bars on one row each, load multiplier and plan as labels, milestones as marks; the legend
    below the plot, where no label can lie under it. The caller closes the figure."""
    # Constrained layout keeps the legend outside the axes ("outside lower center") and every label in view.
    figure, axes = plt.subplots(figsize=(12, 1.6 + 1.3 * len(entries)), dpi=120, layout="constrained")
    left, right = (_day_number(day) for day in chart_days(entries, year))
    axes.set_xlim(left, right)
    labels = []
    for index, entry in enumerate(reversed(entries)):
        row = index * ROW_SPACING
        colour = _COLOURS.get(entry.season, _FALLBACK)
        start = _day_number(entry.window.first_day)
        end = _day_number(entry.window.last_day + dt.timedelta(days=1))
        axes.barh(row, end - start, left=start, height=0.5, color=colour, alpha=0.85)
        if entry.wiesn is not None:
            wiesn_start = _day_number(entry.wiesn.first_day)
            wiesn_width = _day_number(entry.wiesn.last_day + dt.timedelta(days=1)) - wiesn_start
            axes.barh(row, wiesn_width, left=wiesn_start, height=0.5, color="none", edgecolor="black", hatch="//")
        plan = capacity.get(entry.stack)
        label = f"{entry.title}: {entry.load_multiplier:g}x"
        if plan is not None:
            label += f", {plan.pods} pods (services and workers), {plan.nodes} seasonal nodes"
        # parse_math off: a `$` in a title is a dollar, not mathtext.
        text = axes.text(start, row + 0.32, label, fontsize=9, va="bottom", ha="left", parse_math=False)
        # Placed below, once the plot's size is known: the layout must not shrink the plot for where it was.
        text.set_in_layout(False)
        labels.append((text, start, end))
        marks = [_day_number(milestone.due) for milestone in entry.milestones]
        axes.plot(marks, [row - 0.4] * len(marks), "v", color=colour, markersize=6, markeredgecolor="black")
        # Each milestone day once, with the names the playbook gives its steps (T-30, T-14, ... T+7), also where
        # a late start moved them. A name within a week of the one before goes a line lower: the two never run
        # into each other.
        previous, lower = None, False
        for due, name in milestone_days(entry):
            lower = previous is not None and (due - previous).days < 8 and not lower
            axes.text(
                _day_number(due), row - (0.72 if lower else 0.52), name, fontsize=6.5, ha="center", va="top",
                parse_math=False,
            )  # fmt: skip
            previous = due
    axes.set_yticks([index * ROW_SPACING for index in range(len(entries))], [e.stack for e in reversed(entries)])
    axes.set_ylim(-1.0, (len(entries) - 1) * ROW_SPACING + 0.9)
    axes.xaxis.set_major_locator(_month_locator())
    # A month outside the year shown says its year: "Jan 2027" at the end of a season across New Year.
    axes.xaxis.set_major_formatter(
        FuncFormatter(
            lambda value, _: f"{_day_of(value):%b}" if _day_of(value).year == year else f"{_day_of(value):%b %Y}"
        )
    )
    axes.grid(axis="x", alpha=0.3)
    handles: list[Artist] = [
        Line2D([], [], marker="v", linestyle="", color="grey", markeredgecolor="black", label="milestone")
    ]
    if any(entry.wiesn is not None for entry in entries):
        handles.insert(0, Patch(facecolor="none", edgecolor="black", hatch="//", label="the Wiesn"))
    figure.legend(handles=handles, loc="outside lower center", ncol=len(handles), fontsize=8, frameon=False)
    title = f"{seasonal_peaks_title(organization)} {year}: windows, load, plan; triangles mark playbook milestones"
    axes.set_title(textwrap.fill(title, TITLE_CHARACTERS), parse_math=False)
    # A label's width is known once drawn: each starts where its season starts if it fits, else ends where
    # its season ends, else keeps to the plot's right edge.
    figure.canvas.draw()
    to_days = axes.transData.inverted()
    for text, start, end in labels:
        width = _days_wide(text, to_days)
        # Wider than the plot (a long title): onto as many lines as it needs, between words.
        if width > right - left:
            characters = len(text.get_text())
            text.set_text(textwrap.fill(text.get_text(), max(20, int(characters * (right - left) / width) - 2)))
            width = _days_wide(text, to_days)
        text.set_x(label_start(start, end, width, left, right))
    return figure


def _days_wide(text: Text, to_days: Transform) -> float:
    """How many days of the plot a drawn text spans."""
    box = text.get_window_extent()
    return float(to_days.transform((box.x1, box.y0))[0] - to_days.transform((box.x0, box.y0))[0])


def label_start(start: float, end: float, width: float, left: float, right: float) -> float:
    """Where a label `width` days wide starts, for a season from `start` to `end` on a plot from `left` to
    `right`: at the season's start if it fits, else ending at the season's end, else at the right edge."""
    if start + width <= right:
        return start
    if end - width >= left:
        return end - width
    return max(left, right - width)


def chart_days(entries: list[SeasonEntry], year: int) -> tuple[dt.date, dt.date]:
    """The days the chart spans: the year, widened for what lies outside it (the early milestones of a
    season in January, the end and after-season milestones of one that runs into the next year), with
    room for a mark's width."""
    drawn = [milestone.due for e in entries for milestone in e.milestones] + [e.window.last_day for e in entries]
    left = min([dt.date(year, 1, 1), *(day - dt.timedelta(days=4) for day in drawn)])
    right = max([dt.date(year + 1, 1, 1), *(day + dt.timedelta(days=5) for day in drawn)])
    return left, right


def milestone_days(entry: SeasonEntry) -> list[tuple[dt.date, str]]:
    """Each day with a milestone, in order, and the milestones due on it, as the playbook names them: "T-14,
    T-7" on the day a late start moves both to."""
    days: dict[dt.date, list[str]] = {}
    for milestone in entry.milestones:
        names = days.setdefault(milestone.due, [])
        if milestone.when not in names:
            names.append(milestone.when)
    # In the playbook's order: T-14 before T-7 before T-0 before T+1.
    return [(due, ", ".join(sorted(names, key=lambda when: int(when[1:])))) for due, names in sorted(days.items())]
