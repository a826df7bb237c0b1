"""The owner marks on the shared resources: the primary's tags per phase, and who they say holds it."""

from __future__ import annotations

from freshfoodz_seasonal.declaration.owner_marks import Owner, live_owner_refusal, primary_tags
from freshfoodz_seasonal.naming import OWNER_SEASON_ANNOTATION, OWNER_STACK_ANNOTATION

SPRING = Owner("spargel", "spargel")
CHRISTMAS_TAGS = {OWNER_SEASON_ANNOTATION: "weihnachten", OWNER_STACK_ANNOTATION: "weihnachten-eu"}


def test_the_peak_replaces_a_stale_owner_and_keeps_the_rest() -> None:
    tags = primary_tags({"team": "platform", **CHRISTMAS_TAGS}, SPRING, peak=True)
    assert tags == {"team": "platform", OWNER_SEASON_ANNOTATION: "spargel", OWNER_STACK_ANNOTATION: "spargel"}


def test_the_baseline_declares_no_owner() -> None:
    assert primary_tags({"team": "platform", **CHRISTMAS_TAGS}, SPRING, peak=False) == {"team": "platform"}


def test_the_holder_is_named_and_its_rollback_given() -> None:
    refusal = live_owner_refusal("db-1", CHRISTMAS_TAGS, "spargel")
    assert refusal is not None
    assert "season weihnachten (stack weihnachten-eu)" in refusal and "seasonctl rollback weihnachten-eu" in refusal


def test_the_holder_itself_and_an_untagged_primary_are_not_refused() -> None:
    assert live_owner_refusal("db-1", CHRISTMAS_TAGS, "weihnachten-eu") is None
    assert live_owner_refusal("db-1", {"team": "platform"}, "spargel") is None


def test_half_an_owner_refuses_since_the_holder_cannot_be_told() -> None:
    refusal = live_owner_refusal("db-1", {OWNER_STACK_ANNOTATION: "weihnachten"}, "weihnachten")
    assert refusal is not None and "cannot be told" in refusal
