"""A plan at another load says so everywhere it is read: the heading, the JSON, and before planning (so a
what-if the plan cannot carry still says it was one)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.support.cli_runner import invoke
from tests.support.project import ROOT

OTHER_SHOP = str(ROOT / "tests" / "support" / "stacks" / "Pulumi.summer-sale.yaml")  # 6x


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_heading_names_the_what_if_and_the_stack_s_own_multiplier() -> None:
    for output_format in ("table", "markdown"):
        result = invoke("plan", OTHER_SHOP, "--multiplier", "7.5", "--format", output_format)
        assert result.exit_code == 0, result.output
        assert "7.5x baseline (a what-if: the stack says 6x)" in flat(result.output)


def test_the_json_says_what_if_and_the_declared_multiplier() -> None:
    scaled = invoke("plan", OTHER_SHOP, "--scale", "1.1", "--format", "json")
    assert scaled.exit_code == 0, scaled.output
    document = json.loads(scaled.stdout)
    # 6 x 1.1 rounded to 4 places, not 6.6000000000000005.
    assert (document["what_if"], document["declared_load_multiplier"], document["load_multiplier"]) == (True, 6.0, 6.6)
    own = json.loads(invoke("plan", OTHER_SHOP, "--format", "json").stdout)
    assert (own["what_if"], own["declared_load_multiplier"], own["load_multiplier"]) == (False, 6.0, 6.0)


def test_the_stack_s_own_multiplier_is_no_what_if() -> None:
    result = invoke("plan", OTHER_SHOP, "--multiplier", "6")
    assert result.exit_code == 0 and "what-if" not in result.output


def test_a_what_if_no_plan_carries_says_it_was_one_before_the_refusal(tmp_path: Path) -> None:
    document = yaml.safe_load(Path(OTHER_SHOP).read_text(encoding="utf-8"))
    document["config"]["freshfoodz-seasonal:services"][0]["maxReplicasCap"] = 20
    stack = tmp_path / "Pulumi.summer-sale.yaml"
    stack.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    result = invoke("plan", str(stack), "--multiplier", "60")
    assert result.exit_code == 3, result.output
    lines = result.output.splitlines()
    what_if = next(i for i, line in enumerate(lines) if "a what-if; nothing is changed" in line)
    refusal = next(i for i, line in enumerate(lines) if "infeasible" in line)
    assert what_if < refusal
