"""Text from outside (a server's answer, a label value, a file name) as a reader may see it in a
terminal or a file: every character shows as itself or as its escape."""

from __future__ import annotations

import re
import unicodedata


def shows_as_itself(char: str) -> bool:
    """Printable, or a space of any width (no-break, thin, narrow: typography, not a hiding place).
    Not: control characters (terminal escapes), format characters (bidi marks, zero-width characters,
    soft hyphens, tag characters), line and paragraph separators."""
    return char.isprintable() or unicodedata.category(char) == "Zs"


def escaped(text: str) -> str:
    """`text` with every character that does not show as itself written as its Python escape."""
    return "".join(char if shows_as_itself(char) else repr(char)[1:-1] for char in text)


def visible(text: str, limit: int) -> str:
    """`escaped(text)`, cut to at most `limit` characters."""
    return escaped(text)[:limit]


# Long runs of token characters: a key, a token or a webhook path, whatever the service.
_TOKEN_LIKE = re.compile(r"[A-Za-z0-9_\-]{20,}")
_URL = re.compile(r"(https?://[^/\s\"'@]+)[^\s\"']*")


def without_credentials(text: str, limit: int) -> str:
    """What a service said, fit to show though it may quote a credential it was given: every URL cut to its
    host (a webhook's URL is its credential), every token-like run of characters replaced, then `visible`."""
    text = _URL.sub(lambda match: f"{match.group(1)}/...", text)
    return visible(_TOKEN_LIKE.sub("[redacted]", text), limit)
