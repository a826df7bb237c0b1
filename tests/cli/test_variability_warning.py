"""Where the model's wait probability is known to run low (service times of CV 2 or more on pods of 8 or more
slots, the latency binding), the plan says so: a fast route with a tight SLO beside a heavy, variable one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.cli_runner import invoke
from tests.support.project import ROOT

OTHER_SHOP = ROOT / "tests" / "support" / "stacks" / "Pulumi.summer-sale.yaml"  # 6x, storefront 8 slots a pod


def planned(tmp_path: Path, heavy_cv: float) -> dict[str, Any]:
    document = yaml.safe_load(OTHER_SHOP.read_text(encoding="utf-8"))
    config = document["config"]
    config["freshfoodz-seasonal:season"]["targetUtilization"]["appServers"] = 0.75
    config["freshfoodz-seasonal:nodes"]["maxNodes"] = 60
    routes = {route["name"]: route for route in config["freshfoodz-seasonal:routes"]}
    # At 6x: 40 rps of 15 ms against a 115 ms SLO beside 800 rps of 700 ms.
    routes["browse"].update(baselineRps=40 / 6, meanServiceTimeMs=15, serviceTimeCv=0.5, p95SloMs=115)
    routes["product-page"].update(baselineRps=800 / 6, meanServiceTimeMs=700, serviceTimeCv=heavy_cv, p95SloMs=20000)
    config["freshfoodz-seasonal:services"][0]["maxReplicasCap"] = 400
    stack = tmp_path / "Pulumi.summer-sale.yaml"
    stack.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    result = invoke("plan", str(stack), "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    return document


@pytest.mark.parametrize(("heavy_cv", "warned"), [(2.2, True), (1.0, False)])
def test_a_variable_mixture_on_many_slots_is_warned_about(tmp_path: Path, heavy_cv: float, warned: bool) -> None:
    document = planned(tmp_path, heavy_cv)
    storefront = document["services"][0]
    assert (storefront["name"], storefront["binding_constraint"]) == ("storefront", "latency")
    warnings = [w for w in document["warnings"] if "wait probability runs low" in w]
    assert bool(warnings) is warned
    if warned:
        assert warnings[0].startswith("service storefront: its service times vary much (CV 2.")
        assert "on 8 slots a pod" in warnings[0]
