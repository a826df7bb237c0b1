"""The war room's runbook: the season's dates and hours, where each severity goes, the ladder, the levers and
who decides them, and a section per alert that its rule's runbook_url points at."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from capacity.catalog import Catalog
from freshfoodz_seasonal.adapters.stack_file import load_stack_settings
from freshfoodz_seasonal.declaration.monitoring import monitoring_content
from freshfoodz_seasonal.declaration.peak_controls import route_limits
from freshfoodz_seasonal.plan.season_plan import plan_season
from freshfoodz_seasonal.warroom.runbook import runbook
from tests.support.cli_runner import invoke
from tests.support.project import FROZEN, frozen_stack


def stack_with(tmp_path: Path, **war_room: Any) -> Path:
    document = yaml.safe_load(frozen_stack("weihnachten").read_text(encoding="utf-8"))
    document["config"]["freshfoodz-seasonal:warRoom"].update(war_room)
    path = tmp_path / "Pulumi.xmas.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def github_anchor(heading: str) -> str:
    """How GitHub anchors a heading: lowercase, punctuation but '-' dropped, spaces as '-'."""
    return re.sub(r"[^a-z0-9 -]", "", heading.lower()).replace(" ", "-")


def test_the_runbook_holds_the_seasons_war_room(catalog: Catalog) -> None:
    settings = load_stack_settings(frozen_stack("weihnachten"), catalog)
    plan = plan_season(settings, catalog, "weihnachten", 2026)
    book = runbook("weihnachten", settings, plan)
    assert (str(book.window[0]), str(book.window[1])) == ("2026-11-01", "2026-12-31")
    assert (str(book.staffed[0]), str(book.staffed[1]), book.hours) == ("2026-12-01", "2026-12-23", "07:00 to 22:00")
    assert [(r.severity, r.receivers) for r in book.routing] == [
        ("critical", ("pager", "chat")),
        ("warning", ("chat",)),
    ]
    assert [(rung.level, rung.role, rung.after_minutes) for rung in book.ladder] == [
        (1, "on-call engineer", 0),
        (2, "second on-call engineer", 15),
        (3, "head of operations", 30),
    ]
    rules, _ = monitoring_content(settings, plan)
    assert [alert.name for alert in book.alerts] == [rule.name for rule in rules]
    alerts = {alert.name: alert for alert in book.alerts}
    lost = alerts["SampleRequestLost"]
    assert (lost.severity, lost.contact_point, lost.decides) == (
        "critical",
        "freshfoodz-seasonal-weihnachten-critical",
        "head of operations",
    )
    assert lost.first_steps[0].startswith("escalate at once, past the first level of the ladder")
    assert alerts["HttpErrorRateHigh"].decides == "on-call engineer"  # decisions.rateLimits
    assert all(alert.contact_point.endswith(alert.severity) for alert in book.alerts)
    levers = {lever.name: lever for lever in book.levers}
    limits = [f"{limit.route} ({limit.method} {limit.path}): {limit.limit_rps} rps" for limit in route_limits(plan)]
    assert list(levers["rate-limits"].listed) == limits
    assert "product-recommendations" in levers["degradation"].what[0]


def test_the_sample_alerts_first_steps_name_the_stack_s_own_route_and_queues(catalog: Catalog) -> None:
    # Another shop's stack: its sample route is `pay`, and it has no worker, so no queue to look at.
    settings = load_stack_settings(FROZEN.parent / "Pulumi.summer-sale.yaml", catalog)
    book = runbook("summer-sale", settings, plan_season(settings, catalog, "summer-sale", 2027))
    steps = {alert.name: alert.first_steps for alert in book.alerts}["SampleSuccessRateLow"]
    assert steps[1] == "find the failing answers on the dashboard's error panel"
    assert steps[2] == "switch off the non-critical features to free capacity for pay (lever degradation)"
    assert not any("queue" in step or "samples" in step for step in steps)
    christmas = load_stack_settings(frozen_stack("weihnachten"), catalog)
    book = runbook("weihnachten", christmas, plan_season(christmas, catalog, "weihnachten", 2026))
    steps = {alert.name: alert.first_steps for alert in book.alerts}["SampleSuccessRateLow"]
    assert steps[1].endswith("and the queues of the workers (order-fulfilment, sample-dispatch)")


def test_each_rules_runbook_url_points_at_its_section(tmp_path: Path, catalog: Catalog) -> None:
    path = stack_with(tmp_path, runbookBaseUrl="https://wiki.freshfoodz.example/war-room/xmas")
    settings = load_stack_settings(path, catalog)
    rules, _ = monitoring_content(settings, plan_season(settings, catalog, "xmas", 2026))
    result = invoke("warroom", "runbook", str(path), "--year", "2026")
    assert result.exit_code == 0, result.output
    headings = {github_anchor(line[4:]) for line in result.stdout.splitlines() if line.startswith("### ")}
    for rule in rules:
        base, _, anchor = rule.annotations["runbook_url"].partition("#")
        assert base == "https://wiki.freshfoodz.example/war-room/xmas" and anchor in headings, rule.name


def test_text_from_the_stack_is_shown_never_rendered(tmp_path: Path) -> None:
    hostile = "[click](https://evil.example) **now** <b>@channel</b>"
    path = stack_with(
        tmp_path,
        escalation=[{"role": hostile, "reach": "`rm -rf /`", "afterMinutes": 0}],
        decisions={},
    )
    result = invoke("warroom", "runbook", str(path), "--year", "2026")
    assert result.exit_code == 0, result.output
    assert hostile not in result.stdout and "](https://evil.example)" not in result.stdout
    assert "`rm -rf /`" not in result.stdout and "@channel" not in result.stdout
    document = json.loads(invoke("warroom", "runbook", str(path), "--year", "2026", "--format", "json").stdout)
    # JSON carries the text as it is, for a consumer that escapes it itself.
    assert document["ladder"][0]["role"] == hostile and document["levers"][0]["decides"] == hostile


def test_the_runbook_with_a_roster_carries_the_rota_and_a_grafana_link(tmp_path: Path) -> None:
    roster = tmp_path / "roster.yaml"
    roster.write_text(
        "people:\n" + "".join(f"  - {{name: P{n}, roles: [primary, secondary]}}\n" for n in range(8)), encoding="utf-8"
    )
    result = invoke(
        "warroom", "runbook", "weihnachten", "--year", "2026", "--roster", str(roster),
        "--grafana-url", "https://grafana.example", "--project-dir", str(FROZEN), "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["dashboard_url"] == "https://grafana.example/d/freshfoodz-weihnachten-war-room"
    # 23 days of two 7.5-hour shifts, a primary and a secondary each.
    assert len(document["rota"]["shifts"]) == 23 * 2 * 2 and document["rota"]["uncovered"] == []


def test_war_room_days_outside_the_window_are_refused(tmp_path: Path) -> None:
    path = stack_with(tmp_path, days="wiesn")
    result = invoke("warroom", "runbook", str(path), "--year", "2026")
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert "warRoom.days: the Wiesn (2026-09-19 to 2026-10-04) leaves the season's window 2026-11-01 to" in said


def test_a_grafana_url_with_credentials_is_refused_not_published() -> None:
    for url, message in (
        ("https://admin:hunter2@grafana.example", "the URL holds credentials"),
        ("javascript:alert(1)", "is not an http:// or https:// URL"),
    ):
        result = invoke("warroom", "runbook", "weihnachten", "--grafana-url", url, "--project-dir", str(FROZEN))
        assert result.exit_code == 2 and message in " ".join(result.output.split())
        assert "hunter2" not in result.output


def rendered(markdown: str) -> list[Token]:
    return MarkdownIt("commonmark").parse(markdown)


def test_a_levers_list_is_nested_under_the_line_that_introduces_it() -> None:
    result = invoke("warroom", "runbook", "weihnachten", "--year", "2026", "--project-dir", str(FROZEN))
    assert result.exit_code == 0, result.output
    tokens = rendered(result.stdout)
    # Each list item's text, with the depth of lists it sits in.
    depth, items = 0, []
    for token in tokens:
        depth += {"bullet_list_open": 1, "bullet_list_close": -1}.get(token.type, 0)
        if token.type == "inline" and depth:
            items.append((depth, token.content))
    limits = [text for level, text in items if level == 2 and text.endswith(" rps")]
    assert len(limits) == 6 and limits[0] == "catalog-browse (GET /api/products): 167 rps"
    assert (1, "api: 7 pods planned, HPA max 11") not in items and (2, "api: 7 pods planned, HPA max 11") in items


def test_every_command_in_the_runbook_is_a_code_span_the_cli_accepts() -> None:
    result = invoke("warroom", "runbook", "weihnachten", "--year", "2026", "--project-dir", str(FROZEN))
    tokens = rendered(result.stdout)
    spans = [c.content for t in tokens if t.type == "inline" for c in t.children or [] if c.type == "code_inline"]
    prose = [c.content for t in tokens if t.type == "inline" for c in t.children or [] if c.type == "text"]
    # No command written as prose, where a reader cannot tell where it ends.
    assert not [text for text in prose if re.search(r"\b(seasonctl|pulumi|kubectl) [a-z]", text)]
    commands = [span for span in spans if span.startswith("seasonctl ")]
    assert {shlex.split(c)[1] for c in commands} >= {"plan", "track"}
    for command in commands:
        name, *rest = shlex.split(command)[1:]
        checked = invoke(name, "--help", *rest)
        assert checked.exit_code == 0, (command, checked.output)
    assert "pulumi up --stack weihnachten --policy-pack policy" in spans
