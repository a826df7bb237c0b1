"""README stays true: every config key is documented, every command it names exists."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel
from typer.main import get_command

from seasonctl.cli import app
from stackconfig.model import StackSettings
from stackconfig.problems import fields_by_key, sections_in

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def all_keys(model: type[BaseModel]) -> set[str]:
    keys = set()
    for key, field in fields_by_key(model).items():
        keys.add(key)
        for inner in sections_in(field.annotation):
            keys |= all_keys(inner)
    return keys


def test_every_config_key_is_in_the_config_reference() -> None:
    reference = README.split("## Config reference", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"[A-Za-z0-9]+", reference))
    assert all_keys(StackSettings) - documented == set()


def test_every_command_in_the_cli_reference_exists() -> None:
    named = set(re.findall(r"^### `seasonctl (\w+)", README, flags=re.MULTILINE))
    commands = set(get_command(app).commands)  # type: ignore[attr-defined]
    assert named == commands


def test_the_two_commands_are_the_ones_ci_runs() -> None:
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    test_command = ci.strip().splitlines()[-1]
    assert f"```bash\n{test_command}\n```" in README
    assert "seasonctl plan weihnachten" in README
