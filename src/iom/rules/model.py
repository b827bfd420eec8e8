"""The rules' inputs and outputs as plain dataclasses.

Inputs mirror `schemas/person.schema.json`; `records.py` turns a JSON object into a `Person`
(or into errors that name the field). Outputs mirror `schemas/assessment.schema.json`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

JSON = dict[str, Any]


@dataclass(frozen=True)
class Conviction:
    id: str
    offence_code: str
    conviction_date: date
    offence_date: date | None = None
    attempt: bool = False
    conspiracy: bool = False
    domestic_abuse: bool = False
    description: str | None = None

    @property
    def inchoate(self) -> bool:
        """An attempt or a conspiracy: scored and grouped as the full offence unless a policy says not."""
        return self.attempt or self.conspiracy


@dataclass(frozen=True)
class CustodyPeriod:
    """A spell in custody, `[start, end)`; `end` is None while the person is still held."""

    kind: str  # "sentence" or "remand"
    start: date
    end: date | None = None
    sentence_days: int | None = None

    def end_or(self, as_of: date) -> date:
        return as_of if self.end is None else min(self.end, as_of)


@dataclass(frozen=True)
class Ogrs:
    score: float
    assessed_on: date | None = None
    version: str | None = None


@dataclass(frozen=True)
class Person:
    id: str
    date_of_birth: date
    convictions: tuple[Conviction, ...] = ()
    custody: tuple[CustodyPeriod, ...] = ()
    pnc_id: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    sex: str | None = None
    ethnicity: str | None = None
    area: str | None = None
    ogrs: Ogrs | None = None
    probation_current: bool = False
    mappa_level: int | None = None
    sex_offender_current: bool = False
    em_acquisitive_tag: bool = False
    significant_intelligence: bool = False
    needs: tuple[str, ...] = ()

    @property
    def ogrs_score(self) -> float | None:
        return None if self.ogrs is None else self.ogrs.score

    def convictions_between(self, start: date, end: date) -> list[Conviction]:
        """Convictions dated in `[start, end]`, in a fixed order (date, then id)."""
        return sorted(
            (c for c in self.convictions if start <= c.conviction_date <= end),
            key=lambda c: (c.conviction_date, c.id),
        )


@dataclass(frozen=True)
class Reason:
    """One step of a decision, in words, with the figures and records behind it."""

    code: str
    text: str
    evidence: JSON = field(default_factory=dict)

    def to_json(self) -> JSON:
        return {"code": self.code, "text": self.text, "evidence": self.evidence}


@dataclass
class Assessment:
    """One person under one policy on one date. Fields left None are not part of that policy."""

    person_id: str
    policy: str
    as_of: date
    reasons: list[Reason]
    versions: dict[str, str]
    windows: dict[str, date] | None = None
    css_score: float | None = None
    matrix_score: int | None = None
    refer_to_selection_meeting: bool | None = None
    criteria_met: list[str] | None = None
    cohort: str | None = None
    exclusions: list[str] | None = None
    outcome: str | None = None
    priority_tier: int | None = None
    ogrs_band: str | None = None
    indicators: JSON | None = None
    turns_18_on: date | None = None

    def reason_codes(self) -> list[str]:
        return [r.code for r in self.reasons]

    def to_json(self) -> JSON:
        """The assessment as `assessment.schema.json` names it, dates as YYYY-MM-DD."""
        out: JSON = {
            "person_id": self.person_id,
            "policy": self.policy,
            "as_of": self.as_of.isoformat(),
        }
        if self.windows is not None:
            out["windows"] = {name: start.isoformat() for name, start in self.windows.items()}
        if self.matrix_score is not None:
            out["matrix_score"] = self.matrix_score
            out["refer_to_selection_meeting"] = self.refer_to_selection_meeting
        if self.outcome is not None:
            out.update(
                css_score=self.css_score,
                criteria_met=self.criteria_met,
                cohort=self.cohort,
                exclusions=self.exclusions,
                outcome=self.outcome,
                priority_tier=self.priority_tier,
                ogrs_band=self.ogrs_band,
                indicators=self.indicators,
                turns_18_on=None if self.turns_18_on is None else self.turns_18_on.isoformat(),
            )
        out["reasons"] = [r.to_json() for r in self.reasons]
        out["versions"] = dict(self.versions)
        return out
