"""Casework arithmetic, free of Django: contacts against the agreed plan, and consent overdue.

The plan is counted per calendar period: a weekly line once for each week (Monday to Sunday) whose
Monday falls in the period and has come, a monthly line in the calendar month. Only attended
contacts count towards the plan.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

CONSENT_DUE_WITHIN = timedelta(days=14)


@dataclass(frozen=True)
class PlanLine:
    kind: str
    times: int
    per: str  # "week" or "month"


@dataclass(frozen=True)
class ContactDone:
    kind: str
    on: date
    attended: bool


@dataclass(frozen=True)
class Shortfall:
    kind: str
    expected: int
    done: int

    @property
    def missing(self) -> int:
        return max(self.expected - self.done, 0)


def week_of(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def month_of(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    next_first = (first + timedelta(days=32)).replace(day=1)
    return first, next_first - timedelta(days=1)


def weeks_begun(first: date, last: date, as_of: date) -> int:
    """Mondays from `first` to `last` that have come by `as_of`."""
    end = min(last, as_of)
    if end < first:
        return 0
    first_monday = first + timedelta(days=(7 - first.weekday()) % 7)
    return 0 if first_monday > end else (end - first_monday).days // 7 + 1


def expected(line: PlanLine, first: date, last: date, as_of: date) -> int:
    """Contacts a plan line asks for in a period, counting weeks begun by `as_of`."""
    if line.per == "week":
        return line.times * weeks_begun(first, last, as_of)
    return line.times if (first, last) == month_of(first) else 0


def against_plan(
    plan: Iterable[PlanLine], contacts: Iterable[ContactDone], first: date, last: date, as_of: date
) -> list[Shortfall]:
    """Each kind in the plan: contacts expected in the period so far, and attended ones done."""
    contacts = [c for c in contacts if c.attended and first <= c.on <= min(last, as_of)]
    wanted: dict[str, int] = {}
    for line in plan:
        wanted[line.kind] = wanted.get(line.kind, 0) + expected(line, first, last, as_of)
    return [
        Shortfall(kind, count, sum(1 for c in contacts if c.kind == kind))
        for kind, count in sorted(wanted.items())
        if count
    ]


def this_week_and_month(
    plan: Iterable[PlanLine], contacts: Iterable[ContactDone], as_of: date
) -> dict[str, list[Shortfall]]:
    plan, contacts = list(plan), list(contacts)
    week, month = week_of(as_of), month_of(as_of)
    return {
        "week": against_plan([p for p in plan if p.per == "week"], contacts, *week, as_of),
        "month": against_plan(plan, contacts, *month, as_of),
    }


def consent_overdue(joined_on: date, answered: bool, as_of: date) -> bool:
    """No answer recorded 14 days after joining: the coordinator follows it up."""
    return not answered and as_of > joined_on + CONSENT_DUE_WITHIN
