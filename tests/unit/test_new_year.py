"""A season across New Year (a January sale, 12-20 to 01-06): an end before the start lies in the next year,
through the window, the config, the calendar and its chart, the playbook, the ICS, the rota, the scale-back and
the ownership span; on 2026/27 and across the leap day of 2028."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import icalendar
import pytest
import yaml

from capacity.catalog import Catalog
from freshfoodz_seasonal.adapters.playbook_files import load_playbooks
from freshfoodz_seasonal.adapters.stack_file import load_stack_settings
from freshfoodz_seasonal.cli.year_chart import chart_days
from freshfoodz_seasonal.config.problems import ConfigError
from freshfoodz_seasonal.declaration.season import declare_season
from freshfoodz_seasonal.plan.season_plan import plan_season
from freshfoodz_seasonal.playbooks.calendar import OverlapError, SeasonRule, year_calendar
from freshfoodz_seasonal.seasons.ownership import StackSeason, owner_on, season_spans, update_refusal
from freshfoodz_seasonal.seasons.windows import (
    day_in_window,
    deployed_season_year,
    resolve_window,
    season_year,
    window_label,
)
from tests.support.cli_runner import invoke
from tests.support.project import frozen_stack

SALE = SeasonRule("januar", "januar", "Januar-Sale", 2.0, "12-20", "01-06")
CHRISTMAS = SeasonRule("weihnachten", "weihnachten", "Weihnachten", 5.0, "11-01", "12-16")


def test_an_end_before_the_start_lies_in_the_next_year() -> None:
    window = resolve_window("12-20", "01-06", 2026)
    assert (window.first_day, window.last_day, window.days) == (dt.date(2026, 12, 20), dt.date(2027, 1, 6), 18)
    assert window_label(window) == "2026/27"
    assert window_label(resolve_window("11-01", "12-31", 2026)) == "2026"
    # Across the leap day of 2028: 31 + 31 + 29 + 1 days.
    leap = resolve_window("12-01", "03-01", 2027)
    assert (leap.last_day, leap.days) == (dt.date(2028, 3, 1), 92)
    assert day_in_window("02-28", leap) == dt.date(2028, 2, 28)
    assert day_in_window("01-02", window) == dt.date(2027, 1, 2)
    assert day_in_window("12-19", window) is None


@pytest.mark.parametrize(
    ("today", "year"),
    [
        (dt.date(2026, 11, 30), 2026),  # the next one begins in December
        (dt.date(2026, 12, 31), 2026),
        (dt.date(2027, 1, 6), 2026),  # its last day, in the new year: still 2026's season
        (dt.date(2027, 1, 7), 2027),
        (dt.date(2028, 2, 29), 2027),  # 12-01 to 03-01 of 2027/28 runs over the leap day
    ],
)
def test_the_season_running_across_new_year_is_the_one_that_began_last_year(today: dt.date, year: int) -> None:
    start, end = ("12-01", "03-01") if today.year == 2028 else ("12-20", "01-06")
    assert season_year(start, end, today) == year


def test_a_late_pulumi_up_after_new_year_keeps_the_season_it_closes() -> None:
    # Seven days of grace after the last day, as for any season: 13 January still deploys 2026/27's.
    assert deployed_season_year("12-20", "01-06", dt.date(2027, 1, 13)) == 2026
    assert deployed_season_year("12-20", "01-06", dt.date(2027, 1, 14)) == 2027


def stack_document(**window: str) -> dict[str, Any]:
    document = yaml.safe_load(frozen_stack("weihnachten").read_text(encoding="utf-8"))
    season = document["config"]["freshfoodz-seasonal:season"]
    season.update(name="januar", title="Januar-Sale", loadMultiplier=2)
    season["window"] = window or {"start": "12-20", "end": "01-06"}
    document["config"]["freshfoodz-seasonal:warRoom"]["days"] = {"start": "12-28", "end": "01-03"}
    return document


def sale_project(folder: Path, **window: str) -> Path:
    (folder / "Pulumi.januar.yaml").write_text(yaml.safe_dump(stack_document(**window)), encoding="utf-8")
    return folder


def test_the_config_takes_a_window_across_new_year(tmp_path: Path, catalog: Catalog) -> None:
    settings = load_stack_settings(sale_project(tmp_path) / "Pulumi.januar.yaml", catalog)
    assert (settings.season.window.start, settings.season.window.end) == ("12-20", "01-06")


@pytest.mark.parametrize(
    ("window", "message"),
    [
        # A whole year but a day: its resources (T-14 to two days after) would meet next year's.
        ({"start": "01-02", "end": "01-01"}, "01-02 to 01-01 lasts up to 366 days; a season lasts at most 349 days"),
        ({"start": "10-05", "end": "oktoberfest-end"}, "the start must be on or before 10-03"),
        ({"start": "12-20", "end": "02-29"}, "02-29 exists only in leap years"),
    ],
)
def test_windows_that_cannot_be_a_season_are_refused(
    tmp_path: Path, catalog: Catalog, window: dict[str, str], message: str
) -> None:
    path = sale_project(tmp_path, **window) / "Pulumi.januar.yaml"
    with pytest.raises(ConfigError) as raised:
        load_stack_settings(path, catalog)
    assert message in str(raised.value) and "season.window" in str(raised.value)


def test_the_calendar_shows_the_season_in_the_year_it_begins_and_sees_it_reach_the_next() -> None:
    (christmas, sale) = year_calendar([SALE, CHRISTMAS], 2026, load_playbooks())
    assert (sale.window.first_day, sale.window.last_day) == (dt.date(2026, 12, 20), dt.date(2027, 1, 6))
    dues = {milestone.id: milestone.due for milestone in sale.milestones}
    assert dues["t30-capacity-plan"] == dt.date(2026, 11, 20)
    assert dues["t1-rollback"] == dt.date(2027, 1, 7)
    assert christmas.window.last_day == dt.date(2026, 12, 16)
    # A season of 2027 starting on 3 January meets 2026/27's sale, which still runs.
    january = SeasonRule("neujahr", "neujahr", "Neujahr", 2.0, "01-03", "01-31")
    with pytest.raises(OverlapError, match=r"januar \(2026-12-20 to 2027-01-06\) and neujahr \(2027-01-03"):
        year_calendar([SALE, january], 2027, load_playbooks())


def test_the_chart_widens_to_the_days_it_draws_beyond_the_year() -> None:
    entries = year_calendar([SALE, CHRISTMAS], 2026, load_playbooks())
    left, right = chart_days(entries, 2026)
    assert left == dt.date(2026, 1, 1)
    # The sale's after-season milestones (T+7 review on 13 January) with room for their marks.
    assert right > max(milestone.due for milestone in entries[1].milestones) >= dt.date(2027, 1, 13)
    # A season in early January: its T-30 lies in the December before.
    early = SeasonRule("neujahr", "neujahr", "Neujahr", 2.0, "01-10", "01-31")
    left, _ = chart_days(year_calendar([early], 2027, load_playbooks()), 2027)
    assert left < dt.date(2026, 12, 11)


def test_the_chart_draws_a_season_across_new_year(tmp_path: Path) -> None:
    project = sale_project(tmp_path)
    chart = tmp_path / "year.svg"
    result = invoke("calendar", "--year", "2026", "--chart", str(chart), "--project-dir", str(project))
    assert result.exit_code == 0, result.output
    svg = chart.read_text(encoding="utf-8")
    assert "Januar-Sale: 2x" in svg and "T+7" in svg


def test_the_playbook_after_new_year_is_the_running_seasons(tmp_path: Path) -> None:
    project = sale_project(tmp_path)
    result = invoke("playbook", "januar", "--date", "2027-01-02", "--format", "json", "--project-dir", str(project))
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["window"] == {"first_day": "2026-12-20", "last_day": "2027-01-06"}
    by_id = {step["id"]: step for step in document["steps"]}
    assert by_id["t30-capacity-plan"]["due"] == "2026-11-20" and by_id["t30-capacity-plan"]["state"] == "overdue"
    assert by_id["t1-rollback"]["due"] == "2027-01-07" and by_id["t1-rollback"]["state"] == "upcoming"
    table = invoke("playbook", "januar", "--date", "2027-01-02", "--project-dir", str(project))
    assert "Januar-Sale 2026/27 (2026-12-20 to 2027-01-06)" in table.output


def test_the_ics_spans_new_year_with_whole_days(tmp_path: Path) -> None:
    project = sale_project(tmp_path)
    result = invoke("calendar", "--year", "2026", "--format", "ics", "--project-dir", str(project))
    assert result.exit_code == 0, result.output
    events = {str(e["uid"]): e for e in icalendar.Calendar.from_ical(result.stdout).walk("VEVENT")}
    season = events["januar-2026-season@freshfoodz-seasonal"]
    assert season.decoded("dtstart") == dt.date(2026, 12, 20)
    assert season.decoded("dtend") == dt.date(2027, 1, 7)  # exclusive
    assert events["januar-2026-t1-rollback@freshfoodz-seasonal"].decoded("dtstart") == dt.date(2027, 1, 7)


def test_the_rota_staffs_the_days_across_new_year(tmp_path: Path) -> None:
    project = sale_project(tmp_path)
    roster = tmp_path / "roster.yaml"
    people = [{"name": n, "roles": ["primary", "secondary"]} for n in ("Anna", "Ben", "Clara", "David", "Emma")]
    roster.write_text(yaml.safe_dump({"people": people}), encoding="utf-8")
    args = ("warroom", "rota", "januar", "--roster", str(roster), "--project-dir", str(project))
    result = invoke(*args, "--year", "2026", "--format", "json")
    assert result.exit_code == 0, result.output
    days = {dt.datetime.fromisoformat(s["start"]).date() for s in json.loads(result.stdout)["shifts"]}
    assert min(days) == dt.date(2026, 12, 28) and max(days) == dt.date(2027, 1, 3) and len(days) == 7
    assert "war room rota 2026/27" in invoke(*args, "--year", "2026").output


def test_staffed_days_outside_the_window_are_refused_by_validate(tmp_path: Path) -> None:
    document = stack_document()
    document["config"]["freshfoodz-seasonal:warRoom"]["days"] = {"start": "01-03", "end": "12-28"}
    (tmp_path / "Pulumi.januar.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
    result = invoke("validate", "januar", "--project-dir", str(tmp_path))
    assert result.exit_code == 2
    assert (
        "warRoom.days: 01-03 to 12-28 leave the season's window 2026-12-20 to 2027-01-06; accepted: days within "
        "it, the start first"
    ) in " ".join(result.output.split())


def test_the_scale_back_falls_two_days_after_the_last_day_in_the_new_year(tmp_path: Path, catalog: Catalog) -> None:
    settings = load_stack_settings(sale_project(tmp_path) / "Pulumi.januar.yaml", catalog)
    plan = plan_season(settings, catalog, "januar", 2026)
    nodes = declare_season(settings, plan, dt.datetime(2026, 12, 10, tzinfo=dt.UTC), {}).nodes
    # 06:00 Europe/Berlin (CET) on 8 January 2027.
    assert nodes is not None and nodes.args.scale_back_at == "2027-01-08T05:00:00Z"
    assert nodes.args.tags["freshfoodz.de/season-end"] == "2027-01-06"


def test_the_span_crosses_new_year_and_holds_the_shared_resources() -> None:
    stacks = [
        StackSeason("weihnachten", "weihnachten", "11-01", "12-24"),
        StackSeason("januar", "januar", "12-20", "01-06"),
    ]
    spans = {(s.stack, s.window.first_day.year): s for s in season_spans(stacks, range(2026, 2028))}
    sale = spans[("januar", 2026)]
    # Christmas holds them to its rollback (25 December); the sale's span begins the day after.
    assert (sale.first_day, sale.last_day) == (dt.date(2026, 12, 26), dt.date(2027, 1, 7))
    owner = owner_on(stacks, dt.date(2027, 1, 3))
    assert owner is not None and owner.stack == "januar"
    refusal = update_refusal(stacks, "weihnachten", True, dt.date(2027, 1, 3))
    assert refusal is not None and "januar" in refusal
    assert update_refusal(stacks, "januar", True, dt.date(2027, 1, 3)) is None
