"""`seasonctl preview`: the program run offline, shown and written out."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml
from typer.testing import CliRunner

from freshfoodz_seasonal.cli.app import app
from tests.support.project import FROZEN, ROOT, frozen_stack
from tests.support.tools import PROMETHEUS_INSTALL, required_tool


def preview(*args: str) -> object:
    return CliRunner().invoke(app, ["preview", *args, "--project-dir", str(FROZEN)])


def stack_file(name: str) -> str:
    return str(frozen_stack(name))


def test_table_shows_components_and_options() -> None:
    result = preview(stack_file("weihnachten"))
    assert result.exit_code == 0, result.output
    assert "freshfoodz:database:SeasonDatabase" in result.output
    assert "import=freshfoodz-primary" in result.output
    assert "protect" in result.output
    # A list input as the stack file writes it, not as Python's repr.
    assert "instanceTypes=m7g.xlarge," in "".join(result.output.split()) and "['" not in result.output


def test_json_lists_every_resource_and_the_outputs() -> None:
    result = preview(stack_file("oktoberfest"), "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    types = [r["type"] for r in document["resources"]]
    assert types.count("kubernetes:autoscaling/v2:HorizontalPodAutoscalerPatch") == 4  # two services, two workers
    assert document["outputs"]["phase"] == "peak"
    assert isinstance(document["outputs"]["plan"]["nodes"], int)


def test_phase_override_drops_the_seasonal_extras() -> None:
    result = preview(stack_file("weihnachten"), "--phase", "baseline", "--format", "json")
    assert result.exit_code == 0, result.output
    types = {r["type"] for r in json.loads(result.stdout)["resources"]}
    assert "aws:eks/nodeGroup:NodeGroup" not in types
    assert json.loads(result.stdout)["outputs"]["phase"] == "baseline"


def test_out_writes_valid_manifests_with_integers(tmp_path: Path) -> None:
    out = tmp_path / "preview"
    result = preview(stack_file("spargel"), "--out", str(out))
    assert result.exit_code == 0, result.output
    document = json.loads((out / "resources.json").read_text())
    assert document["resources"]
    manifests = sorted((out / "k8s").glob("*.yaml"))
    assert len(manifests) == 6  # four HPAs (two services, two workers), the PriorityClass, the ConfigMap
    hpas = {}
    for path in manifests:
        manifest = yaml.safe_load(path.read_text())
        kubernetes_validate.validate(manifest, "1.33.0", strict=True)
        if manifest["kind"] == "HorizontalPodAutoscaler":
            assert type(manifest["spec"]["minReplicas"]) is int
            hpas[manifest["metadata"]["name"]] = manifest["spec"]["minReplicas"]
    # The workers' HPAs keep the plan's worker pods.
    planned = document["outputs"]["plan"]["workers"]
    assert [hpas["order-fulfilment-worker"], hpas["sample-dispatch-worker"]] == [
        planned["order-fulfilment"],
        planned["sample-dispatch"],
    ]
    # a second run replaces its own earlier output
    first = {path.name: path.read_text() for path in (out / "k8s").glob("*.yaml")}
    assert preview(stack_file("spargel"), "--out", str(out)).exit_code == 0
    assert {path.name: path.read_text() for path in (out / "k8s").glob("*.yaml")} == first  # byte-identical
    assert preview(stack_file("spargel"), "--out", str(out), "--phase", "baseline").exit_code == 0
    assert len(list((out / "k8s").glob("*.yaml"))) == 5  # the HPAs and the priority lane, which stays


def test_out_refuses_a_folder_it_did_not_write(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    result = preview(stack_file("spargel"), "--out", str(tmp_path))
    assert result.exit_code == 2
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_invalid_config_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    config = yaml.safe_load(Path(stack_file("weihnachten")).read_text())
    config["config"]["freshfoodz-seasonal:season"]["loadMultiplier"] = "x"
    broken = tmp_path / "Pulumi.broken.yaml"
    broken.write_text(yaml.safe_dump(config))
    result = preview(str(broken), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "season.loadMultiplier" in result.output
    assert not (tmp_path / "out").exists()


def test_infeasible_plan_exits_3(tmp_path: Path) -> None:
    config = yaml.safe_load(Path(stack_file("weihnachten")).read_text())
    config["config"]["freshfoodz-seasonal:nodes"]["maxNodes"] = 2
    broken = tmp_path / "Pulumi.small.yaml"
    broken.write_text(yaml.safe_dump(config))
    result = preview(str(broken))
    assert result.exit_code == 3
    assert "maxNodes" in result.output


@pytest.mark.parametrize("bad", [["--phase", "winter"], ["--format", "xml"]])
def test_bad_flags_exit_2(bad: list[str]) -> None:
    assert preview(stack_file("spargel"), *bad).exit_code == 2


def test_several_stacks_in_one_run(tmp_path: Path) -> None:
    out = tmp_path / "all"
    result = preview(stack_file("spargel"), stack_file("oktoberfest"), "--format", "json", "--out", str(out))
    assert result.exit_code == 0, result.output
    documents = json.loads(result.stdout)["stacks"]
    assert set(documents) == {"spargel", "oktoberfest"}
    assert documents["spargel"]["outputs"]["plan"]["pods"] != documents["oktoberfest"]["outputs"]["plan"]["pods"]
    for stack in ("spargel", "oktoberfest"):
        assert json.loads((out / stack / "resources.json").read_text()) == documents[stack]
        assert len(list((out / stack / "k8s").glob("*.yaml"))) == 6


def test_one_bad_stack_stops_all_before_anything_runs(tmp_path: Path) -> None:
    config = yaml.safe_load(Path(stack_file("weihnachten")).read_text())
    config["config"]["freshfoodz-seasonal:phase"] = "winter"
    broken = tmp_path / "Pulumi.broken.yaml"
    broken.write_text(yaml.safe_dump(config))
    result = preview(stack_file("spargel"), str(broken), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert not (tmp_path / "out").exists()


def test_out_writes_the_alert_rules_and_the_dashboard_at_the_peak(tmp_path: Path) -> None:
    out = tmp_path / "peak"
    assert preview(stack_file("weihnachten"), "--out", str(out)).exit_code == 0
    rules = yaml.safe_load((out / "alerts.rules.yml").read_text())
    (group,) = rules["groups"]
    assert group["name"] == "freshfoodz-seasonal-weihnachten"
    assert any(rule["alert"] == "SampleSuccessRateLow" for rule in group["rules"])
    schema = json.loads((ROOT / "schemas" / "grafana" / "dashboard.schema.json").read_text())
    jsonschema.validate(json.loads((out / "dashboard.json").read_text()), schema)
    promtool = required_tool("promtool", "promtool check rules on the preview's alert file", PROMETHEUS_INSTALL)
    command = [promtool, "check", "rules", str(out / "alerts.rules.yml")]
    checked = subprocess.run(command, capture_output=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_baseline_has_no_season_alerts_or_dashboard(tmp_path: Path) -> None:
    out = tmp_path / "baseline"
    assert preview(stack_file("weihnachten"), "--phase", "baseline", "--out", str(out)).exit_code == 0
    assert not (out / "alerts.rules.yml").exists()
    assert not (out / "dashboard.json").exists()


def test_the_same_stack_twice_is_refused() -> None:
    result = preview("weihnachten", stack_file("weihnachten"))
    assert result.exit_code == 2
    assert "the same stack name is given twice" in result.output
