"""Reading referrals: the ones a user may see, and how the rules' view has moved since."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from iom.accounts.permissions import may_see_youth_referrals
from iom.people.explain import in_words as evidence_in_words
from iom.people.models import ADULT_AGE
from iom.referrals.models import Referral, StoredAssessment

COMPARED = {
    "outcome": "Outcome",
    "cohort": "Cohort",
    "exclusions": "Exclusions",
    "css_score": "Crime severity score",
    "matrix_score": "Matrix score",
    "refer_to_selection_meeting": "For the selection meeting",
}


def latest_adult_birth(today: date) -> date:
    """People born after this date are under 18 on `today` (29 February: see `is_under`)."""
    try:
        return today.replace(year=today.year - ADULT_AGE)
    except ValueError:  # 29 February, and that year had none
        return today.replace(year=today.year - ADULT_AGE, day=28)


def visible_referrals(user: Any) -> QuerySet[Referral]:
    found = Referral.objects.select_related("person", "scheme", "referrer")
    if may_see_youth_referrals(user.role):
        return found
    youngest_adult_born = latest_adult_birth(timezone.localdate())
    return found.exclude(Q(scheme__youth=True) | Q(person__date_of_birth__gt=youngest_adult_born))


@dataclass(frozen=True)
class Change:
    """One figure the rules give differently now, both values in words."""

    label: str
    then: str
    now: str


def changes_since(stored: StoredAssessment | None, now: dict[str, Any]) -> list[Change]:
    """What the rules say differently now from what they said when the assessment was stored."""
    if stored is None:
        return []
    then = stored.assessment
    return [
        Change(label, in_words(key, then.get(key)), in_words(key, now.get(key)))
        for key, label in COMPARED.items()
        if then.get(key) != now.get(key)
    ]


def in_words(key: str, value: Any) -> str:
    """A figure of an assessment as the referral page says it: 'not eligible', 'Fixed'."""
    if key == "refer_to_selection_meeting" and value is not None:
        return "refer" if value else "do not refer"
    if key == "outcome" and value:
        return str(value).replace("_", " ")
    if isinstance(value, float):
        return f"{value:.2f}"
    return evidence_in_words(key, value)
