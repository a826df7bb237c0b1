"""`seasonctl loadtest`: the script or the in-cluster manifests, written whole or not at all."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from freshfoodz_seasonal.cli.app import app
from tests.support.project import FROZEN


def loadtest(*args: str) -> object:
    return CliRunner().invoke(app, ["loadtest", *args, "--project-dir", str(FROZEN)])


def test_script_to_stdout_and_to_a_file_are_the_same(tmp_path: Path) -> None:
    printed = loadtest("oktoberfest")
    assert printed.exit_code == 0, printed.output
    assert "ramping-arrival-rate" in printed.output
    out = tmp_path / "peak.js"
    written = loadtest("oktoberfest", "--out", str(out))
    assert written.exit_code == 0 and written.stdout == ""
    said = " ".join(written.stderr.split())
    assert f"wrote {out}; run it with `k6 run {out}`, API_BASE_URL and API_TOKEN set" in said
    assert out.read_text() == printed.stdout
    assert not list(tmp_path.glob(".*partial"))


def test_in_cluster_gives_a_config_map_and_a_test_run() -> None:
    result = loadtest("weihnachten", "--in-cluster", "--api-base-url", "http://freshfoodz-api.freshfoodz.svc:8080")
    assert result.exit_code == 0, result.output
    config_map, test_run = yaml.safe_load_all(result.output)
    assert (config_map["kind"], test_run["kind"]) == ("ConfigMap", "TestRun")
    assert test_run["spec"]["script"]["configMap"]["name"] == config_map["metadata"]["name"]
    assert test_run["spec"]["parallelism"] >= 1


def test_in_cluster_needs_the_api_url() -> None:
    result = loadtest("weihnachten", "--in-cluster")
    assert result.exit_code == 2
    assert "--api-base-url" in result.output
    # Its example is any shop's API, not FreshFoodz's.
    assert "freshfoodz" not in result.output.lower()


def test_an_api_url_without_in_cluster_is_refused_not_ignored() -> None:
    result = loadtest("weihnachten", "--api-base-url", "https://api.example.com")
    assert result.exit_code == 2 and result.stdout == ""
    assert "--api-base-url goes with --in-cluster" in result.stderr


def test_unknown_stack_exits_2() -> None:
    assert loadtest("sommer").exit_code == 2


def test_unwritable_out_exits_2(tmp_path: Path) -> None:
    result = loadtest("spargel", "--out", str(tmp_path / "missing" / "peak.js"))
    assert result.exit_code == 2
    assert "missing does not exist" in result.output and not (tmp_path / "missing").exists()
