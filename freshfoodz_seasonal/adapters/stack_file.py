"""Reads a `Pulumi.<stack>.yaml` file into validated settings, for the CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from capacity.catalog import Catalog
from freshfoodz_seasonal.adapters.strict_yaml import load_strict_yaml
from freshfoodz_seasonal.adapters.text_files import NotASmallFile, read_small_text
from freshfoodz_seasonal.config.model import StackSettings
from freshfoodz_seasonal.config.parse import parse_settings, project_values
from freshfoodz_seasonal.config.problems import ConfigError, Problem


def stack_name_of(path: Path) -> str:
    """`weihnachten` for `Pulumi.weihnachten.yaml`, else the file's stem."""
    name = path.name
    if name.startswith("Pulumi.") and name.endswith(".yaml"):
        return name.removeprefix("Pulumi.").removesuffix(".yaml")
    return path.stem


def resolve_stack_file(stack_or_file: str, project_dir: Path) -> Path:
    """A stack name (`weihnachten`) or a path to a stack file; ConfigError if there is no such file."""
    candidate = Path(stack_or_file)
    if candidate.suffix in {".yaml", ".yml"} or candidate.exists() or "/" in stack_or_file:
        path = candidate
    else:
        path = project_dir / f"Pulumi.{stack_or_file}.yaml"
    if path.is_dir():
        raise ConfigError([Problem(str(path), "file", "is a directory; give a stack file or a stack name")])
    if not path.is_file():
        stacks = sorted(stack_name_of(p) for p in project_dir.glob("Pulumi.*.yaml"))
        raise ConfigError(
            [Problem(str(path), "file", f"no such stack file; stacks in {project_dir}: {', '.join(stacks) or 'none'}")]
        )
    return path


def read_yaml_file(path: Path, what: str) -> Any:
    """The YAML document in `path` (`what` it is, for messages: "a stack file"); ConfigError with line and
    column otherwise.

    Only a regular file (a link to one is followed) of at most MAX_SMALL_FILE_BYTES is read: a FIFO, a
    device or a huge file beside the program must not hang or exhaust every command that reads the
    project's calendar.
    """
    try:
        text = read_small_text(path)
    except NotASmallFile as error:
        raise ConfigError([Problem(str(path), "file", f"{error}; {what} is a small YAML file")]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError([Problem(str(path), "file", f"cannot read: {error}")]) from None
    return yaml_document(text, path)


def yaml_document(text: str, path: Path) -> Any:
    """The YAML document in `text`, as the project reads YAML (strict_yaml); `path` names it in problems."""
    try:
        return load_strict_yaml(text)
    except yaml.MarkedYAMLError as error:
        raise ConfigError([yaml_problem(path, error)]) from None
    except yaml.YAMLError as error:
        raise ConfigError([Problem(str(path), "file", f"cannot read: {error}")]) from None


def read_stack_file(path: Path) -> dict[str, Any]:
    """The file's `config:` mapping; YAML errors come back with line and column."""
    return _stack_config(read_yaml_file(path, "a stack file"), path)


def stack_config_from_text(text: str, path: Path) -> dict[str, Any]:
    """The `config:` mapping of a stack file's text; `path` names it in problems."""
    return _stack_config(yaml_document(text, path), path)


def _stack_config(document: Any, path: Path) -> dict[str, Any]:
    if not isinstance(document, dict) or not isinstance(document.get("config"), dict):
        raise ConfigError([Problem(str(path), "config", "a stack file is a mapping with a `config:` mapping inside")])
    config: dict[str, Any] = document["config"]
    return config


def _position(mark: yaml.Mark) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}"


def yaml_problem(path: Path, error: yaml.MarkedYAMLError) -> Problem:
    """Where the parser gave up, and where the construct it was reading began (an open bracket)."""
    mark = error.problem_mark or error.context_mark
    message = f"invalid YAML: {error.problem or error.context}"
    if (
        error.context
        and error.context_mark
        and error.problem_mark
        and error.context_mark.line != error.problem_mark.line
    ):
        message += f" ({error.context} at {_position(error.context_mark)})"
    return Problem(str(path), _position(mark) if mark else "unknown position", message)


def load_stack_settings(path: Path, catalog: Catalog) -> StackSettings:
    return settings_from_config(read_stack_file(path), path, catalog)


def settings_from_config(config: dict[str, Any], path: Path, catalog: Catalog) -> StackSettings:
    """Validated settings of a stack file's `config:` mapping; ConfigError with every problem otherwise."""
    values, problems = project_values(config, str(path))
    try:
        settings = parse_settings(values, catalog, str(path))
    except ConfigError as error:
        raise ConfigError(problems + error.problems) from None
    if problems:
        raise ConfigError(problems)
    return settings
