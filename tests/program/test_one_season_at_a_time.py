"""The program refuses an update while another season owns the shared resources; a preview only warns.

Each test runs a copy of the program in a project folder of its own with the three seasons' stack
files, so the calendar it judges is the test's, whatever stacks the repository holds.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml

from freshfoodz_seasonal.adapters.live_primary import LivePrimary
from freshfoodz_seasonal.naming import (
    CONFIG_NAMESPACE,
    OWNER_SEASON_ANNOTATION,
    OWNER_STACK_ANNOTATION,
    RDS_INSTANCE_TYPE,
)
from freshfoodz_seasonal.preview.capture import Capture, CapturedResource, run_program, stack_config
from freshfoodz_seasonal.seasons.ownership import OVERRIDE_VARIABLE
from tests.support.project import FROZEN_STACKS, project_copy, with_war_room_secrets

SEASONS = FROZEN_STACKS
MID_CHRISTMAS = dt.datetime(2026, 12, 10, 11, tzinfo=dt.UTC)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return project_copy(tmp_path, *SEASONS)


def config_of(project: Path, stack: str) -> dict[str, Any]:
    config = yaml.safe_load((project / f"Pulumi.{stack}.yaml").read_text(encoding="utf-8"))["config"]
    return stack_config(with_war_room_secrets(config))


def update(
    project: Path,
    stack: str,
    *,
    preview: bool = False,
    now: dt.datetime = MID_CHRISTMAS,
    live: LivePrimary | None = None,
    into: Capture | None = None,
) -> Capture:
    capture = into or Capture()
    run_program(
        project / "__main__.py", CONFIG_NAMESPACE, stack, config_of(project, stack), capture,
        preview=preview, now=now, live_primary=live,
    )  # fmt: skip
    return capture


def set_phase(project: Path, stack: str, phase: str) -> None:
    path = project / f"Pulumi.{stack}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(f"{CONFIG_NAMESPACE}:phase: peak", f"{CONFIG_NAMESPACE}:phase: {phase}"), "utf-8")


def primary_of(capture: Capture) -> CapturedResource:
    (primary,) = [r for r in capture.resources if r.type == RDS_INSTANCE_TYPE and not r.inputs.get("replicateSourceDb")]
    return primary


@pytest.mark.parametrize("stack", ["spargel", "oktoberfest"])
def test_an_update_during_christmas_is_refused_and_registers_nothing(project: Path, stack: str) -> None:
    capture = Capture()
    with pytest.raises(pulumi.RunError, match="belong to weihnachten") as refused:
        run_program(
            project / "__main__.py", CONFIG_NAMESPACE, stack, config_of(project, stack), capture,
            preview=False, now=MID_CHRISTMAS,
        )  # fmt: skip
    assert "until its rollback on 2027-01-01" in str(refused.value) and OVERRIDE_VARIABLE in str(refused.value)
    assert capture.resources == []


def test_the_owning_season_updates(project: Path) -> None:
    capture = update(project, "weihnachten")
    assert capture.resources and not any("belong to" in warning for warning in capture.warnings)


def test_a_preview_warns_with_the_same_words(project: Path) -> None:
    capture = update(project, "spargel", preview=True)
    assert capture.resources
    (warning,) = [w for w in capture.warnings if "belong to weihnachten" in w]
    assert "until its rollback on 2027-01-01" in warning and "would be refused" in warning


def test_a_baseline_run_outside_every_span_is_allowed(project: Path) -> None:
    set_phase(project, "spargel", "baseline")
    capture = update(project, "spargel", now=dt.datetime(2027, 2, 1, 11, tzinfo=dt.UTC))
    assert capture.resources


def test_an_override_with_a_reason_goes_on_and_says_so(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(OVERRIDE_VARIABLE, "INC-4711: Christmas stack lost, spargel holds the values")
    capture = update(project, "spargel")
    assert capture.resources
    assert any("updating anyway" in w and "INC-4711" in w for w in capture.warnings)


# The live primary as the platform runs it, with a tag of its own, and as a season at its peak left it.
PLATFORM_TAGS = {"team": "platform", "cost-centre": "4711"}
HELD_BY_CHRISTMAS = {**PLATFORM_TAGS, OWNER_SEASON_ANNOTATION: "weihnachten", OWNER_STACK_ANNOTATION: "weihnachten"}
IN_SPRING = dt.datetime(2027, 4, 20, 10, tzinfo=dt.UTC)


def test_the_primary_s_owner_tags_refuse_another_stack_even_in_its_own_span(project: Path) -> None:
    # The calendar gives spring to spargel, but the primary says Christmas still holds it (its
    # rollback never ran, or a stack file's window was edited): the update registers nothing.
    capture = Capture()
    with pytest.raises(pulumi.RunError) as refused:
        update(project, "spargel", now=IN_SPRING, live=LivePrimary("db.r7g.4xlarge", HELD_BY_CHRISTMAS), into=capture)
    message = str(refused.value)
    assert "tagged as held by season weihnachten (stack weihnachten)" in message
    assert "seasonctl rollback weihnachten" in message and OVERRIDE_VARIABLE in message
    assert capture.resources == []


def test_a_preview_names_the_holder_and_goes_on(project: Path) -> None:
    capture = update(
        project, "spargel", preview=True, now=IN_SPRING, live=LivePrimary("db.r7g.4xlarge", HELD_BY_CHRISTMAS)
    )
    assert capture.resources
    assert any("tagged as held by season weihnachten" in w and "would be refused" in w for w in capture.warnings)


def test_at_its_peak_a_stack_tags_the_primary_and_keeps_the_platform_s_tags(project: Path) -> None:
    capture = update(project, "weihnachten", live=LivePrimary("db.r7g.xlarge", PLATFORM_TAGS))
    assert primary_of(capture).inputs["tags"] == HELD_BY_CHRISTMAS
    assert "tags" not in primary_of(capture).ignore_changes


def test_the_holder_s_rollback_takes_its_tags_off_and_nothing_else(project: Path) -> None:
    set_phase(project, "weihnachten", "baseline")
    after_the_season = dt.datetime(2027, 1, 2, 9, tzinfo=dt.UTC)
    capture = update(
        project, "weihnachten", now=after_the_season, live=LivePrimary("db.r7g.4xlarge", HELD_BY_CHRISTMAS)
    )
    assert primary_of(capture).inputs["tags"] == PLATFORM_TAGS


def test_a_first_adoption_declares_exactly_the_tags_the_primary_has(project: Path) -> None:
    # Pulumi imports only a resource declared as it runs: phase baseline adds no tag of its own.
    set_phase(project, "spargel", "baseline")
    capture = update(
        project,
        "spargel",
        now=dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC),
        live=LivePrimary("db.r7g.xlarge", PLATFORM_TAGS),
    )
    assert primary_of(capture).inputs["tags"] == PLATFORM_TAGS


def test_owner_tags_that_name_no_stack_refuse_without_being_echoed(project: Path) -> None:
    hostile = {OWNER_SEASON_ANNOTATION: "weihnachten", OWNER_STACK_ANNOTATION: "$(curl evil)\x1b[2J"}
    with pytest.raises(pulumi.RunError) as refused:
        update(project, "weihnachten", live=LivePrimary("db.r7g.xlarge", hostile))
    assert "name no season and stack" in str(refused.value) and "curl" not in str(refused.value)


def test_an_offline_run_reads_nothing_live_and_tags_only_the_owner(project: Path) -> None:
    capture = update(project, "weihnachten")
    expected = {OWNER_SEASON_ANNOTATION: "weihnachten", OWNER_STACK_ANNOTATION: "weihnachten"}
    assert primary_of(capture).inputs["tags"] == expected


def test_the_override_lifts_the_calendar_never_another_season_s_hold(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Spargel's rollback in December with the override: the calendar lets it through, but the primary
    # says Christmas holds it at its peak; a baseline now would shrink the live season's database.
    monkeypatch.setenv(OVERRIDE_VARIABLE, "INC-1: wrong stack")
    set_phase(project, "spargel", "baseline")
    capture = Capture()
    with pytest.raises(pulumi.RunError) as refused:
        update(project, "spargel", live=LivePrimary("db.r7g.4xlarge", HELD_BY_CHRISTMAS), into=capture)
    assert "tagged as held by season weihnachten" in str(refused.value)
    assert f"{OVERRIDE_VARIABLE} does not lift this" in str(refused.value) and capture.resources == []
