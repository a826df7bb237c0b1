"""README stays true: every config key is documented, every command it names exists."""

from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version
from pydantic import BaseModel
from typer.main import get_command

from freshfoodz_seasonal.cli.app import app
from freshfoodz_seasonal.config.model import StackSettings
from freshfoodz_seasonal.config.problems import fields_by_key, sections_in
from tests.support.project import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def leaf_paths(model: type[BaseModel], prefix: str = "") -> set[str]:
    """Every key a stack can set, as README writes it: `season.window.start`, `routes[].baselineRps`."""
    paths = set()
    for key, field in fields_by_key(model).items():
        inner = sections_in(field.annotation)
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


def test_the_two_commands_install_from_the_lock() -> None:
    section = README.split("## The two commands", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.+)\n```", section)
    assert len(commands) == 2
    install, run = commands[0].rsplit(" && ", 1)
    assert install.endswith(".venv/bin/pip install -q -c constraints.txt -e .")
    assert run == ".venv/bin/seasonctl plan weihnachten"
    assert ".venv/bin/pip install -q -c constraints.txt -e . --group dev && scripts/check" in commands[1]
    assert "scripts/lock" in section


def test_the_lock_pins_every_dependency_within_its_range() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = [Requirement(r) for r in [*project["project"]["dependencies"], *project["dependency-groups"]["dev"]]]
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[canonicalize_name(name)] = Version(version)
    assert "freshfoodz-seasonal" not in pins
    for requirement in wanted:
        pinned = pins.get(canonicalize_name(requirement.name))
        assert pinned is not None, f"{requirement.name} is not in constraints.txt: run scripts/lock"
        assert requirement.specifier.contains(pinned, prereleases=True), f"{requirement} but the lock has {pinned}"
    # The Grafana SDK's build is told apart by its version epoch alone.
    assert pins["grafana-foundation-sdk"].epoch > 0
