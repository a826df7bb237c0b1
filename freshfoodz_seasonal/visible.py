"""Text from outside (a server's answer, a label value, a file name) as a reader may see it in a
terminal or a file: every character shows as itself or as its escape."""

from __future__ import annotations


def escaped(text: str) -> str:
    """`text` with every control and format character (terminal escapes, bidi overrides, zero-width
    characters) written as its Python escape."""
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def visible(text: str, limit: int) -> str:
    """`escaped(text)`, cut to at most `limit` characters."""
    return escaped(text)[:limit]
