"""What the calendar starts on a day: provisioning steps on their days, the rollback on the rollback day."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import yaml

from capacity.catalog import Catalog
from freshfoodz_seasonal.adapters.duration_files import load_durations
from freshfoodz_seasonal.adapters.stack_file import load_stack_settings
from freshfoodz_seasonal.plan.season_plan import plan_season
from freshfoodz_seasonal.provisioning.due import Action, Due, StackSeasonPlan, due_on
from freshfoodz_seasonal.provisioning.schedule import provisioning_plan
from freshfoodz_seasonal.seasons.windows import resolve_window
from tests.support.cli_runner import invoke
from tests.support.project import frozen_stack, project_copy


def christmas(catalog: Catalog, late_days: int = 0, **database: float) -> StackSeasonPlan:
    settings = load_stack_settings(frozen_stack("weihnachten"), catalog)
    settings = settings.model_copy(update={"database": settings.database.model_copy(update=database)})
    plan = plan_season(settings, catalog, "weihnachten", 2026)
    return StackSeasonPlan(
        "weihnachten",
        resolve_window("11-01", "12-31", 2026),
        provisioning_plan(settings, plan, load_durations()),
        late_days,
    )


def on(seasons: list[StackSeasonPlan], day: str) -> list[Due]:
    return due_on(seasons, dt.date.fromisoformat(day))


def test_one_window_provisions_at_t_minus_14_and_rolls_back_the_day_after(catalog: Catalog) -> None:
    season = [christmas(catalog)]
    assert on(season, "2026-10-17") == [] and on(season, "2026-10-19") == []
    assert on(season, "2026-10-18") == [Due("weihnachten", Action.PROVISION, ())]
    assert on(season, "2027-01-01") == [Due("weihnachten", Action.ROLLBACK, ())]
    assert on(season, "2026-12-31") == []


def test_a_plan_over_two_days_runs_the_first_day_s_steps_by_name(catalog: Catalog) -> None:
    season = [christmas(catalog, baseline_cpu_utilization=0.5)]
    (first,) = on(season, "2026-10-18")
    assert first == Due("weihnachten", Action.PROVISION, ("replicas",))
    assert first.arguments == ["provision", "weihnachten", "--yes", "--step", "replicas"]
    assert on(season, "2026-10-19") == [Due("weihnachten", Action.PROVISION, ())]


def test_a_late_span_moves_every_step(catalog: Catalog) -> None:
    season = [christmas(catalog, late_days=3)]
    assert on(season, "2026-10-18") == [] and on(season, "2026-10-21") == [Due("weihnachten", Action.PROVISION, ())]


def test_the_command_lists_every_stack_of_the_project(tmp_path: Path) -> None:
    project_copy(tmp_path, "spargel", "weihnachten")
    text = frozen_stack("spargel").read_text(encoding="utf-8")
    # A summer season right after asparagus: its span starts the day after spargel's rollback day.
    juli = yaml.safe_load(text.replace('start: "04-01"', 'start: "07-01"').replace('end: "06-24"', 'end: "08-31"'))
    juli["config"]["freshfoodz-seasonal:season"]["name"] = "juli"
    (tmp_path / "Pulumi.juli.yaml").write_text(yaml.safe_dump(juli, sort_keys=False), encoding="utf-8")
    answers = {}
    for day in ("2027-06-17", "2027-06-25", "2027-06-26", "2027-01-01"):
        result = invoke("due", "--date", day, "--format", "json", "--project-dir", str(tmp_path))
        assert result.exit_code == 0, result.output
        answers[day] = [(d["stack"], d["action"], d["command"]) for d in json.loads(result.stdout)["due"]]
    assert answers["2027-06-17"] == []  # juli's T-14, but spargel holds the resources until 25 June
    assert answers["2027-06-25"] == [("spargel", "rollback", "seasonctl rollback spargel --yes")]
    assert answers["2027-06-26"] == [("juli", "provision", "seasonctl provision juli --yes")]
    assert answers["2027-01-01"] == [("weihnachten", "rollback", "seasonctl rollback weihnachten --yes")]
    table = invoke("due", "--date", "2026-10-17", "--project-dir", str(tmp_path))
    assert table.exit_code == 0 and "Nothing is due on 2026-10-17." in table.output


def test_a_late_span_never_puts_provisioning_into_the_season(catalog: Catalog) -> None:
    # A two-day plan whose span starts 13 days late: both days would fall on or after the first day.
    season = [christmas(catalog, late_days=13, baseline_cpu_utilization=0.5)]
    assert on(season, "2026-10-31") == [
        Due("weihnachten", Action.PROVISION, ("replicas",)),
        Due("weihnachten", Action.PROVISION, ()),
    ]
    assert on(season, "2026-11-01") == []
