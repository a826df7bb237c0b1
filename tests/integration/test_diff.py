"""`seasonctl diff`: resources, fields, capacity and cost between a git ref or another stack and this tree."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result

from freshfoodz_seasonal.review.headline import Footprint, changes, cost_delta, headline
from freshfoodz_seasonal.review.resource_diff import Kind, diff_resources
from tests.support.cli_runner import invoke
from tests.support.project import FROZEN, FROZEN_STACKS, ROOT, frozen_stack, project_copy

PACKAGES = ("capacity", "components", "freshfoodz_seasonal")
HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscalerPatch"


def run(*args: str) -> Result:
    return invoke(*args)


def whole_project(folder: Path) -> Path:
    """The program, its pyproject.toml and the frozen stacks in `folder`: a project a diff can check out."""
    project_copy(folder, *FROZEN_STACKS)
    shutil.copy2(ROOT / "pyproject.toml", folder / "pyproject.toml")
    return folder


# --- the pure diff ------------------------------------------------------------------------------------


def resource(kind: str, name: str, **inputs: Any) -> dict[str, Any]:
    return {"type": kind, "name": name, "inputs": inputs, "protect": False, "ignore_changes": []}


def test_resources_are_matched_by_type_and_name_whatever_their_order() -> None:
    old = [resource(HPA, "a", spec={"minReplicas": 2}), resource("t:x", "gone"), resource("t:x", "same", v=1)]
    new = [resource("t:x", "same", v=1), resource("t:x", "new"), resource(HPA, "a", spec={"minReplicas": 4})]
    shuffled = random.Random(7).sample(new, len(new))
    for candidate in (new, shuffled):
        result = diff_resources(old, candidate)
        assert [(c.kind, c.name) for c in result] == [(Kind.CHANGED, "a"), (Kind.REMOVED, "gone"), (Kind.ADDED, "new")]
    (changed,) = [c for c in diff_resources(old, new) if c.kind is Kind.CHANGED]
    assert [(f.path, f.old, f.new, f.key) for f in changed.fields] == [("spec.minReplicas", 2, 4, True)]


def test_named_list_items_are_compared_by_name_not_position() -> None:
    rule = "grafana:alerting/ruleGroup:RuleGroup"
    rules = [{"name": "A", "annotations": {"threshold": "1"}}, {"name": "B", "annotations": {"threshold": "2"}}]
    inserted = [{"name": "A0", "annotations": {"threshold": "0"}}, *rules]
    (change,) = diff_resources([resource(rule, "g", rules=rules)], [resource(rule, "g", rules=inserted)])
    assert [f.path for f in change.fields] == ["rules[A0].annotations.threshold", "rules[A0].name"]
    assert change.fields[0].key and not change.fields[1].key


def test_a_resource_declared_twice_is_an_error() -> None:
    with pytest.raises(ValueError, match="declared twice"):
        diff_resources([], [resource("t:x", "a"), resource("t:x", "a")])


def footprint(**overrides: Any) -> Footprint:
    values: dict[str, Any] = {
        "phase": "peak",
        "min_pods": 12,
        "max_pods": 19,
        "seasonal_nodes": 5,
        "db_class": "db.r6g.xlarge",
        "read_replicas": 2,
        "currency": "EUR",
        "cost_per_hour": 3.0,
        "cost_over_season": 4392.0,
        "season_hours": 1464.0,
    }
    return Footprint(**(values | overrides))


def test_the_headline_names_every_number_that_changes() -> None:
    old = footprint()
    new = footprint(min_pods=24, seasonal_nodes=8, db_class="db.r6g.2xlarge", cost_over_season=6232.0)
    assert headline("weihnachten", old, new, 5) == (
        "weihnachten: +12 pods, +3 nodes, DB db.r6g.xlarge -> db.r6g.2xlarge, +1,840 EUR over the season window"
    )
    assert headline("weihnachten", old, old, 0) == "weihnachten: no change"
    assert headline("weihnachten", old, old, 2) == "weihnachten: 2 resources to change, no capacity or cost change"
    assert changes(old, footprint(read_replicas=0, cost_over_season=2000.0))[-1] == "-2,392 EUR over the season window"


def test_costs_in_different_currencies_are_not_subtracted() -> None:
    assert cost_delta(footprint(), footprint(currency="USD")) is None
    assert cost_delta(footprint(), footprint(cost_per_hour=None)) is None
    assert cost_delta(footprint(), footprint(cost_per_hour=4.5, cost_over_season=6588.0)) == (1.5, 2196.0)


# --- against a phase of the same stack -----------------------------------------------------------------


def test_the_peak_against_its_own_baseline_phase() -> None:
    result = run(
        "diff", "weihnachten", "--against", "weihnachten", "--phase", "baseline", "--format", "json",
        "--project-dir", str(FROZEN),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    plan = json.loads(run("plan", "weihnachten", "--format", "json", "--project-dir", str(FROZEN)).stdout)
    assert report["before"]["phase"] == "peak" and report["after"]["phase"] == "baseline"
    assert report["cost_delta"]["over_season"] == pytest.approx(-plan["cost"]["extra_over_window"], abs=0.02)
    kinds = {(r["type"].split(":")[-1], r["change"]) for r in report["resources"]}
    assert {
        ("NodeGroup", "removed"),
        ("Schedule", "removed"),
        ("RuleGroup", "removed"),
        ("Dashboard", "removed"),
    } <= kinds
    assert ("HorizontalPodAutoscalerPatch", "changed") in kinds
    assert not any(r["change"] == "removed" and r["name"].endswith("database-primary") for r in report["resources"])
    assert report["after"]["seasonal_nodes"] == 0 and report["after"]["read_replicas"] == 0


def test_two_stacks_are_compared_under_one_name() -> None:
    result = run("diff", "weihnachten", "--against", "spargel", "--format", "json", "--project-dir", str(FROZEN))
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    # Same program, other season: resources match up by name and show as changed, not removed and added;
    # only the second read replica, which spargel does not plan, is new.
    changes = {r["name"]: r["change"] for r in report["resources"]}
    assert changes["freshfoodz-weihnachten-nodes-group"] == "changed"
    assert [name for name, change in changes.items() if change != "changed"] == [
        "freshfoodz-weihnachten-database-replica-2"
    ]
    assert report["after"]["read_replicas"] - report["before"]["read_replicas"] == 1
    assert report["headline"].startswith("weihnachten: ")


# --- against a git ref -------------------------------------------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The project in a repository of its own, committed once."""
    project = whole_project(tmp_path / "project")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, project / package, ignore=shutil.ignore_patterns("__pycache__"))
    commit(project, "the project")
    return project


