"""Reads a war-room roster (YAML) into a validated Roster; every problem comes back with file, key and value."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from freshfoodz_seasonal.adapters.stack_file import yaml_problem
from freshfoodz_seasonal.adapters.strict_yaml import load_strict_yaml
from freshfoodz_seasonal.adapters.text_files import NotASmallFile, read_small_text
from freshfoodz_seasonal.config.problems import ConfigError, Problem, problems_from_validation
from freshfoodz_seasonal.warroom.roster import Roster


def load_roster(path: Path) -> Roster:
    """The roster at `path`; ConfigError naming every problem (a small regular file of YAML, a mapping with
    `people`)."""
    try:
        text = read_small_text(path)
    except NotASmallFile as error:
        raise ConfigError([Problem(str(path), "file", f"{error}; a roster is a small YAML file")]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError([Problem(str(path), "file", f"cannot read: {error}")]) from None
    try:
        document = load_strict_yaml(text)
    except yaml.MarkedYAMLError as error:
        raise ConfigError([yaml_problem(path, error)]) from None
    except yaml.YAMLError as error:
        raise ConfigError([Problem(str(path), "file", f"cannot read: {error}")]) from None
    if not isinstance(document, dict):
        raise ConfigError([Problem(str(path), "file", "a roster is a mapping with `people:`, a list of people")])
    try:
        return Roster.model_validate(document)
    except ValidationError as error:
        raise ConfigError(problems_from_validation(error, str(path), Roster)) from None
