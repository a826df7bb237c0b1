"""README stays true: every config key is documented, every command it names exists."""

from __future__ import annotations

import re

from pydantic import BaseModel
from typer.main import get_command

from freshfoodz_seasonal.cli.app import app
from freshfoodz_seasonal.config.model import SecureValue, StackSettings
from freshfoodz_seasonal.config.problems import fields_by_key, sections_in
from tests.support.project import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def leaf_paths(model: type[BaseModel], prefix: str = "") -> set[str]:
    """Every key a stack can set, as README writes it: `season.window.start`, `routes[].baselineRps`."""
    paths = set()
    for key, field in fields_by_key(model).items():
        # Pulumi's {secure: ...} wrapper of a secret is how the file stores a value, not a section.
        inner = [section for section in sections_in(field.annotation) if section is not SecureValue]
        path = f"{prefix}{key}"
        if not inner:
            paths.add(path)
            continue
        is_list = "list[" in str(field.annotation)
        paths |= leaf_paths(inner[0], f"{path}[]." if is_list else f"{path}.")
    return paths


def documented_paths(reference: str) -> set[str]:
    """Paths in the first cell of each table row; `.key` continues the row's first path's parent."""
    paths = set()
    for row in reference.splitlines():
        if not row.startswith("| `"):
            continue
        spans = re.findall(r"`([^`]+)`", row.split(" | ")[0])
        parent = spans[0].rsplit(".", 1)[0] if "." in spans[0] else ""
        paths |= {parent + span if span.startswith(".") else span for span in spans}
    return paths


def test_every_config_key_is_in_the_config_reference() -> None:
    reference = README.split("## Config reference", 1)[1].split("\n## ", 1)[0]
    assert leaf_paths(StackSettings) == documented_paths(reference)


def test_every_command_in_the_cli_reference_exists() -> None:
    named = set(re.findall(r"^### `seasonctl (\w+)", README, flags=re.MULTILINE))
    commands = set(get_command(app).commands)  # type: ignore[attr-defined]
    assert named == commands


def test_the_two_commands_are_the_ones_ci_runs() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = ci.strip().splitlines()[-1]
    assert f"```bash\n{test_command}\n```" in README
    assert "seasonctl plan weihnachten" in README
