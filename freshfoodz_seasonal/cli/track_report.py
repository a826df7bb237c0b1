"""The season review (T+7): `seasonctl track --report DIR` writes a markdown report and its PNG charts.

Per day: each service's observed peak against its plan, each route's p95 against its SLO and the model's
prediction in the busiest hour, the pods that ran against the HPA's bounds, and the sample success rate.
The charts are drawn with matplotlib's non-interactive backend into memory; the folder is written all at
once (preview.output.write_tree), so a failure leaves it as it was.
"""

from __future__ import annotations

import datetime as dt
import io
import math

import matplotlib

matplotlib.use("Agg")  # files only; must be chosen before pyplot is imported

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from freshfoodz_seasonal.cli.tables import Section, markdown_text, to_markdown
from freshfoodz_seasonal.track.judge import ServiceLine, SpanJudgement

CHARTS = {
    "peak.png": "Observed peak per service against the plan",
    "p95.png": "p95 per route against its SLO and the model",
    "pods.png": "Pods that ran in the busiest hour against the HPA's bounds",
    "sample-success.png": "Sample success against its target",
}


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=110)
    plt.close(figure)
    return buffer.getvalue()


def _grid(count: int, title: str) -> tuple[Figure, list[Axes]]:
    columns = min(count, 3)
    rows = math.ceil(count / columns)
    figure, axes = plt.subplots(rows, columns, figsize=(4.2 * columns, 3.0 * rows), squeeze=False)
    figure.suptitle(title)
    flat = [axis for row in axes for axis in row]
    for unused in flat[count:]:
        unused.set_visible(False)
    return figure, flat[:count]


def _days(span: SpanJudgement) -> np.ndarray:
    """The span's days as the x axis (numpy dates: matplotlib draws them as dates)."""
    return np.array([date for date, _ in span.days], dtype="datetime64[D]")


# Room above the largest value drawn, for the legend: no line runs along the frame or under the legend.
ROOM_ABOVE = 1.6


def _room_above(axis: Axes, *values: float) -> None:
    """From 0 to well above the largest value drawn (ROOM_ABOVE)."""
    finite = [value for value in values if math.isfinite(value)]
    axis.set_ylim(0, max(finite, default=1.0) * ROOM_ABOVE or 1.0)


def _finish(axis: Axes, title: str, unit: str, days: np.ndarray, *values: float) -> None:
    """A small chart's title, unit, room above what it draws, day ticks and legend."""
    axis.set_title(title, fontsize=9)
    axis.set_ylabel(unit)
    _room_above(axis, *values)
    _dates(axis, days)
    axis.legend(fontsize=7, loc="upper left", ncols=2)


def _dates(axis: Axes, days: np.ndarray) -> None:
    """Whole days on the x axis, at most about ten labels, as MM-DD."""
    shown = days[:: max(1, math.ceil(len(days) / 10))]
    axis.set_xticks(shown, [str(day)[5:] for day in shown])
    axis.tick_params(axis="x", labelrotation=45, labelsize=7)
    axis.grid(alpha=0.3)


def _or_nan(value: float | None, scale: float = 1.0) -> float:
    """A value to draw (x `scale`), or NaN, which matplotlib leaves as a gap, where there is none."""
    return math.nan if value is None else value * scale


def _service_panels(span: SpanJudgement, chart: str) -> tuple[Figure, list[tuple[Axes, str, list[ServiceLine]]]]:
    """A chart with one panel per service, each with that service's line of every day."""
    services = [line.service for line in span.days[0][1].services]
    figure, axes = _grid(len(services), CHARTS[chart])
    panels = [
        (axis, service, [day.services[index] for _, day in span.days])
        for index, (axis, service) in enumerate(zip(axes, services, strict=True))
    ]
    return figure, panels


def _peak_chart(span: SpanJudgement) -> bytes:
    days = _days(span)
    figure, panels = _service_panels(span, "peak.png")
    for axis, service, lines in panels:
        observed = [_or_nan(line.measured_rps) for line in lines]
        axis.plot(days, observed, marker=".", label="observed peak (measured routes)")
        partial = [value if line.unmeasured_routes else math.nan for value, line in zip(observed, lines, strict=True)]
        if any(math.isfinite(value) for value in partial):
            axis.plot(days, partial, "o", fillstyle="none", color="tab:orange", label="a route not measured")
        axis.axhline(lines[0].planned_rps, color="tab:red", linestyle="--", label="planned peak")
        _finish(axis, service, "requests/s", days, *observed, lines[0].planned_rps)
    return _png(figure)


