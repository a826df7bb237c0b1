"""The year chart's layout, measured on the drawn figure: every label inside the plot, the legend apart
from the seasons, and only the marks the chart draws in its legend."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import cast

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from freshfoodz_seasonal.adapters.playbook_files import load_playbooks
from freshfoodz_seasonal.cli.year_chart import PlannedCapacity, label_start, year_figure
from freshfoodz_seasonal.playbooks.calendar import SeasonRule, year_calendar

LONG = "Großer Sommerschlussverkauf der Filialen Nord, Süd und West mit Lieferdienst"
JUNE = SeasonRule("sommer", "sommer", LONG, 6.0, "06-10", "06-30")
JANUARY = SeasonRule("neujahr", "neujahr", "Neujahrs-Sale mit einem langen Titel", 2.0, "01-02", "01-20")
DECEMBER = SeasonRule("advent", "advent", "Adventsverkauf mit langem Titel für die Filialen", 3.0, "12-01", "12-31")
OKTOBERFEST = SeasonRule("oktoberfest", "oktoberfest", "Oktoberfest", 4.0, "09-01", "oktoberfest-end")
# The longest title a stack may give (200 characters), and one with dollars that mathtext would read as maths.
LONGEST = SeasonRule(
    "lang", "lang", ("Sonderverkauf der Filialen Nord, Süd und West " * 5)[:200], 2.0, "03-01", "03-20"
)
DOLLARS = SeasonRule("dollar", "dollar", "Preis $^$ Sale: save $5 and $10 off", 2.0, "05-01", "05-20")

FigureOf = Callable[..., Figure]
_day_of = cast("Callable[[float], dt.datetime]", mdates.num2date)


@pytest.fixture
def figure_of() -> Iterator[FigureOf]:
    figures: list[Figure] = []

    def draw(*rules: SeasonRule, organization: str = "Example Foods") -> Figure:
        entries = year_calendar(list(rules), 2026, load_playbooks())
        capacity = {rule.stack: PlannedCapacity(pods=123, nodes=45) for rule in rules}
        figure = year_figure(entries, capacity, 2026, organization)
        figure.canvas.draw()
        figures.append(figure)
        return figure

    yield draw
    for figure in figures:
        plt.close(figure)


def season_labels(figure: Figure) -> list[Text]:
    return [text for text in figure.axes[0].texts if "x, 123 pods" in text.get_text()]


@pytest.mark.parametrize(
    "rules", [(JUNE,), (JANUARY, JUNE, DECEMBER), (JANUARY, OKTOBERFEST, DECEMBER), (LONGEST,), (LONGEST, DECEMBER)]
)
def test_every_season_label_lies_inside_the_plot(figure_of: FigureOf, rules: tuple[SeasonRule, ...]) -> None:
    figure = figure_of(*rules)
    plot = figure.axes[0].get_window_extent()
    labels = season_labels(figure)
    assert len(labels) == len(rules)
    for label in labels:
        box = label.get_window_extent()
        assert plot.x0 - 0.5 <= box.x0 and box.x1 <= plot.x1 + 0.5, (label.get_text(), box, plot)


def test_the_legend_lies_below_the_plot_clear_of_every_label(figure_of: FigureOf) -> None:
    figure = figure_of(JANUARY, OKTOBERFEST, DECEMBER)
    (legend,) = figure.legends
    box = legend.get_window_extent()
    assert box.y1 <= figure.axes[0].get_window_extent().y0
    assert not any(box.overlaps(text.get_window_extent()) for text in figure.axes[0].texts)


def test_the_wiesn_is_in_the_legend_only_with_an_oktoberfest(figure_of: FigureOf) -> None:
    without = [text.get_text() for text in figure_of(JANUARY, JUNE).legends[0].get_texts()]
    with_wiesn = [text.get_text() for text in figure_of(OKTOBERFEST).legends[0].get_texts()]
    assert without == ["milestone"] and with_wiesn == ["the Wiesn", "milestone"]


@pytest.mark.parametrize(
    ("start", "end", "width", "expected"),
    [
        (10.0, 20.0, 5.0, 10.0),  # fits from its season's start
        (90.0, 95.0, 30.0, 65.0),  # ends where its season ends
        (2.0, 5.0, 98.0, 2.0),  # wider than both: keeps to the right edge, not past the left one
        (0.0, 5.0, 200.0, 0.0),  # wider than the plot: starts at the left edge
    ],
)
def test_label_start(start: float, end: float, width: float, expected: float) -> None:
    assert label_start(start, end, width, 0.0, 100.0) == expected


def test_dollars_are_dollars_not_mathtext(figure_of: FigureOf) -> None:
    figure = figure_of(DOLLARS, organization="Preis$ & Co $x$")
    (label,) = season_labels(figure)
    assert label.get_text().startswith("Preis $^$ Sale: save $5 and $10 off: 2x")
    assert "Preis$ & Co $x$" in figure.axes[0].get_title()


def test_a_long_organization_s_title_stays_inside_the_figure(figure_of: FigureOf) -> None:
    organization = "Großhandelsgesellschaft für Frischwaren Nord-Süd-West mbH & Co. KG"
    figure = figure_of(JUNE, organization=organization)
    title = figure.axes[0].title
    box, page = title.get_window_extent(), figure.bbox
    assert page.x0 <= box.x0 and box.x1 <= page.x1, (box, page)
    assert organization in title.get_text() and "\n" in title.get_text()


def milestone_names(figure: Figure) -> dict[dt.date, str]:
    """The names under the marks, by the day they stand at."""
    return {
        _day_of(text.get_position()[0]).date(): text.get_text()
        for text in figure.axes[0].texts
        if re.fullmatch(r"T[-+]\d+(, T[-+]\d+)*", text.get_text())
    }


def test_milestones_are_named_as_the_playbook_names_them_where_a_late_start_moves_them(figure_of: FigureOf) -> None:
    # The season's span begins on 27 May, where an earlier season holds the shared resources past its T-14.
    late = SeasonRule("sommer", "sommer", "Sommer", 2.0, "06-01", "06-20", provision_from=dt.date(2026, 5, 27))
    names = milestone_names(figure_of(late))
    # The T-14 and T-7 steps moved to the span's first day are named as the steps they are, not by the days
    # they now lie before the season (T-5).
    assert names == {
        dt.date(2026, 5, 2): "T-30",
        dt.date(2026, 5, 27): "T-14, T-7",
        dt.date(2026, 6, 1): "T-0",
        dt.date(2026, 6, 21): "T+1",
        dt.date(2026, 6, 27): "T+7",
    }
    on_time = milestone_names(figure_of(SeasonRule("sommer", "sommer", "Sommer", 2.0, "06-01", "06-20")))
    assert on_time[dt.date(2026, 5, 18)] == "T-14" and on_time[dt.date(2026, 5, 25)] == "T-7"
