"""Reads a stack's settings from `pulumi.Config`, for the Pulumi program (the CLI reads the file)."""

from __future__ import annotations

import json
from typing import Any

import pulumi

from capacity.catalog import Catalog
from freshfoodz_seasonal.config.model import SECRET_KEYS, StackSettings
from freshfoodz_seasonal.config.parse import parse_settings
from freshfoodz_seasonal.naming import CONFIG_NAMESPACE


def _structured(raw: str) -> Any:
    """Pulumi hands structured config to programs as JSON text and plain strings as they are."""
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw


def load_settings(catalog: Catalog) -> StackSettings:
    """The same model and checks as `seasonctl validate`; ConfigError before any resource exists."""
    config = pulumi.Config(CONFIG_NAMESPACE)
    keys = [field.alias or name for name, field in StackSettings.model_fields.items()]
    values: dict[str, Any] = {}
    for key in keys:
        if key in SECRET_KEYS:
            values |= _secret_marker(config, key)
            continue
        raw = config.get(key)
        if raw is not None:
            values[key] = _structured(raw)
    return parse_settings(values, catalog, f"Pulumi.{pulumi.get_stack()}.yaml")


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
