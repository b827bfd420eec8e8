"""Small numbers are not shown: a count of 1 to 4 people could point to someone (impact contract 3)."""

from __future__ import annotations

SUPPRESSED = "<5"


def small(n: int) -> bool:
    return 1 <= n <= 4


def shown(n: int) -> int | str:
    """A count of people as it may be published: 1 to 4 become '<5'."""
    return SUPPRESSED if small(n) else n
