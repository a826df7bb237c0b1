"""The job's traffic by Europe/Berlin hour: each point counts for its local hour, daylight saving or not."""

from __future__ import annotations

import datetime as dt

import pytest

from freshfoodz_seasonal.baseline.measure import PrometheusAnswerError
from freshfoodz_seasonal.baseline.profile import hourly_profile


def answer(points: list[tuple[float, str]]) -> dict[str, object]:
    return {"status": "success", "data": {"resultType": "matrix", "result": [{"metric": {}, "values": points}]}}


def at(text: str) -> float:
    """The point that covers the hour starting at `text`: Prometheus's, on the next full hour."""
    return dt.datetime.fromisoformat(text).timestamp() + 3600


def test_the_quiet_hour_is_local_across_the_change_of_time() -> None:
    # Two days around the end of summer time (25 October 2026): 01:00 UTC is 03:00 local before, 02:00 after.
    points = []
    for day in ("2026-10-24", "2026-10-26"):
        for hour in range(24):
            rate = 1.0 if hour == 1 else 10.0 + hour
            points.append((at(f"{day}T{hour:02d}:00:00+00:00"), str(rate)))
    profile = hourly_profile(answer(points))
    # The quiet point lands on local 03:00 one day and 02:00 the other: each hour's mean mixes two days.
    assert profile.rates[3] == pytest.approx((1.0 + 12.0) / 2) and profile.rates[2] == pytest.approx((10.0 + 1.0) / 2)
    assert profile.quiet_hour == 2 and profile.busy_hour == 0


def test_an_hour_without_data_gives_no_quiet_hour_and_nan_counts_for_nothing() -> None:
    points = [(at(f"2026-11-02T{hour:02d}:00:00+00:00"), "5") for hour in range(23)] + [
        (at("2026-11-02T23:00:00+00:00"), "NaN")
    ]
    profile = hourly_profile(answer(points))
    assert profile.rates[0] is None and profile.quiet_hour is None


def test_an_answer_that_is_no_matrix_is_refused() -> None:
    with pytest.raises(PrometheusAnswerError, match="expected a successful range answer"):
        hourly_profile({"status": "success", "data": {"resultType": "vector", "result": []}})


def test_one_series_only_and_no_crash_on_absurd_timestamps() -> None:
    two = {"status": "success", "data": {"resultType": "matrix", "result": [{"values": []}, {"values": []}]}}
    with pytest.raises(PrometheusAnswerError, match="expected one series"):
        hourly_profile(two)
    with pytest.raises(PrometheusAnswerError):
        hourly_profile(answer([(1e20, "1")]))
    # A negative rate is no counter's: it does not count.
    profile = hourly_profile(
        answer([(at(f"2026-11-02T{h:02d}:00:00+00:00"), "-1e9" if h == 5 else "5") for h in range(24)])
    )
    assert profile.quiet_hour is None
