"""Text as a database column can hold it: no NUL characters, no lone surrogates (UTF-8 only)."""

from __future__ import annotations


def storable(text: str) -> str:
    """`text` with NUL shown as \\x00 and unencodable characters as escapes, so nothing is lost
    from sight and PostgreSQL accepts it."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")


def is_utf8(text: str) -> bool:
    """False for text holding a lone surrogate (JSON's escapes allow one; UTF-8 cannot hold it)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