def git(project: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=project, check=True, capture_output=True)


def commit(project: Path, message: str) -> None:
    if not (project / ".git").exists():
        git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "-c", "user.name=ops", "-c", "user.email=ops@example.org", "commit", "-q", "-m", message)


def edit(project: Path, stack: str, change: Callable[[str], str]) -> None:
    path = project / f"Pulumi.{stack}.yaml"
    text = path.read_text(encoding="utf-8")
    changed = change(text)
    assert changed != text, "the edit changed nothing"
    path.write_text(changed, encoding="utf-8")


def diff_report(project: Path, *args: str) -> dict[str, Any]:
    result = run("diff", "weihnachten", "--project-dir", str(project), "--format", "json", *args)
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def planned_cost(stack_file: Path) -> float:
    """The season's cost over the window, as `seasonctl plan` computes it for this file."""
    result = run("plan", str(stack_file), "--format", "json")
    assert result.exit_code == 0, result.output
    cost = json.loads(result.stdout)["cost"]
    phase = yaml.safe_load(stack_file.read_text(encoding="utf-8"))["config"]["freshfoodz-seasonal:phase"]
    return float(cost["peak_over_window" if phase == "peak" else "baseline_over_window"])


def assert_cost_delta(report: dict[str, Any], project: Path) -> None:
    """The diff's cost delta is the plans' difference: the edited file's against the committed one's."""
    expected = planned_cost(project / "Pulumi.weihnachten.yaml") - planned_cost(frozen_stack("weihnachten"))
    assert report["cost_delta"]["over_season"] == pytest.approx(expected, abs=0.02)


def changed_resources(report: dict[str, Any]) -> set[str]:
    return {r["name"].removeprefix("freshfoodz-weihnachten-") for r in report["resources"] if r["change"] == "changed"}


def fields_of(report: dict[str, Any], kind: str) -> dict[str, tuple[Any, Any]]:
    return {
        f"{r['name'].removeprefix('freshfoodz-weihnachten-')}:{f['path']}": (f["before"], f["after"])
        for r in report["resources"]
        if r["type"].endswith(kind)
        for f in r["fields"]
    }


