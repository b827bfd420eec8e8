"""Assessments for people to read: evidence in words, and what would change the outcome."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from iom.people.labels import exclusions
from iom.rules import Assessment, load_catalogue
from iom.rules.dates import spoken
from iom.rules.parameters import NEEDS

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

LABELS = {
    "w12": "Recent offending window",
    "w6": "Six-month window",
    "css": "CSS window",
    "window": "Window",
    "table1_convictions": "Neighbourhood crime convictions",
    "pwits_convictions": "Supply convictions",
    "tier1_convictions": "Robbery or burglary convictions",
    "convictions": "Convictions",
    "unweighted": "Without a CSS weight",
    "ogrs": "OGRS",
    "css_score": "CSS",
    "matrix_score": "Matrix score",
    "threshold": "Threshold",
    "probation_current": "Current to probation",
    "em_acquisitive_tag": "EM tag",
    "mappa_level": "MAPPA level",
    "turns_18_on": "Turns 18 on",
    "turns_adult_on": "Turns 18 on",
    "fixed_min_ogrs": "OGRS needed",
    "free_ogrs_exceeds": "OGRS must exceed",
    "tier1_min_ogrs": "Tier 1 OGRS",
    "ogrs_50_plus": "OGRS 50 or more",
    "css_1500_plus": "CSS 1500 or more",
    "needs": "Needs that count",
    "sex_offender_current": "Current sex offender",
}


def words(value: Any) -> str:
    """A piece of a rule's evidence as a panel member reads it: dates in words, offences named."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        if "start" in value and "end" in value:
            return _window(value)
        if "id" in value:
            return _conviction(value)
        return "; ".join(
            f"{LABELS.get(k, k.replace('_', ' '))}: {in_words(k, v)}" for k, v in value.items()
        )
    if isinstance(value, list):
        return ", ".join(words(v) for v in value) or "none"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        return spoken(date.fromisoformat(value))
    if value in NEEDS:
        return str(value).replace("_", " ")
    return str(value)


def in_words(key: str, value: Any) -> str:
    """`words`, with the rules' coded values named: cohorts as 'Fixed', exclusions in words."""
    if key == "exclusions":
        return exclusions(value)
    if key in ("cohort", "criteria_met") and value:
        return ", ".join(
            cohort.capitalize() for cohort in ([value] if isinstance(value, str) else value)
        )
    return words(value)


def _window(value: dict[str, Any]) -> str:
    added = value.get("custody_days_added")
    custody = f", lengthened by {added} days in custody" if added else ""
    return f"{words(value['start'])} to {words(value['end'])}{custody}"


def _conviction(value: dict[str, Any]) -> str:
    """C1: Other burglary in a dwelling (02803), convicted 1 November 2026, weight 438."""
    code = value.get("offence_code")
    offence = load_catalogue().offences.get(code) if code else None
    named = f"{offence.plain} ({code})" if offence else code
    bits = [f"{value['id']}: {named}" if named else str(value["id"])]
    if value.get("conviction_date"):
        bits.append(f"convicted {words(value['conviction_date'])}")
    if "points" in value:
        bits.append(f"{value['points']} points")
    if isinstance(value.get("weight"), float):
        bits.append(f"weight {value['weight']:g}")
    return ", ".join(bits)


def evidence_rows(evidence: dict[str, Any]) -> list[tuple[str, str]]:
    skip = {
        "weights_from",
        "order_within_tier",
        "counted",
        "indicators",
        "other_criterion_met",
        "adult",
    }
    return [
        (LABELS.get(k, k.replace("_", " ").capitalize()), in_words(k, v))
        for k, v in evidence.items()
        if k not in skip
    ]


def what_would_change(assessment: Assessment) -> list[str]:
    codes = set(assessment.reason_codes())
    hints = []
    if "OGRS_MISSING" in codes:
        hints.append(
            "An OGRS from probation is needed before the Fixed or Free criteria can be met."
        )
    if "NO_CONVICTION_6M" in codes:
        hints.append(
            "A conviction within the last six months at liberty would lift the six-month exclusion."
        )
    if "YOUTH" in codes and assessment.turns_18_on:
        hints.append(
            f"Considered for the adult scheme on turning 18 ({assessment.turns_18_on:%-d %B %Y})."
        )
    if {"MAPPA_LEVEL_2_3", "SEX_OFFENDER"} & codes:
        hints.append("Inclusion despite this exclusion needs a recorded multi-agency agreement.")
    for reason in assessment.reasons:
        evidence = reason.evidence
        if (
            reason.code == "FIXED_NEIGHBOURHOOD_CRIME_NOT_MET"
            and evidence.get("table1_convictions")
            and not evidence.get("probation_current")
        ):
            hints.append(
                "Being current to probation would meet the Fixed neighbourhood crime criterion."
            )
    if assessment.outcome == "consider":
        hints.append("A panel decides Flex cases on professional judgement.")
    if assessment.refer_to_selection_meeting is False:
        hints.append("A significant intelligence picture would refer the case whatever the score.")
    return hints
