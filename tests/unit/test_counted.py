"""A count and its noun agree: `1 worker`, `2 workers`."""

from __future__ import annotations

from freshfoodz_seasonal.counted import counted


def test_a_count_of_one_takes_the_singular_and_any_other_the_plural() -> None:
    assert counted(1, "worker") == "1 worker"
    assert counted(0, "worker") == "0 workers"
    assert counted(2_500, "day") == "2,500 days"
    assert counted(3, "replica", "replicas of it") == "3 replicas of it"
