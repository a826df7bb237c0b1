"""Reads the playbook data shipped in the `playbooks` package, and a file of steps already done."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from freshfoodz_seasonal.adapters.strict_yaml import load_strict_yaml
from freshfoodz_seasonal.adapters.text_files import NotASmallFile, read_small_text
from freshfoodz_seasonal.config.problems import ConfigError, Problem
from freshfoodz_seasonal.playbooks.model import Playbooks


@cache
def load_playbooks() -> Playbooks:
    text = (resources.files("freshfoodz_seasonal.playbooks") / "data" / "playbooks.yaml").read_text(encoding="utf-8")
    return Playbooks.model_validate(yaml.safe_load(text))


def load_done_ids(path: Path) -> frozenset[str]:
    """A YAML list of step ids; ConfigError naming the file if it is anything else."""
    try:
        document = load_strict_yaml(read_small_text(path))
    except (OSError, UnicodeDecodeError, NotASmallFile, yaml.YAMLError) as error:
        raise ConfigError([Problem(str(path), "file", f"cannot read a list of done steps: {error}")]) from None
    if document is None:
        return frozenset()
    if not isinstance(document, list) or not all(isinstance(item, str) for item in document):
        raise ConfigError([Problem(str(path), "file", "accepted: a YAML list of step ids, e.g. - t30-capacity-plan")])
    return frozenset(document)
