"""Counts in plain English, for every layer: the CLI's output, the access log's descriptions."""

from __future__ import annotations


def how_many(n: int, one: str, many: str) -> str:
    """'1 rejected row', '9 rejected rows': plain English, never 'row(s)'."""
    return f"{n:,} {one if n == 1 else many}"
