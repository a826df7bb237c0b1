"""The year's calendar: windows of all stacks, milestones, overlaps, and the ICS export."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from xml.etree import ElementTree

import icalendar
import matplotlib.image
import pytest
import yaml
from typer.testing import CliRunner

from freshfoodz_seasonal.adapters.playbook_files import load_playbooks
from freshfoodz_seasonal.cli.app import app
from freshfoodz_seasonal.playbooks.calendar import OverlapError, SeasonRule, year_calendar
from freshfoodz_seasonal.playbooks.ics import calendar_ics
from tests.support.project import FROZEN, FROZEN_STACKS, ROOT, frozen_stack, project_copy

RULES = [
    SeasonRule("spargel", "spargel", "Spargel", 3.0, "04-01", "06-24"),
    SeasonRule("weihnachten", "weihnachten", "Weihnachten", 5.0, "11-01", "12-31"),
    SeasonRule("oktoberfest", "oktoberfest", "Oktoberfest", 4.0, "09-01", "oktoberfest-end"),
]
STAMP = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)


def test_windows_in_date_order_with_the_wiesn() -> None:
    entries = year_calendar(RULES, 2026, load_playbooks())
    assert [e.stack for e in entries] == ["spargel", "oktoberfest", "weihnachten"]
    oktoberfest = entries[1]
    assert (oktoberfest.window.first_day, oktoberfest.window.last_day) == (dt.date(2026, 9, 1), dt.date(2026, 10, 4))
    assert oktoberfest.wiesn is not None
    assert (oktoberfest.wiesn.first_day, oktoberfest.wiesn.last_day) == (dt.date(2026, 9, 19), dt.date(2026, 10, 4))
    assert entries[0].wiesn is None
    dates = [milestone.due for milestone in entries[2].milestones]
    assert dates == sorted(dates)
    assert dt.date(2026, 10, 2) in dates  # T-30 of 1 November


def test_leap_years_shift_nothing_but_february() -> None:
    rules = [SeasonRule("winter", "winter", "Winter", 2.0, "02-01", "02-28")]
    assert year_calendar(rules, 2028, load_playbooks())[0].window.days == 28


def test_overlapping_windows_are_an_error() -> None:
    rules = [*RULES, SeasonRule("summer", "summer", "Summer", 2.0, "06-20", "07-31")]
    with pytest.raises(OverlapError, match=r"spargel \(2026-04-01 to 2026-06-24\) and summer"):
        year_calendar(rules, 2026, load_playbooks())


def test_ics_parses_back_with_stable_uids_and_whole_days() -> None:
    entries = year_calendar(RULES, 2026, load_playbooks())
    first = icalendar.Calendar.from_ical(calendar_ics(entries, STAMP, "FreshFoodz"))
    second = icalendar.Calendar.from_ical(calendar_ics(entries, STAMP + dt.timedelta(days=3), "FreshFoodz"))
    events = list(first.walk("VEVENT"))
    assert [str(e["uid"]) for e in events] == [str(e["uid"]) for e in second.walk("VEVENT")]
    assert len({str(e["uid"]) for e in events}) == len(events)
    season = next(e for e in events if str(e["uid"]) == "oktoberfest-2026-season@freshfoodz-seasonal")
    assert season.decoded("dtstart") == dt.date(2026, 9, 1)
    assert season.decoded("dtend") == dt.date(2026, 10, 5)  # exclusive end
    wiesn = next(e for e in events if str(e["uid"]) == "oktoberfest-2026-wiesn@freshfoodz-seasonal")
    assert wiesn.decoded("dtstart") == dt.date(2026, 9, 19)
    assert [tz["tzid"] for tz in first.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert first["version"] == "2.0" and "prodid" in first


def calendar_cli(*args: str, project: Path = FROZEN) -> object:
    """`seasonctl calendar` of a project: by default the frozen stacks, whose dates the tests pin."""
    return CliRunner().invoke(app, ["calendar", *args, "--project-dir", str(project)])


def test_cli_json_and_ics() -> None:
    result = calendar_cli("--year", "2027", "--format", "json")
    assert result.exit_code == 0, result.output
    seasons = json.loads(result.stdout)["seasons"]
    assert [s["stack"] for s in seasons] == ["spargel", "oktoberfest", "weihnachten"]
    assert seasons[1]["last_day"] == "2027-10-03"
    ics = calendar_cli("--year", "2027", "--format", "ics")
    assert ics.exit_code == 0
    assert icalendar.Calendar.from_ical(ics.output).walk("VEVENT")


def test_cli_reports_overlaps_with_exit_2(tmp_path: Path) -> None:
    stack = project_copy(tmp_path, *FROZEN_STACKS) / "Pulumi.oktoberfest.yaml"
    document = yaml.safe_load(stack.read_text())
    document["config"]["freshfoodz-seasonal:season"]["window"]["start"] = "06-01"
    stack.write_text(yaml.safe_dump(document))
    result = calendar_cli("--year", "2026", project=tmp_path)
    assert result.exit_code == 2
    assert "2026-06-01 to 2026-10-04) overlap" in result.output


@pytest.mark.parametrize("year", ["1999", "2101", "next"])
def test_cli_refuses_years_out_of_range(year: str) -> None:
    assert calendar_cli("--year", year).exit_code == 2


def test_chart_png_is_a_real_image_of_sensible_size(tmp_path: Path) -> None:
    path = tmp_path / "year.png"
    result = calendar_cli("--year", "2026", "--chart", str(path))
    assert result.exit_code == 0, result.output
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    height, width, _ = matplotlib.image.imread(path).shape
    assert 800 <= width <= 4000 and 200 <= height <= 2000


def test_chart_svg_is_xml_with_the_seasons(tmp_path: Path) -> None:
    path = tmp_path / "year.svg"
    assert calendar_cli("--year", "2026", "--chart", str(path)).exit_code == 0
    root = ElementTree.parse(path).getroot()
    assert root.tag.endswith("svg")
    assert len(root.findall(".//{http://www.w3.org/2000/svg}path")) > 10


def test_chart_needs_png_or_svg(tmp_path: Path) -> None:
    result = calendar_cli("--chart", str(tmp_path / "year.gif"))
    assert result.exit_code == 2
    assert ".png or .svg" in result.output


def test_a_late_start_moves_the_provisioning_milestones_as_in_the_playbook(tmp_path: Path) -> None:
    project_copy(tmp_path, "oktoberfest")
    document = yaml.safe_load(frozen_stack("weihnachten").read_text(encoding="utf-8"))
    document["config"]["freshfoodz-seasonal:season"].update(name="herbst", window={"start": "10-07", "end": "12-31"})
    (tmp_path / "Pulumi.herbst.yaml").write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    result = CliRunner().invoke(app, ["calendar", "--year", "2026", "--format", "json", "--project-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    entries = json.loads(result.stdout)
    seasons = entries["seasons"] if isinstance(entries, dict) else entries
    (herbst,) = [entry for entry in seasons if entry["stack"] == "herbst"]
    dates = {milestone["id"]: milestone["date"] for milestone in herbst["milestones"]}
    # Oktoberfest 2026 holds the shared resources until its rollback on 5 October: herbst's T-14 moves.
    assert dates["t14-infrastructure"] == "2026-10-06" and dates["t1-rollback"] == "2027-01-01"
    # Named as the playbook names the step, not by the days it now lies before the season.
    names = {milestone["id"]: milestone["milestone"] for milestone in herbst["milestones"]}
    assert names["t14-infrastructure"] == "T-14" and names["t1-rollback"] == "T+1"


def test_seasons_on_other_clusters_and_databases_may_overlap(tmp_path: Path) -> None:
    # A Black Friday season of another shop, on its own cluster and primary, beside Christmas.
    project = project_copy(tmp_path, *FROZEN_STACKS)
    document = yaml.safe_load((ROOT / "tests/support/stacks/Pulumi.summer-sale.yaml").read_text(encoding="utf-8"))
    document["config"]["freshfoodz-seasonal:season"]["window"] = {"start": "11-20", "end": "11-30"}
    (project / "Pulumi.black-friday.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
    platform = document["config"]["freshfoodz-seasonal:platform"]
    platform.update(clusterName="shop-prod", primaryDbIdentifier="shop-primary")
    (project / "Pulumi.black-friday.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
    christmas = yaml.safe_load((project / "Pulumi.weihnachten.yaml").read_text(encoding="utf-8"))
    result = calendar_cli("--year", "2026", "--format", "json", project=project)
    assert result.exit_code == 0, result.output
    assert "black-friday" in [s["stack"] for s in json.loads(result.stdout)["seasons"]]
    # On Christmas's own cluster the two would compete: an error naming both.
    platform["clusterName"] = christmas["config"]["freshfoodz-seasonal:platform"]["clusterName"]
    (project / "Pulumi.black-friday.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
    refused = calendar_cli("--year", "2026", project=project)
    assert refused.exit_code == 2 and "weihnachten" in refused.output and "black-friday" in refused.output
