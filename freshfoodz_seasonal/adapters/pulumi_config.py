"""Reads a stack's settings from `pulumi.Config`, for the Pulumi program (the CLI reads the file)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pulumi

from capacity.catalog import Catalog
from freshfoodz_seasonal.config.model import StackSettings
from freshfoodz_seasonal.config.parse import parse_settings
from freshfoodz_seasonal.config.problems import ConfigError, Problem
from freshfoodz_seasonal.config.secrets import plain_text_problem
from freshfoodz_seasonal.naming import CONFIG_NAMESPACE


def _structured(raw: str) -> Any:
    """Pulumi hands structured config to programs as JSON text and plain strings as they are."""
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw


def load_settings(catalog: Catalog) -> StackSettings:
    """The same model and checks as `seasonctl validate`; ConfigError before any resource exists.

    No settings key is read as a secret: one the stack holds as a Pulumi secret is refused without being
    read, since its value would go into the plan, resource inputs and error messages in plain text. The
    war room's secrets are keys of their own (load_war_room_secrets).
    """
    config = pulumi.Config(CONFIG_NAMESPACE)
    stack_file = _stack_file()
    keys = [field.alias or name for name, field in StackSettings.model_fields.items()]
    secret_settings = [key for key in keys if pulumi.runtime.is_config_secret(f"{CONFIG_NAMESPACE}:{key}")]
    if secret_settings:
        raise ConfigError([_not_a_secret_key(stack_file, key) for key in secret_settings])
    values: dict[str, Any] = {}
    for key in keys:
        raw = config.get(key)
        if raw is not None:
            try:
                values[key] = _structured(raw)
            except RecursionError:
                raise ConfigError(
                    [Problem(stack_file, f"{CONFIG_NAMESPACE}:{key}", "nested too deeply; accepted: a stack config")]
                ) from None
    return parse_settings(values, catalog, stack_file)


def _stack_file() -> str:
    return f"Pulumi.{pulumi.get_stack()}.yaml"


def _not_a_secret_key(stack_file: str, key: str) -> Problem:
    return Problem(
        stack_file,
        f"{CONFIG_NAMESPACE}:{key}",
        "a Pulumi secret, but a settings key is never read as one (this value would reach plans, resource inputs "
        "and messages in plain text); accepted: plain config for this key (the war room's secrets are keys of "
        "their own, warRoom<Name>, named by warRoom.receivers[].integrations[].secret)",
    )


@dataclass(frozen=True)
class WarRoomSecrets:
    values: dict[str, pulumi.Output[str]]
    """Config key -> its value, a Pulumi secret (a marked placeholder where a preview found none)."""
    placeholders: tuple[str, ...]
    """The keys a preview found unset: their integrations carry a placeholder."""


def load_war_room_secrets(settings: StackSettings, preview: bool) -> WarRoomSecrets:
    """Every integration's secret, only ever as a Pulumi secret. A key held in plain text is refused, its
    value never shown; a key not set is a marked placeholder in a preview and refused in an update
    (ConfigError, before any resource exists)."""
    config = pulumi.Config(CONFIG_NAMESPACE)
    stack_file = _stack_file()
    keys = [] if settings.war_room is None else settings.war_room.secret_keys
    values: dict[str, pulumi.Output[str]] = {}
    problems, unset = [], []
    for key in keys:
        if pulumi.runtime.is_config_secret(f"{CONFIG_NAMESPACE}:{key}"):
            values[key] = config.require_secret(key)
        elif config.get(key) is not None:
            problems.append(plain_text_problem(stack_file, key))
        else:
            unset.append(key)
            values[key] = pulumi.Output.secret(unset_placeholder(key))
    if not preview:
        problems += [
            Problem(
                stack_file,
                f"{CONFIG_NAMESPACE}:{key}",
                f"not set; a war-room integration needs it: `pulumi config set --secret {key} VALUE`",
            )
            for key in unset
        ]
    if problems:
        raise ConfigError(problems)
    return WarRoomSecrets(values, tuple(unset))


def unset_placeholder(key: str) -> str:
    """What a preview declares for a secret not set: it says so, and is never a working URL or key."""
    return f"[not set: pulumi config set --secret {key} VALUE]"


# The placeholder's shape, which a preview may show: it holds a key's name, never a value.
UNSET_PLACEHOLDER = re.compile(r"\[not set: pulumi config set --secret warRoom[A-Za-z0-9]{1,63} VALUE\]")
