"""Group figures over episodes (impact contract, section 2): by scheme, cohort, area and both."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from iom.impact.episodes import Episode
from iom.rules.model import JSON

# Each grouping the reports use, as the membership fields that key it.
GROUPINGS: tuple[tuple[str, ...], ...] = (
    ("scheme",),
    ("scheme", "cohort"),
    ("scheme", "area"),
    ("scheme", "cohort", "area"),
)


@dataclass(frozen=True)
class Group:
    by: dict[str, str | None]
    episodes: int
    too_early: int
    before_count: int
    after_count: int
    before_css: float
    after_css: float
    days_at_liberty: int
    no_offence_after: int

    @property
    def volume_change_pct(self) -> float | None:
        return change_pct(self.before_count, self.after_count)

    @property
    def severity_change_pct(self) -> float | None:
        return change_pct(self.before_css, self.after_css)

    @property
    def before_per_365(self) -> float | None:
        return per_365(self.before_count, self.days_at_liberty)

    @property
    def after_per_365(self) -> float | None:
        return per_365(self.after_count, self.days_at_liberty)

    def to_json(self) -> JSON:
        return {
            "by": dict(self.by),
            "episodes": self.episodes,
            "too_early": self.too_early,
            "before_count": self.before_count,
            "after_count": self.after_count,
            "before_css": self.before_css,
            "after_css": self.after_css,
            "days_at_liberty": self.days_at_liberty,
            "no_offence_after": self.no_offence_after,
            "volume_change_pct": self.volume_change_pct,
            "severity_change_pct": self.severity_change_pct,
            "before_per_365": self.before_per_365,
            "after_per_365": self.after_per_365,
        }


def change_pct(before: float, after: float) -> float | None:
    """-33.8 reads "a 33.8% reduction"; None when there was nothing before to compare with."""
    if before == 0:
        return None
    return round(100 * (after - before) / before, 1)


def per_365(count: int, days_at_liberty: int) -> float | None:
    if days_at_liberty == 0:
        return None
    return round(365 * count / days_at_liberty, 2)


def summarise(by: dict[str, str | None], episodes: Sequence[Episode]) -> Group:
    """One group's figures; sums over measured episodes only, too-early ones only counted."""
    measured = [e for e in episodes if e.measured]
    return Group(
        by=by,
        episodes=len(measured),
        too_early=len(episodes) - len(measured),
        before_count=sum(e.before_count or 0 for e in measured),
        after_count=sum(e.after_count or 0 for e in measured),
        # Sums of the 2-decimal figures each episode reports, so the two always agree.
        before_css=round(math.fsum(e.before_css or 0.0 for e in measured), 2),
        after_css=round(math.fsum(e.after_css or 0.0 for e in measured), 2),
        days_at_liberty=sum(e.days_at_liberty for e in measured),
        no_offence_after=sum(1 for e in measured if e.after_count == 0),
    )


def group(
    episodes: Iterable[Episode], groupings: Sequence[Sequence[str]] = GROUPINGS
) -> list[Group]:
    """Every combination present under each grouping, in a fixed order (unknown values last)."""
    episodes = list(episodes)
    out: list[Group] = []
    for fields in groupings:
        buckets: dict[tuple[str | None, ...], list[Episode]] = {}
        for episode in episodes:
            key = tuple(getattr(episode.membership, name) for name in fields)
            buckets.setdefault(key, []).append(episode)
        for key in sorted(buckets, key=lambda k: tuple((v is None, v or "") for v in k)):
            out.append(summarise(dict(zip(fields, key, strict=True)), buckets[key]))
    return out
