"""What each person sees first after signing in, by what their role may do.

- whoever makes referrals: the screening candidates not yet referred, ranked as
  `iom screen --candidates` ranks them (eligible first, then priority tier, CSS and OGRS);
- whoever reads meetings: the meetings coming up;
- the coordinator: what is due on the cohort;
- an allocated worker: their cohort with each member's next step;
- the MAIT analyst: referrals waiting to be scored;
- the governance roles: the reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from iom.accounts.models import Role
from iom.cases import queries as cases
from iom.panels.models import Meeting
from iom.people.records import to_rules
from iom.referrals.models import Referral
from iom.referrals.queries import visible_referrals
from iom.rules import Assessment, assess, load_catalogue
from iom.schemes.models import Scheme

CANDIDATES_SHOWN = 10
MEETINGS_AHEAD = timedelta(days=28)


@dataclass(frozen=True)
class Candidate:
    referral: Referral
    assessment: Assessment
    ogrs: float | None

    def rank(self) -> tuple[float, ...]:
        """The order of `iom screen --candidates`: eligible first, then priority tier, CSS and
        OGRS, highest first (no OGRS last); under the matrix, the highest score first."""
        a = self.assessment
        if a.matrix_score is not None:
            return (0, 0, -a.matrix_score, 0)
        return (
            0 if a.outcome == "eligible" else 1,
            a.priority_tier or 9,
            -(a.css_score or 0),
            -(self.ogrs if self.ogrs is not None else -1),
        )


def candidates(user: Any, today: date) -> tuple[list[Candidate], int]:
    """Screening candidates waiting to be referred (drafts the daily run opened): the first few
    by rank, and how many there are."""
    drafts = list(
        visible_referrals(user)
        .filter(state=Referral.State.DRAFT, trigger=Referral.Trigger.SCREENING)
        .prefetch_related(
            "person__convictions", "person__custody", "person__needs", "person__ogrs_entries"
        )
    )
    catalogue, policies = load_catalogue(), Scheme.policies_in_force()
    assessed = []
    for referral in drafts:
        person = to_rules(referral.person)
        found = assess(person, policies[referral.scheme_id], today, catalogue)
        assessed.append(Candidate(referral, found, person.ogrs_score))
    assessed.sort(key=lambda c: (c.rank(), c.referral.pk))
    return assessed[:CANDIDATES_SHOWN], len(assessed)


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
        found["candidates"], found["candidates_total"] = candidates(user, today)
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
    ids = [c.referral.person_id for c in found.get("candidates", [])]
    ids += [m.person_id for m in found.get("caseload", [])]
    due = found.get("due") or {}
    ids += [d.membership.person_id for d in due.get("steps", [])]
    ids += [m.person_id for m in due.get("no_consent", [])]
    ids += [r.person_id for r in found.get("to_score", [])]
    return ids