def _p95_chart(span: SpanJudgement) -> bytes:
    days = _days(span)
    routes = [line.route for line in span.days[0][1].routes]
    figure, axes = _grid(len(routes), CHARTS["p95.png"])
    for index, (axis, route) in enumerate(zip(axes, routes, strict=True)):
        lines = [day.routes[index] for _, day in span.days]
        observed = [_or_nan(None if line.observed is None else line.observed.p95_s, 1000) for line in lines]
        predicted = [
            _or_nan(None if line.at_peak_hour is None else line.at_peak_hour.predicted_p95_s, 1000) for line in lines
        ]
        busiest = [
            _or_nan(None if line.at_peak_hour is None else line.at_peak_hour.observed_p95_s, 1000) for line in lines
        ]
        axis.plot(days, observed, marker=".", label="p95 of the day")
        axis.plot(days, busiest, marker="x", linestyle=":", label="p95, busiest hour")
        beyond = [
            value
            if (line.observed is not None and line.observed.p95_beyond_buckets)
            or (line.at_peak_hour is not None and line.at_peak_hour.beyond_buckets)
            else math.nan
            for value, line in zip(observed, lines, strict=True)
        ]
        if any(math.isfinite(value) for value in beyond):
            axis.plot(days, beyond, "^", color="tab:purple", label="beyond the largest bucket: at least")
        axis.plot(days, predicted, marker="+", linestyle=":", label="model, busiest hour")
        axis.axhline(lines[0].p95_slo_s * 1000, color="tab:red", linestyle="--", label="SLO")
        _finish(axis, route, "ms", days, *observed, *busiest, *predicted, lines[0].p95_slo_s * 1000)
    return _png(figure)


def _pods_chart(span: SpanJudgement) -> bytes:
    days = _days(span)
    figure, panels = _service_panels(span, "pods.png")
    for axis, service, lines in panels:
        ran = [_or_nan(None if line.hour is None else line.hour.pods) for line in lines]
        needed = [_or_nan(line.needed_pods) for line in lines]
        axis.plot(days, ran, marker=".", label="ran (busiest hour)", zorder=3)
        axis.plot(days, needed, marker="x", linestyle=":", label="model needed")
        axis.axhline(lines[0].planned_pods, color="tab:green", linestyle="--", label="HPA min (plan)")
        axis.axhline(lines[0].hpa_max, color="tab:red", linestyle="--", label="HPA max")
        _finish(axis, service, "pods", days, *ran, *needed, lines[0].hpa_max)
        at_max = [line.hour.hours_at_max or 0.0 if line.hour is not None else 0.0 for line in lines]
        if any(at_max):
            hours = axis.twinx()
            hours.bar(days, at_max, color="tab:red", alpha=0.25, label="hours at HPA max")
            hours.set_ylabel("hours at HPA max", fontsize=8)
            hours.set_ylim(0, 24)
            # Below the pods' legend, which takes the upper left: never one over the other.
            hours.legend(fontsize=7, loc="center left")
    return _png(figure)


def _sample_chart(span: SpanJudgement) -> bytes:
    days = _days(span)
    figure, axis = plt.subplots(figsize=(6.0, 3.0))
    values = []
    for _, day in span.days:
        kpi = next(kpi for kpi in day.kpis if kpi.name == "sample success")
        values.append(math.nan if kpi.observed is None else kpi.observed * 100)
        threshold = kpi.threshold * 100
    axis.plot(days, values, marker=".", label="sample success")
    axis.axhline(threshold, color="tab:red", linestyle="--", label="target")
    # The stack's own target (kpis.sampleSuccess), in the title as on the line.
    axis.set_title(f"{CHARTS['sample-success.png']} of {threshold:g} %", fontsize=10)
    axis.set_ylabel("% of the sample route's requests answered 2xx")
    axis.set_ylim(0, 108)
    _dates(axis, days)
    axis.legend(fontsize=7)
    return _png(figure)


def report_files(
    stack: str, span: SpanJudgement, sections: list[Section], heading: str, written_on: dt.date
) -> dict[str, str | bytes]:
    """The report's markdown (the span's tables, then the charts) and the charts' PNGs, by file name."""
    charts: dict[str, bytes] = {
        "peak.png": _peak_chart(span),
        "p95.png": _p95_chart(span),
        "pods.png": _pods_chart(span),
        "sample-success.png": _sample_chart(span),
    }
    first, last = span.days[0][0], span.days[-1][0]
    text = to_markdown(heading, sections)
    text += f"\n#### Charts, {first} to {last}\n\n"
    text += "".join(f"![{CHARTS[name]}]({name})\n\n" for name in charts)
    text += f"Written by seasonctl track {markdown_text(stack)} on {written_on}.\n"
    return {"report.md": text, **charts}
