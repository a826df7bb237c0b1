"""The naming contract: names that production, the policy pack and alert routing depend on.

Everything else imports these from `freshfoodz_seasonal.naming`; this test pins their values, so a
change is deliberate (it needs a migration of what runs) rather than a side effect.
"""

from __future__ import annotations

import tomllib

import yaml

from freshfoodz_seasonal import naming
from tests.support.project import ROOT


def test_the_names_production_depends_on() -> None:
    assert naming.PROJECT == naming.CONFIG_NAMESPACE == "freshfoodz-seasonal"
    assert naming.SEASON_KEY == "freshfoodz.de/season"
    assert naming.MAX_REPLICAS_CAP_ANNOTATION == "freshfoodz.de/max-replicas-cap"
    assert naming.PRIORITY_CLASS_NAME == "freshfoodz-priority-lane"
    assert naming.resource_prefix("weihnachten") == "freshfoodz-weihnachten"
    assert naming.rule_group_name("weihnachten") == "freshfoodz-seasonal-weihnachten"
    assert naming.war_room_contact_point_name("spargel", "critical") == "freshfoodz-seasonal-spargel-critical"
    assert naming.war_room_child("warning") == "war-room-warning"
    assert naming.runbook_anchor("SampleSuccessRateLow") == "samplesuccessratelow"
    assert naming.peak_controls_config_map_name("oktoberfest") == "freshfoodz-oktoberfest-peak-controls"


def test_the_project_name_is_the_pulumi_projects() -> None:
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text(encoding="utf-8"))
    assert project["name"] == naming.PROJECT
    distribution = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["name"]
    assert distribution == naming.PROJECT


def test_type_tokens_end_in_their_class_names() -> None:
    tokens = {
        naming.APP_SCALING_TYPE: "AppScaling",
        naming.SEASON_DATABASE_TYPE: "SeasonDatabase",
        naming.SEASONAL_NODE_GROUP_TYPE: "SeasonalNodeGroup",
        naming.SEASON_MONITORING_TYPE: "SeasonMonitoring",
        naming.PEAK_CONTROLS_TYPE: "PeakControls",
    }
    for token, class_name in tokens.items():
        package, _, name = token.split(":")
        assert package == "freshfoodz" and name == class_name


def test_urns_parse_at_any_depth() -> None:
    urn = (
        "urn:pulumi:weihnachten::freshfoodz-seasonal::pulumi:pulumi:Stack$freshfoodz:nodes:SeasonalNodeGroup"
        "$aws:eks/nodeGroup:NodeGroup::freshfoodz-weihnachten-nodes-group"
    )
    parsed = naming.parse_urn(urn)
    assert parsed is not None
    assert parsed.type == "aws:eks/nodeGroup:NodeGroup"
    assert parsed.types[1] == naming.SEASONAL_NODE_GROUP_TYPE
    assert parsed.name == "freshfoodz-weihnachten-nodes-group"
    assert naming.parse_urn("not-a-urn") is None
