"""The series of a range query's answer (`/api/v1/query_range`, resultType matrix), as plain data."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from freshfoodz_seasonal.baseline.measure import MAX_LABEL_CHARS, PrometheusAnswerError
from freshfoodz_seasonal.visible import visible


@dataclass(frozen=True)
class RangeSeries:
    labels: Mapping[str, str]
    points: Mapping[float, float]
    """Value by evaluation time (Unix seconds); only finite values: NaN or +-Inf is no measurement."""


def range_series(answer: Any) -> list[RangeSeries]:
    """The series of a range answer; PrometheusAnswerError if it is not one as the HTTP API documents it."""
    try:
        data = answer["data"]
        if answer["status"] != "success" or data["resultType"] != "matrix":
            raise PrometheusAnswerError(f"expected a successful range answer, got {answer!r:.200}")
        series = []
        for item in data["result"]:
            labels, values = item["metric"], item["values"]
            if not isinstance(labels, dict) or not all(isinstance(text, str) for _, text in values):
                raise PrometheusAnswerError(f"unexpected series {item!r:.200}")
            points = {float(at_s): float(text) for at_s, text in values}
            series.append(
                RangeSeries(
                    {str(k): visible(str(v), MAX_LABEL_CHARS) for k, v in labels.items()},
                    {at_s: value for at_s, value in points.items() if math.isfinite(value)},
                )
            )
        return series
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, PrometheusAnswerError):
            raise
        raise PrometheusAnswerError(f"not a Prometheus range answer ({error}): {answer!r:.200}") from None