def test_a_higher_multiplier(repo: Path) -> None:
    edit(repo, "weihnachten", lambda t: t.replace("loadMultiplier: 5.0", "loadMultiplier: 6.0"))
    report = diff_report(repo)
    assert report["before"]["label"].startswith("HEAD (") and report["after"]["label"] == "this tree"
    assert report["after"]["min_pods"] > report["before"]["min_pods"]
    hpa = fields_of(report, "HorizontalPodAutoscalerPatch")
    assert hpa["scaling-freshfoodz-api:spec.minReplicas"][1] > hpa["scaling-freshfoodz-api:spec.minReplicas"][0]
    rules = fields_of(report, "RuleGroup")
    assert rules["monitoring-rules:rules[TrafficAbovePlannedPeak].annotations.threshold"] == ("250", "300")
    assert report["headline"].startswith("weihnachten: +")
    assert {"scaling-freshfoodz-api", "scaling-event-catering-api", "monitoring-rules"} <= changed_resources(report)
    assert not [r for r in report["resources"] if r["change"] != "changed"]
    assert_cost_delta(report, repo)


def test_a_lower_utilization_target(repo: Path) -> None:
    edit(repo, "weihnachten", lambda t: t.replace("appServers: 0.50", "appServers: 0.35"))
    report = diff_report(repo)
    assert report["after"]["min_pods"] > report["before"]["min_pods"]
    hpa = fields_of(report, "HorizontalPodAutoscalerPatch")
    assert hpa["scaling-freshfoodz-api:spec.metrics[0].resource.target.averageUtilization"] == (50, 35)
    assert {"scaling-freshfoodz-api", "scaling-event-catering-api"} <= changed_resources(report)
    assert_cost_delta(report, repo)


def test_a_worker_change_reaches_its_hpa(repo: Path) -> None:
    edit(repo, "weihnachten", lambda t: t.replace("concurrencyPerPod: 4", "concurrencyPerPod: 2"))
    report = diff_report(repo)
    hpa = fields_of(report, "HorizontalPodAutoscalerPatch")
    before, after = hpa["scaling-order-fulfilment-worker:spec.minReplicas"]
    assert after > before  # half the jobs per pod: more worker pods, and its HPA's minimum says so
    assert changed_resources(report) >= {"scaling-order-fulfilment-worker"}
    assert "scaling-freshfoodz-api" not in changed_resources(report)


def test_scaling_on_in_flight_requests_shows_the_new_target(repo: Path) -> None:
    def concurrency(text: str) -> str:
        return text + "  freshfoodz-seasonal:autoscaling:\n    metric: concurrency\n    concurrencyMetric: inflight\n"

    edit(repo, "weihnachten", concurrency)
    report = diff_report(repo)
    hpa = fields_of(report, "HorizontalPodAutoscalerPatch")
    assert hpa["scaling-freshfoodz-api:spec.metrics[0].resource.target.averageUtilization"][0] == 50
    (target,) = [v for k, v in hpa.items() if k == "scaling-freshfoodz-api:spec.metrics[0].pods.target.averageValue"]
    assert target[1] == "3743m"
    assert "scaling-order-fulfilment-worker" not in changed_resources(report)  # workers keep CPU


def test_another_instance_type(repo: Path) -> None:
    edit(repo, "weihnachten", lambda t: t.replace("instanceType: m7g.xlarge", "instanceType: m7g.2xlarge"))
    report = diff_report(repo)
    group = fields_of(report, "NodeGroup")
    assert group["nodes-group:instanceTypes"] == (["m7g.xlarge"], ["m7g.2xlarge"])
    assert report["after"]["seasonal_nodes"] < report["before"]["seasonal_nodes"]
    assert "nodes-group" in changed_resources(report)
    assert report["cost_delta"]["over_season"] != 0
    assert_cost_delta(report, repo)


