"""Offending before and after joining, per membership episode (impact contract, section 1).

After joining on J, the after period runs to the exit date X (once it has passed) or to the day
after the as-of date A, and holds L days at liberty. The before period ends on J and holds
exactly the same L days at liberty, found by the fixed point of the rules' look-back windows, so
time in custody on either side never counts as time when an offence could be committed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from iom.impact.parameters import ImpactParameters
from iom.rules.catalogue import Catalogue
from iom.rules.dates import Duration, days
from iom.rules.model import JSON, Conviction, CustodyPeriod
from iom.rules.windows import days_held, fixed_point_window, merged_custody

MEASURED = "measured"
TOO_EARLY = "too_early"
CSS_COLUMN = "css_weight"


@dataclass(frozen=True)
class Membership:
    """One episode on a scheme: joined on `start` (the selection decision), left on `end`."""

    person_id: str
    scheme: str
    cohort: str | None
    area: str | None
    start: date
    end: date | None = None
    end_reason: str | None = None


# An episode as `iom impact` writes it (and the personal CSV export), in this order.
EPISODE_COLUMNS = (
    "person_id",
    "scheme",
    "cohort",
    "area",
    "start",
    "end",
    "status",
    "days_at_liberty",
    "before_start",
    "before_count",
    "after_count",
    "before_css",
    "after_css",
)


@dataclass(frozen=True)
class Episode:
    membership: Membership
    status: str
    days_at_liberty: int
    before_start: date | None = None
    before_count: int | None = None
    after_count: int | None = None
    before_css: float | None = None
    after_css: float | None = None

    @property
    def measured(self) -> bool:
        return self.status == MEASURED

    def to_json(self) -> JSON:
        m = self.membership
        return {
            "person_id": m.person_id,
            "scheme": m.scheme,
            "cohort": m.cohort,
            "area": m.area,
            "start": m.start.isoformat(),
            "end": None if m.end is None else m.end.isoformat(),
            "status": self.status,
            "days_at_liberty": self.days_at_liberty,
            "before_start": None if self.before_start is None else self.before_start.isoformat(),
            "before_count": self.before_count,
            "after_count": self.after_count,
            "before_css": self.before_css,
            "after_css": self.after_css,
        }


def after_end(membership: Membership, as_of: date) -> date:
    """E: the exit date once it has passed, else the day after the as-of date (1.1)."""
    if membership.end is not None and membership.end <= as_of:
        return membership.end
    return as_of + days(1)


def before_start(join: date, at_liberty: int, spans: list[tuple[date, date]]) -> date:
    """B: the start of `[B, J)` holding exactly `at_liberty` days out of custody (1.3), by the
    same fixed point as the rules' look-back windows."""
    length = Duration(days=at_liberty)
    return fixed_point_window(join, length, lambda start: days_held(spans, start, join)).start


def measure(
    membership: Membership,
    convictions: Sequence[Conviction],
    custody: Sequence[CustodyPeriod],
    as_of: date,
    catalogue: Catalogue,
    parameters: ImpactParameters,
) -> Episode:
    """One episode's before and after figures, or `too_early` with its days at liberty so far."""
    join, end = membership.start, after_end(membership, as_of)
    spans = merged_custody(custody, end)  # a spell with no end runs on to E
    at_liberty = max(0, (end - join).days - days_held(spans, join, end))
    if at_liberty < parameters.impact_min_days_at_liberty:
        return Episode(membership, TOO_EARLY, at_liberty)
    start = before_start(join, at_liberty, spans)
    known = [c for c in convictions if c.conviction_date <= as_of]
    before = [c for c in known if start <= committed_on(c) < join]
    after = [c for c in known if join <= committed_on(c) < end]
    return Episode(
        membership,
        MEASURED,
        at_liberty,
        before_start=start,
        before_count=len(before),
        after_count=len(after),
        before_css=severity(before, catalogue),
        after_css=severity(after, catalogue),
    )


def committed_on(conviction: Conviction) -> date:
    """The offence date; the conviction date where the offence date is not recorded (1.4)."""
    return conviction.offence_date or conviction.conviction_date


def severity(convictions: Sequence[Conviction], catalogue: Catalogue) -> float:
    """Sum of CSS weights to 2 decimals; an unweighted offence adds 0, an attempt the full weight."""
    weights = (catalogue[c.offence_code].number(CSS_COLUMN) or 0.0 for c in convictions)
    return round(math.fsum(weights), 2)
