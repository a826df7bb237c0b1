"""Reads a war-room roster (YAML) into a validated Roster; every problem comes back with file, key and value."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from freshfoodz_seasonal.adapters.stack_file import read_yaml_file
from freshfoodz_seasonal.config.problems import ConfigError, Problem, problems_from_validation
from freshfoodz_seasonal.warroom.roster import Roster


def load_roster(path: Path) -> Roster:
    """The roster at `path`; ConfigError naming every problem (a small regular file of YAML, a mapping with
    `people`)."""
    document = read_yaml_file(path, "a roster")
    if not isinstance(document, dict):
        raise ConfigError([Problem(str(path), "file", "a roster is a mapping with `people:`, a list of people")])
    try:
        return Roster.model_validate(document)
    except ValidationError as error:
        raise ConfigError(problems_from_validation(error, str(path), Roster)) from None
