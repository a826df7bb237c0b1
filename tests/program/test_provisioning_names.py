"""Every resource the provisioning plan names is one the program declares: `--target` finds it."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from capacity.catalog import Catalog
from freshfoodz_seasonal.adapters.duration_files import load_durations
from freshfoodz_seasonal.adapters.stack_file import load_stack_settings
from freshfoodz_seasonal.naming import CONFIG_NAMESPACE
from freshfoodz_seasonal.plan.season_plan import plan_season
from freshfoodz_seasonal.preview.capture import run_program, stack_config
from freshfoodz_seasonal.provisioning.schedule import provisioning_plan
from tests.support.project import FROZEN, frozen_stack


@pytest.mark.parametrize(
    "edit",
    [
        {},
        # a growing class, the load test in the cluster and an info route of its own: every optional resource
        {
            "database": {"baselineCpuUtilization": 0.5},
            "loadTest": {"inCluster": True, "apiBaseUrl": "http://freshfoodz-api.freshfoodz.svc:8080"},
            "warRoom": {
                "routing": {
                    "critical": {"receivers": ["pager", "chat"]},
                    "warning": {"receivers": ["chat"]},
                    "info": {"receivers": ["chat"]},
                }
            },
        },
    ],
)
def test_every_named_resource_is_declared(tmp_path: Any, catalog: Catalog, edit: dict[str, Any]) -> None:
    document = yaml.safe_load(frozen_stack("weihnachten").read_text(encoding="utf-8"))
    for key, value in edit.items():
        name = f"{CONFIG_NAMESPACE}:{key}"
        current = document["config"].get(name)
        document["config"][name] = (
            {**current, **value} if isinstance(current, dict) and "secure" not in value else value
        )
    path = tmp_path / "Pulumi.weihnachten.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    settings = load_stack_settings(path, catalog)
    plan = plan_season(settings, catalog, "weihnachten", 2026)
    provisioning = provisioning_plan(settings, plan, load_durations())
    capture = run_program(FROZEN / "__main__.py", CONFIG_NAMESPACE, "weihnachten", stack_config(document["config"]))
    declared = {r.name for r in capture.resources if r.custom}
    named = {resource for step in (*provisioning.steps, *provisioning.rollback) for resource in step.resources}
    assert named <= declared, named - declared
    # ... and every resource the peak declares is provisioned by a step (the primary only when its class changes)
    provisioned = {resource for step in provisioning.steps for resource in step.resources}
    unchanged_primary = {r for r in declared if r.endswith("-primary")} if not edit else set()
    assert declared - provisioned == unchanged_primary
