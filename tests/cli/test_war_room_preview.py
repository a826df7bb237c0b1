"""`seasonctl preview oktoberfest --out DIR` as the war room's issue asks: every seasonal rule carries a
severity and names a contact point, there are at least two, no notification policy is declared, and the
secrets not set are placeholders the preview marks as such."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli_runner import invoke
from tests.support.project import FROZEN


def test_the_preview_routes_every_rule_by_severity_without_a_policy(tmp_path: Path) -> None:
    out = tmp_path / "preview"
    result = invoke("preview", "oktoberfest", "--out", str(out), "--project-dir", str(FROZEN))
    assert result.exit_code == 0, result.output
    resources = json.loads((out / "resources.json").read_text(encoding="utf-8"))["resources"]
    points = {r["inputs"]["name"]: r for r in resources if r["type"] == "grafana:alerting/contactPoint:ContactPoint"}
    assert len(points) >= 2
    (group,) = [r for r in resources if r["type"] == "grafana:alerting/ruleGroup:RuleGroup"]
    for rule in group["inputs"]["rules"]:
        assert rule["labels"]["severity"] in {"critical", "warning"}, rule["name"]
        assert rule["notificationSettings"]["contactPoint"] in points, rule["name"]
    assert not [r for r in resources if "policy" in r["type"].lower()]
    # The shipped stacks' secrets are supplied at deploy time: the preview declares marked placeholders.
    slack = points["freshfoodz-seasonal-oktoberfest-warning"]["inputs"]["slacks"]
    assert slack == {"secret": [{"url": "[not set: pulumi config set --secret warRoomSlackUrl VALUE]"}]}
    flat = " ".join(result.output.split())
    assert "warRoomSlackUrl is not set: its war-room integration declares a placeholder until it is" in flat


def test_the_preview_counts_long_ignore_lists_instead_of_listing_them(tmp_path: Path) -> None:
    out = tmp_path / "preview"
    result = invoke("preview", "weihnachten", "--out", str(out), "--project-dir", str(FROZEN), env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    resources = json.loads((out / "resources.json").read_text(encoding="utf-8"))["resources"]
    primary = next(r for r in resources if r["name"].endswith("-database-primary"))
    ignored = primary["ignore_changes"]
    assert len(ignored) > 4
    flat = " ".join(result.stdout.split())
    assert f"ignoreChanges: {len(ignored)} platform-owned inputs (--out lists them)" in flat
    assert ignored[0] not in result.stdout