def test_a_phase_flip_in_the_stack_file(repo: Path) -> None:
    edit(
        repo,
        "weihnachten",
        lambda t: t.replace("freshfoodz-seasonal:phase: peak", "freshfoodz-seasonal:phase: baseline"),
    )
    report = diff_report(repo)
    assert (report["before"]["phase"], report["after"]["phase"]) == ("peak", "baseline")
    assert report["cost_delta"]["over_season"] < 0
    assert "phase peak -> baseline" in report["headline"]
    removed = {
        r["name"].removeprefix("freshfoodz-weihnachten-") for r in report["resources"] if r["change"] == "removed"
    }
    assert {"nodes-group", "nodes-scale-back", "database-replica-1", "monitoring-rules"} <= removed
    assert "database-primary" not in removed
    assert_cost_delta(report, repo)


def test_the_diff_is_deterministic_and_empty_without_changes(repo: Path) -> None:
    first, second = diff_report(repo), diff_report(repo)
    assert first == second
    assert first["resources"] == [] and first["headline"] == "weihnachten: no change"


def test_markdown_for_a_pull_request(repo: Path) -> None:
    edit(repo, "weihnachten", lambda t: t.replace("loadMultiplier: 5.0", "loadMultiplier: 6.0"))
    result = run("diff", "weihnachten", "--project-dir", str(repo))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "<!-- seasonctl-diff:weihnachten -->"
    assert lines[1].startswith("### weihnachten: +") and "pods" in lines[1]
    assert "<details><summary>All " in result.stdout and "</details>" in result.stdout
    assert "| cost over the season window (EUR) |" in result.stdout


