"""The war room's secrets as a stack file holds them: each its own config key (`warRoomSlackUrl`), only ever a
Pulumi secret (`{secure: <ciphertext>}`), and never shown in a message."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from freshfoodz_seasonal.config.problems import Problem, key_path
from freshfoodz_seasonal.config.war_room import SECRET_KEY_PATTERN, WarRoom

_SECRET_KEY = re.compile(SECRET_KEY_PATTERN)


def is_secret_key(key: str) -> bool:
    return _SECRET_KEY.fullmatch(key) is not None


def is_pulumi_secret(value: Any) -> bool:
    """`{secure: <ciphertext>}`, as `pulumi config set --secret` writes it."""
    return isinstance(value, dict) and set(value) == {"secure"} and isinstance(value["secure"], str)


def plain_text_problem(file: str, key: str) -> Problem:
    """A secret given in plain text (or a `secure:` holding anything but a ciphertext string, which may be the
    value itself): named by its key, the value never repeated."""
    return Problem(
        file,
        key_path((key,)),
        f"a secret in plain text; accepted: a Pulumi secret, set with `pulumi config set --secret {key} VALUE` "
        "(then commit the encrypted value)",
    )


def split_secrets(values: Mapping[str, Any], file: str) -> tuple[dict[str, Any], set[str], list[Problem]]:
    """The settings' keys apart from the war room's secrets; the secrets the file holds; a problem for each
    secret in plain text."""
    settings = {key: value for key, value in values.items() if not is_secret_key(key)}
    secrets = {key for key in values if is_secret_key(key)}
    problems = [plain_text_problem(file, key) for key in sorted(secrets) if not is_pulumi_secret(values[key])]
    return settings, secrets, problems


def unnamed_secret_problems(war_room: WarRoom | None, secrets: set[str], file: str) -> list[Problem]:
    """A secret no integration names: a typo of the one meant, or one left behind."""
    named = set() if war_room is None else set(war_room.secret_keys)
    return [
        Problem(
            file,
            key_path((key,)),
            "no integration of warRoom.receivers names this secret; name it (e.g. `{kind: webhook, secret: "
            f"{key}}}`) or remove it",
        )
        for key in sorted(secrets - named)
    ]
