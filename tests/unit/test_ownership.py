"""One season at a time: who owns the shared resources on a day, and what an update may do then."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from freshfoodz_seasonal.seasons.ownership import (
    OVERRIDE_VARIABLE,
    StackSeason,
    berlin_date,
    calendar_conflict,
    conflict_ahead,
    current_span,
    late_start,
    owner_on,
    ownership_gate,
    project_refusal,
    season_runs,
    season_spans,
    update_refusal,
)

SPARGEL = StackSeason("spargel", "spargel", "04-01", "06-24")
OKTOBERFEST = StackSeason("oktoberfest", "oktoberfest", "09-01", "oktoberfest-end")
WEIHNACHTEN = StackSeason("weihnachten", "weihnachten", "11-01", "12-31")
YEAR = [SPARGEL, OKTOBERFEST, WEIHNACHTEN]


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def test_a_span_runs_from_t_minus_14_to_the_rollback_day() -> None:
    spans = {(s.stack, s.window.first_day.year): s for s in season_spans(YEAR, range(2026, 2027))}
    assert (spans["spargel", 2026].first_day, spans["spargel", 2026].last_day) == (day("2026-03-18"), day("2026-06-25"))
    # The Wiesn of 2026 ends on Sunday 4 October: rollback on the 5th.
    assert spans["oktoberfest", 2026].last_day == day("2026-10-05")
    assert (spans["weihnachten", 2026].first_day, spans["weihnachten", 2026].last_day) == (
        day("2026-10-18"),
        day("2027-01-01"),
    )


@pytest.mark.parametrize(
    ("on", "owner"),
    [
        ("2026-12-10", "weihnachten"),
        ("2027-01-01", "weihnachten"),  # its rollback day
        ("2027-01-02", None),
        ("2027-03-18", "spargel"),
        ("2026-10-05", "oktoberfest"),
        ("2026-10-06", None),
        ("2026-10-18", "weihnachten"),
    ],
)
def test_the_owner_on_a_day(on: str, owner: str | None) -> None:
    span = owner_on(YEAR, day(on))
    assert (span.stack if span else None) == owner


def test_a_span_that_begins_during_another_waits_for_its_rollback() -> None:
    # A short autumn season whose T-14 falls inside the Wiesn's span.
    herbst = StackSeason("herbst", "herbst", "10-10", "10-31")
    spans = {s.stack: s for s in season_spans([OKTOBERFEST, herbst], range(2026, 2027))}
    assert spans["oktoberfest"].last_day == day("2026-10-05")
    assert spans["herbst"].first_day == day("2026-10-06")
    assert owner_on([OKTOBERFEST, herbst], day("2026-10-05")).stack == "oktoberfest"  # type: ignore[union-attr]


def test_another_season_refuses_every_phase_and_names_the_owner() -> None:
    for peak in (True, False):
        refusal = update_refusal(YEAR, "spargel", peak, day("2026-12-10"))
        assert refusal is not None
        assert "belong to weihnachten (stack weihnachten) from 2026-10-18 until its rollback on 2027-01-01" in refusal
        assert "stack spargel may change them from 2027-03-18 to 2027-06-25" in refusal
    assert update_refusal(YEAR, "weihnachten", True, day("2026-12-10")) is None
    assert update_refusal(YEAR, "weihnachten", False, day("2026-12-10")) is None


def test_outside_every_span_only_the_baseline_may_be_applied() -> None:
    assert update_refusal(YEAR, "spargel", False, day("2027-02-01")) is None
    refusal = update_refusal(YEAR, "spargel", True, day("2027-02-01"))
    assert refusal is not None and "outside its season's span" in refusal and "from 2027-03-18 to 2027-06-25" in refusal


def test_the_running_stack_s_own_rule_replaces_its_file_s() -> None:
    moved = StackSeason("spargel", "spargel", "12-01", "12-24")
    # The file says April, the run says December: the run's rule is judged, against Christmas.
    assert project_refusal(YEAR, [], moved, True, day("2026-12-10")) is not None
    assert project_refusal([SPARGEL], [], moved, True, day("2026-12-10")) is None


def test_unreadable_stack_files_refuse() -> None:
    refusal = project_refusal(YEAR, ["Pulumi.x.yaml: bad"], WEIHNACHTEN, True, day("2026-12-10"))
    assert refusal is not None and "cannot be told" in refusal and "Pulumi.x.yaml: bad" in refusal


def test_the_gate_refuses_updates_warns_previews_and_logs_an_override() -> None:
    assert ownership_gate(None, False, None).refused is False
    refused = ownership_gate("on X the resources belong to Y", False, None)
    assert refused.refused and refused.message is not None and OVERRIDE_VARIABLE in refused.message
    previewed = ownership_gate("on X the resources belong to Y", True, None)
    assert not previewed.refused and previewed.message is not None and "would be refused" in previewed.message
    overridden = ownership_gate("on X the resources belong to Y", False, "incident 4711\x1b[31m\n" + "x" * 500)
    assert not overridden.refused and overridden.message is not None
    assert "incident 4711" in overridden.message and "\x1b" not in overridden.message and "\n" not in overridden.message
    assert len(overridden.message) < 400
    assert ownership_gate("r", False, "   ").refused  # a blank reason is no reason


def test_days_are_counted_in_berlin() -> None:
    # 23:30 UTC on 31 December is already New Year's Day in Berlin.
    assert berlin_date(dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)) == day("2027-01-01")


def test_only_stacks_that_share_a_resource_compete() -> None:
    production = [replace(s, cluster="prod", primary="primary") for s in YEAR]
    staging = StackSeason("staging", "weihnachten", "11-01", "12-31", "staging", "staging-primary")
    assert update_refusal([*production, staging], "weihnachten", True, day("2026-12-10")) is None
    assert update_refusal([*production, staging], "staging", True, day("2026-12-10")) is None
    # Sharing either the cluster (its HPAs) or the primary is enough to compete.
    for same in (replace(staging, cluster="prod"), replace(staging, primary="primary")):
        refusal = project_refusal(production, [], same, True, day("2026-12-10"))
        assert refusal is not None and "overlap, and they share the cluster or the primary" in refusal


def test_the_season_a_rollback_ends() -> None:
    assert current_span(WEIHNACHTEN, day("2027-01-10")).window.first_day == day("2026-11-01")
    assert current_span(WEIHNACHTEN, day("2026-10-20")).window.first_day == day("2026-11-01")
    assert season_runs(current_span(WEIHNACHTEN, day("2026-10-20")), day("2026-10-20"))
    assert not season_runs(current_span(WEIHNACHTEN, day("2027-01-01")), day("2027-01-01"))


def test_a_preview_says_when_an_override_would_let_the_update_go_on() -> None:
    gate = ownership_gate("on X the resources belong to Y", True, "INC-1")
    assert not gate.refused and gate.message is not None and "would go on" in gate.message and "INC-1" in gate.message


def test_windows_that_share_one_day_overlap() -> None:
    sommer = StackSeason("sommer", "sommer", "06-24", "08-31")
    conflict = calendar_conflict([SPARGEL, sommer], day("2026-05-01"))
    assert conflict is not None and "overlap" in conflict


def test_a_season_starting_on_another_s_rollback_day_is_a_conflict() -> None:
    # Spargel's last day is 24 June, its rollback day the 25th: a season starting then has no peak on day one.
    sommer = StackSeason("sommer", "sommer", "06-25", "08-31")
    conflict = calendar_conflict([SPARGEL, sommer], day("2026-05-01"))
    assert conflict is not None
    assert "sommer (stack sommer) starts on 2026-06-25" in conflict and "until its rollback on 2026-06-25" in conflict
    assert calendar_conflict([SPARGEL, replace(sommer, start="06-26")], day("2026-05-01")) is None


def test_a_span_clipped_before_its_first_day_starts_late_but_on_time_for_the_season() -> None:
    juli = StackSeason("juli", "juli", "07-01", "08-31")
    late = late_start([SPARGEL, juli], juli, day("2026-05-01"))
    assert late is not None and (late.first_day, late.nominal) == (day("2026-06-26"), day("2026-06-17"))
    assert "juli can be provisioned only from 2026-06-26, not at T-14 (2026-06-17)" in late.describe()
    assert late_start(YEAR, WEIHNACHTEN, day("2026-05-01")) is None
    # A stack on another cluster and database is no rival: nothing clips its span.
    assert (
        late_start(
            [SPARGEL, replace(juli, cluster="staging", primary="staging")],
            replace(juli, cluster="staging", primary="staging"),
            day("2026-05-01"),
        )
        is None
    )


def test_a_conflict_that_is_over_does_not_count_but_one_years_ahead_does() -> None:
    herbst = StackSeason("herbst", "herbst", "10-06", "12-31")
    # 2025's Wiesn ended on 5 October, its rollback day the 6th: that clash is over by May 2026, and
    # 2026's Wiesn ends on the 4th.
    assert calendar_conflict([OKTOBERFEST, herbst], day("2026-05-01")) is None
    # ... but the Wiesn's end moves with the weekdays: a later year clashes again.
    ahead = conflict_ahead([OKTOBERFEST, herbst], day("2026-05-01"))
    assert ahead is not None and "oktoberfest (2029-09-01 to 2029-10-07) and herbst (2029-10-06" in ahead
