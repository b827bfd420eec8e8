"""What each person sees first after signing in, by what their role may do.

- whoever makes referrals: the screening candidates not yet referred, ranked as
  `iom screen --candidates` ranks them (eligible first, then priority tier, CSS and OGRS) by
  what the daily run's screening said of them (`referrals.Screening`);
- whoever reads meetings: the meetings coming up;
- the coordinator: what is due on the cohort;
- an allocated worker: their cohort with each member's next step;
- the MAIT analyst: referrals waiting to be scored;
- the governance roles: the reports.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Case, F, FloatField, IntegerField, Q, When
from django.db.models.functions import Coalesce

from iom.accounts.models import Role
from iom.cases import queries as cases
from iom.panels.models import Meeting
from iom.referrals.models import Referral
from iom.referrals.queries import visible_referrals
from iom.schemes.models import Scheme

CANDIDATES_SHOWN = 10
MEETINGS_AHEAD = timedelta(days=28)


# The order of `iom screen --candidates`: eligible first, then priority tier, CSS and OGRS, highest
# first (no OGRS last); under the matrix, the highest score first; drafts the daily run has not
# screened yet last.
MATRIX = Q(screening__matrix_score__isnull=False)
RANKING = (
    Case(
        When(screening__isnull=True, then=2),
        When(MATRIX | Q(screening__outcome="eligible"), then=0),
        default=1,
        output_field=IntegerField(),
    ),
    Case(
        When(MATRIX, then=0),
        default=Coalesce("screening__priority_tier", 9),
        output_field=IntegerField(),
    ),
    Case(
        When(MATRIX, then=F("screening__matrix_score")),
        default=Coalesce("screening__css_score", 0.0),
        output_field=FloatField(),
    ).desc(),
    Coalesce("screening__ogrs", -1.0).desc(),
    "pk",
)


def candidates(user: Any) -> tuple[list[Referral], int]:
    """Screening candidates waiting to be referred (drafts the daily run opened): the first few
    by rank, with what the latest screening said of them, and how many there are."""
    drafts = visible_referrals(user).filter(
        state=Referral.State.DRAFT, trigger=Referral.Trigger.SCREENING
    )
    # the first few found on the drafts and their screening alone, then read with what they name
    first = list(drafts.order_by(*RANKING).values_list("pk", flat=True)[:CANDIDATES_SHOWN])
    shown = drafts.select_related("screening", "person", "scheme").in_bulk(first)
    return [shown[pk] for pk in first], drafts.count()


def meetings(user: Any, today: date) -> list[Meeting]:
    upcoming = Meeting.objects.filter(
        held_on__gte=today, held_on__lte=today + MEETINGS_AHEAD
    ).select_related("scheme", "kind")
    return [m for m in upcoming.order_by("held_on", "pk") if user.has_perm("iom.view_meetings", m)]


def to_score(user: Any) -> list[Referral]:
    scored = {s.pk for s in Scheme.objects.all() if s.policy().engine == "nottinghamshire_matrix"}
    submitted = visible_referrals(user).filter(state=Referral.State.SUBMITTED, scheme__in=scored)
    return list(submitted.order_by("referred_on", "pk"))


def sections(user: Any, today: date) -> dict[str, Any]:
    """Everything the start page shows this user; the people named, for the access log."""
    found: dict[str, Any] = {}
    if user.role == Role.COORDINATOR:
        found["candidates"], found["candidates_total"] = candidates(user)
    if user.has_perm("iom.view_meetings"):
        found["meetings"] = meetings(user, today)
        found["due"] = cases.due(user, today)
    if user.has_perm("iom.manage_member"):
        caseload = cases.caseload(user)
        found["caseload"] = caseload
        found["steps"] = cases.steps(caseload, today)
    if user.has_perm("iom.score_referral"):
        found["to_score"] = to_score(user)
    return found


def people_shown(found: dict[str, Any]) -> list[int]:
    ids = [r.person_id for r in found.get("candidates", [])]
    ids += [m.person_id for m in found.get("caseload", [])]
    due = found.get("due") or {}
    ids += [d.membership.person_id for d in due.get("steps", [])]
    ids += [m.person_id for m in due.get("no_consent", [])]
    ids += [r.person_id for r in found.get("to_score", [])]
    return ids