def test_a_stack_that_did_not_exist_at_the_ref(repo: Path) -> None:
    shutil.copy2(repo / "Pulumi.weihnachten.yaml", repo / "Pulumi.silvester.yaml")
    edit(repo, "silvester", lambda t: t.replace("name: weihnachten", "name: silvester"))
    result = run("diff", "silvester", "--project-dir", str(repo), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["before"]["exists"] is False
    assert {r["change"] for r in report["resources"]} == {"added"}


def test_a_ref_that_does_not_exist(repo: Path) -> None:
    result = run("diff", "weihnachten", "--project-dir", str(repo), "--base", "no-such-branch")
    assert result.exit_code == 2
    assert "--base no-such-branch: 'no-such-branch' names no commit in this repository" in result.output


def test_a_stack_file_invalid_at_the_ref(repo: Path) -> None:
    edit(repo, "weihnachten", lambda t: t.replace("loadMultiplier: 5.0", "loadMultiplier: lots"))
    commit(repo, "a broken stack")
    edit(repo, "weihnachten", lambda t: t.replace("loadMultiplier: lots", "loadMultiplier: 5.0"))
    result = run("diff", "weihnachten", "--project-dir", str(repo))
    assert result.exit_code == 2
    flat = " ".join(result.output.split())
    assert "--base HEAD: HEAD (" in flat and "failed (exit 2)" in flat and "loadMultiplier" in flat


def test_a_folder_outside_git(tmp_path: Path) -> None:
    result = run("diff", "weihnachten", "--project-dir", str(whole_project(tmp_path)))
    assert result.exit_code == 2 and "is not inside a git repository" in result.output


def test_base_and_against_exclude_each_other() -> None:
    result = run("diff", "weihnachten", "--base", "HEAD", "--against", "spargel")
    assert result.exit_code == 2 and "pick one" in result.output


def test_a_new_parent_is_a_key_change() -> None:
    old = {**resource("t:x", "a"), "parent": "urn:pulumi:s::p::pulumi:pulumi:Stack$my:c:One::one"}
    new = {**resource("t:x", "a"), "parent": "urn:pulumi:s::p::pulumi:pulumi:Stack$my:c:Two::two"}
    (change,) = diff_resources([old], [new])
    (field,) = change.fields
    assert (field.path, field.old, field.new, field.key) == ("options.parent", "my:c:One::one", "my:c:Two::two", True)


def test_links_in_the_repository_do_not_stop_a_diff(repo: Path) -> None:
    (repo / "absolute-link").symlink_to("/etc/hostname")
    (repo / "relative-link").symlink_to("Pulumi.yaml")
    commit(repo, "links")
    assert diff_report(repo)["headline"] == "weihnachten: no change"


def test_phase_overrides_this_side_only(repo: Path) -> None:
    report = diff_report(repo, "--phase", "baseline")
    assert (report["before"]["phase"], report["after"]["phase"]) == ("peak", "baseline")
    assert report["after"]["label"] == "this tree, phase baseline"


def test_stacks_are_matched_by_their_seasons_names(repo: Path) -> None:
    # A stack named unlike its season: its resources carry the season's name, not the stack's.
    text = (repo / "Pulumi.weihnachten.yaml").read_text(encoding="utf-8")
    (repo / "Pulumi.xmas.yaml").write_text(text.replace("name: weihnachten", "name: christmas"), encoding="utf-8")
    edit(repo, "xmas", lambda t: t.replace("loadMultiplier: 5.0", "loadMultiplier: 6.0"))
    result = run("diff", "xmas", "--against", "weihnachten", "--project-dir", str(repo), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {r["change"] for r in report["resources"]} == {"changed"}
    assert "freshfoodz-christmas-scaling-freshfoodz-api" in {r["name"] for r in report["resources"]}


def test_a_base_that_lacks_a_module_never_borrows_todays(repo: Path) -> None:
    (repo / "freshfoodz_seasonal" / "naming.py").unlink()
    commit(repo, "a base without the naming module")
    git(repo, "tag", "nonaming")
    git(repo, "checkout", "-q", "HEAD~1", "--", "freshfoodz_seasonal/naming.py")
    commit(repo, "the naming module back")
    result = run("diff", "weihnachten", "--project-dir", str(repo), "--base", "nonaming")
    assert result.exit_code == 2, result.output
    assert "freshfoodz_seasonal.naming" in " ".join(result.output.split())


def test_the_base_commit_runs_without_the_callers_credentials(repo: Path, tmp_path: Path) -> None:
    seen = tmp_path / "environment.json"
    app = repo / "freshfoodz_seasonal" / "cli" / "app.py"
    original = app.read_text(encoding="utf-8")
    # A hostile branch: its CLI writes down whatever environment it is given.
    app.write_text(
        original + f"\nimport json, os\nopen({str(seen)!r}, 'w').write(json.dumps(dict(os.environ)))\n",
        encoding="utf-8",
    )
    commit(repo, "a branch that reads the environment")
    git(repo, "tag", "nosy")
    app.write_text(original, encoding="utf-8")
    commit(repo, "back")
    secrets = {
        "AWS_SECRET_ACCESS_KEY": "aws-secret",
        "PROMETHEUS_BEARER_TOKEN": "prom-token",
        "PULUMI_ACCESS_TOKEN": "p",
    }
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    result = invoke(
        "diff", "weihnachten", "--project-dir", str(repo), "--base", "nosy", env={**secrets, "HOME": str(home)}
    )
    assert result.exit_code == 0, result.output
    environment = json.loads(seen.read_text(encoding="utf-8"))
    assert not set(secrets) & set(environment)
    assert "PATH" in environment and "seasonctl-diff-" in environment["PYTHONPATH"]
    # Not the caller's home either (credential files live there): an empty one of the export's own.
    assert environment["HOME"] != str(home) and "seasonctl-diff-" in environment["HOME"]


def test_a_growing_class_shows_its_failover_and_the_longer_provisioning(tmp_path: Path) -> None:
    project_copy(tmp_path)
    document = yaml.safe_load(frozen_stack("weihnachten").read_text(encoding="utf-8"))
    (tmp_path / "Pulumi.before.yaml").write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    document["config"]["freshfoodz-seasonal:database"]["baselineCpuUtilization"] = 0.5
    (tmp_path / "Pulumi.after.yaml").write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    result = run("diff", "after", "--against", "before", "--project-dir", str(tmp_path), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert "+1 failover 60-120 s" in report["headline"]
    assert "over the 30-min budget in one window (2 windows)" in report["headline"]
    before, after = report["before"], report["after"]
    assert (before["provisioning_disruptions"], after["provisioning_disruptions"]) == ([], ["failover 60-120 s"])
    assert after["provisioning_minutes"] - before["provisioning_minutes"] == pytest.approx(21.5)


def test_a_failover_that_goes_away_is_named_and_older_plans_claim_nothing() -> None:
    with_failover = footprint(provisioning_minutes=50.5, disruptions=("failover 60-120 s",), budget_minutes=30)
    without = footprint(provisioning_minutes=29.0, disruptions=(), budget_minutes=30)
    assert changes(with_failover, without) == ["-1 failover 60-120 s", "provisioning 50 -> 29 min typical"]
    # A side from older code has no provisioning plan: nothing is claimed about disruptions.
    assert changes(footprint(), with_failover)[-1:] == []
