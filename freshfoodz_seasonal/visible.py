"""Text from outside (a server's answer, a label value) as a reader may see it in a terminal or a file."""

from __future__ import annotations


def visible(text: str, limit: int) -> str:
    """`text` with every control and format character (terminal escapes, bidi overrides, zero-width
    characters) written as its Python escape, cut to at most `limit` characters."""
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)[:limit]
