"""Reads a stack's settings from `pulumi.Config`, for the Pulumi program (the CLI reads the file)."""

from __future__ import annotations

import json
from typing import Any

import pulumi

from capacity.catalog import Catalog
from freshfoodz_seasonal.config.model import SECRET_KEYS, StackSettings
from freshfoodz_seasonal.config.parse import parse_settings
from freshfoodz_seasonal.config.problems import ConfigError, Problem
from freshfoodz_seasonal.naming import CONFIG_NAMESPACE


def _structured(raw: str) -> Any:
    """Pulumi hands structured config to programs as JSON text and plain strings as they are."""
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw


def load_settings(catalog: Catalog) -> StackSettings:
    """The same model and checks as `seasonctl validate`; ConfigError before any resource exists.

    Only SECRET_KEYS are read as secrets. Any other key the stack holds as a Pulumi secret is refused
    without being read: its value would go into the plan, resource inputs and error messages in plain text.
    """
    config = pulumi.Config(CONFIG_NAMESPACE)
    stack_file = f"Pulumi.{pulumi.get_stack()}.yaml"
    keys = [field.alias or name for name, field in StackSettings.model_fields.items()]
    secret_elsewhere = [
        key for key in keys if key not in SECRET_KEYS and pulumi.runtime.is_config_secret(f"{CONFIG_NAMESPACE}:{key}")
    ]
    if secret_elsewhere:
        raise ConfigError([_not_a_secret_key(stack_file, key) for key in secret_elsewhere])
    values: dict[str, Any] = {}
    for key in keys:
        if key in SECRET_KEYS:
            values |= _secret_marker(config, key)
            continue
        raw = config.get(key)
        if raw is not None:
            try:
                values[key] = _structured(raw)
            except RecursionError:
                raise ConfigError(
                    [Problem(stack_file, f"{CONFIG_NAMESPACE}:{key}", "nested too deeply; accepted: a stack config")]
                ) from None
    return parse_settings(values, catalog, stack_file)


def _not_a_secret_key(stack_file: str, key: str) -> Problem:
    return Problem(
        stack_file,
        f"{CONFIG_NAMESPACE}:{key}",
        f"a Pulumi secret, but only {', '.join(SECRET_KEYS)} is read as one (this value would reach plans, "
        "resource inputs and messages in plain text); accepted: plain config for this key",
    )


def _secret_marker(config: pulumi.Config, key: str) -> dict[str, Any]:
    """A secret key as the model sees it, never decrypted here: `{secure: ...}` if the stack holds it as a
    Pulumi secret, a plain placeholder (which the model refuses) if it holds it in plain text."""
    if config.get_secret(key) is None:
        return {}
    if not pulumi.runtime.is_config_secret(f"{CONFIG_NAMESPACE}:{key}"):
        return {key: "(plain text)"}
    return {key: {"secure": "(a Pulumi secret)"}}


def load_webhook_url() -> pulumi.Output[str] | None:
    """The war room's webhook as a Pulumi secret (never in plain text in state or outputs)."""
    return pulumi.Config(CONFIG_NAMESPACE).get_secret("warRoomWebhookUrl")
