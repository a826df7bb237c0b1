"""A stack of another shop (tests/support/stacks/Pulumi.summer-sale.yaml: a 6x summer sale with services
named storefront, checkout and search, no event catering, KPIs of its own): every general path takes it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli_runner import invoke
from tests.support.project import FROZEN, ROOT

STACK = ROOT / "tests" / "support" / "stacks" / "Pulumi.summer-sale.yaml"


def test_another_shops_stack_validates_plans_previews_and_load_tests(tmp_path: Path) -> None:
    assert invoke("validate", str(STACK), "--project-dir", str(FROZEN)).exit_code == 0
    plan = invoke("plan", str(STACK), "--project-dir", str(FROZEN), "--format", "json")
    assert plan.exit_code == 0, plan.output
    assert [service["name"] for service in json.loads(plan.stdout)["services"]] == ["storefront", "checkout", "search"]
    preview = invoke("preview", str(STACK), "--project-dir", str(FROZEN), "--out", str(tmp_path / "preview"))
    assert preview.exit_code == 0, preview.output
    resources = json.loads((tmp_path / "preview" / "resources.json").read_text(encoding="utf-8"))["resources"]
    (dashboard,) = [r for r in resources if r["type"] == "grafana:oss/dashboard:Dashboard"]
    assert (
        json.loads(dashboard["inputs"]["configJson"])["title"] == "War room: Summer sale"
    )  # it names no platform.organization
    script = invoke("loadtest", str(STACK), "--project-dir", str(FROZEN))
    assert script.exit_code == 0, script.output
    # Its own KPIs: the pay and query routes' p95, pay as the sample route; nothing of event catering.
    assert '"pay_duration": ["p(95)<1500"]' in script.stdout and '"query_duration": ["p(95)<1000"]' in script.stdout
    assert "event" not in script.stdout.lower()
