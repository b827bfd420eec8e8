"""Look-back windows that do not count time in custody (rules contract, sections 1 and 2).

Both windows are found by the same fixed-point iteration: start at `as_of - length`, count the
custody to add back, move the start that much earlier than the base, and repeat until it stops
moving. The start only ever moves earlier, so the loop ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from iom.rules.dates import Duration, days
from iom.rules.model import JSON, CustodyPeriod


@dataclass(frozen=True)
class Window:
    """`[start, end]`, both ends included: `length` before `end`, moved back by `added_days`."""

    start: date
    end: date
    length: Duration
    added_days: int

    def holds(self, day: date) -> bool:
        return self.start <= day <= self.end

    def evidence(self) -> JSON:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "length": str(self.length),
            "custody_days_added": self.added_days,
        }


def fixed_point_window(end: date, length: Duration, added_days: Callable[[date], int]) -> Window:
    """Move the start back from `end - length` by `added_days(start)` until it is stable."""
    base = length.before(end)
    start = base
    while True:
        added = added_days(start)
        new_start = base - days(added)
        if new_start == start:
            return Window(start=start, end=end, length=length, added_days=added)
        start = new_start


def merged_custody(custody: Iterable[CustodyPeriod], as_of: date) -> list[tuple[date, date]]:
    """Custody as disjoint `[start, end)` spans before `as_of`; a spell still open runs to `as_of`."""
    spans = sorted(
        (period.start, period.end_or(as_of))
        for period in custody
        if period.start < period.end_or(as_of)
    )
    merged: list[tuple[date, date]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def days_held(spans: list[tuple[date, date]], start: date, end: date) -> int:
    """Distinct days of `[start, end)` covered by the merged spans."""
    return sum(max(0, (min(e, end) - max(s, start)).days) for s, e in spans)


def at_liberty_window(as_of: date, length: Duration, custody: Iterable[CustodyPeriod]) -> Window:
    """Section 1: a window ending on `as_of` that holds exactly `length` of days at liberty."""
    spans = merged_custody(custody, as_of)
    return fixed_point_window(as_of, length, lambda start: days_held(spans, start, as_of))


def half_sentence_days(period: CustodyPeriod, as_of: date) -> int:
    """What one sentence adds to the CSS window: half the term imposed, rounded down.

    With no term recorded, the days actually served up to `as_of`, not halved (section 2).
    """
    if period.sentence_days is not None:
        return period.sentence_days // 2
    return max(0, (period.end_or(as_of) - period.start).days)


def css_half_sentence_window(
    as_of: date, length: Duration, custody: Iterable[CustodyPeriod]
) -> Window:
    """Section 2, `half_sentence_term`: sentences starting inside the window lengthen it by half."""
    sentences = [p for p in custody if p.kind == "sentence" and p.start <= as_of]

    def added(start: date) -> int:
        return sum(half_sentence_days(p, as_of) for p in sentences if start <= p.start)

    return fixed_point_window(as_of, length, added)


def css_window(
    as_of: date, length: Duration, custody: Iterable[CustodyPeriod], adjustment: str
) -> Window:
    if adjustment == "half_sentence_term":
        return css_half_sentence_window(as_of, length, custody)
    if adjustment == "actual_custody":
        return at_liberty_window(as_of, length, custody)
    raise ValueError(f"unknown CSS custody adjustment {adjustment!r}")
