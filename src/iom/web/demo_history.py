"""Demo data for the governance pages: two years of a scheme's past, made through the services.

One panel a quarter for the last eight quarters refers a handful of screening candidates and
accepts most; members who joined long enough ago leave (mostly for positive progress, some for
custody or a move away), with pathway records at joining and later, and some enforcement. The
people's offending is the synthetic feed's, so the before and after figures are whatever it holds.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from iom.accounts.models import Role
from iom.cases import models as cm
from iom.cases import services as cases
from iom.governance.queries import quarters_to
from iom.people import models as pm
from iom.referrals import services as referrals
from iom.schemes.models import MeetingType, Scheme
from iom.web.demo_scheme import DERBY_AREAS, _answers, _assessed, _user

QUARTERS = 8
A = cm.Allocation.Kind
# Exit reasons in turn for members who joined more than 7 months before today.
LEAVING = [
    cm.Membership.EndReason.POSITIVE_PROGRESS,
    cm.Membership.EndReason.POSITIVE_PROGRESS,
    cm.Membership.EndReason.CUSTODY,
    cm.Membership.EndReason.POSITIVE_PROGRESS,
    cm.Membership.EndReason.TRANSFERRED_OUT,
]


@transaction.atomic
def make_history(today: date | None = None) -> int:
    """Past panels and members; returns how many members joined (0 when already made)."""
    today = today or timezone.localdate()
    oldest = quarters_to(today, QUARTERS + 1)[0][0]
    if cm.Membership.objects.filter(start__lt=today - timedelta(days=300)).exists():
        return 0
    derbyshire = Scheme.objects.get(slug="derbyshire")
    pool = list(
        pm.Person.objects.filter(
            area__in=DERBY_AREAS,
            referrals__isnull=True,
            date_of_birth__lt=date(oldest.year - 19, 1, 1),
        ).order_by("pk")[:900]
    )
    joined = 0
    for number, (start, _end) in enumerate(quarters_to(today, QUARTERS + 1)[:-1]):
        held_on = start + timedelta(days=45)
        batch, pool = pool[:100], pool[100:]
        assessed = _assessed(derbyshire, batch, held_on)
        chosen = [(p, a) for p, a in assessed if a.outcome == "eligible"][:7]
        considered = [(p, a) for p, a in assessed if a.outcome == "consider" and a.cohort == "flex"]
        members = _panel(derbyshire, held_on, chosen + considered[:3], decline=number % 3 + 1)
        for i, member in enumerate(members):
            _life(member, today, i + number)
        joined += len(members)
    return joined


def _panel(scheme: Scheme, held_on: date, chosen: list, decline: int) -> list[cm.Membership]:
    """Refer everyone chosen, meet on `held_on`, decline the last `decline`, accept the rest."""
    from iom.panels import services as panels

    om, officer, yjs, chair = (
        _user(Role.PROBATION_OM),
        _user(Role.POLICE_IOM_OFFICER),
        _user(Role.YJS_CASE_MANAGER),
        _user(Role.PANEL_CHAIR),
    )
    made = []
    for person, assessment in chosen:
        answers = {**_answers(person, assessment, om, om), "referred_on": held_on - timedelta(20)}
        made.append((referrals.submit(om, person, scheme, answers), assessment))
    kind = scheme.meeting_types.get(kind=MeetingType.Kind.OPERATIONAL)
    meeting = panels.plan(_user(Role.COORDINATOR), scheme, kind, held_on, chair)
    panels.build_agenda(chair, meeting)
    panels.record_attendance(chair, meeting, [chair, om, officer, yjs])
    agreeing = sorted({u.agency_id for u in (om, officer, yjs) if u.agency_id})
    members = []
    for n, (referral, assessment) in enumerate(made):
        if n >= len(made) - decline:
            proposal = panels.Proposal(
                "decline",
                reason="Better managed by the neighbourhood team for now.",
                agreeing=agreeing,
            )
            panels.decide(chair, meeting, referral, proposal)
            continue
        cohort = assessment.cohort or "flex"
        proposal = panels.Proposal(
            "accept", cohort, rationale="Agreed at the panel.", agreeing=agreeing
        )
        members.append(panels.decide(chair, meeting, referral, proposal).membership)
    return members


def _life(member: cm.Membership, today: date, n: int) -> None:
    """Allocations, pathways at joining and later, some enforcement, and an exit if due."""
    om, officer, chair = (
        _user(Role.PROBATION_OM),
        _user(Role.POLICE_IOM_OFFICER),
        _user(Role.PANEL_CHAIR),
    )
    start = member.start
    cases.allocate(_user(Role.COORDINATOR), member, A.OFFENDER_MANAGER, om, start)
    cases.allocate(_user(Role.COORDINATOR), member, A.POLICE_OFFICER, officer, start)
    early, later = start + timedelta(days=7), start + timedelta(days=120)
    housing = ["rough_sleeping", "no_fixed_abode", "temporary"][n % 3]
    cases.record_pathway(om, member, "accommodation", housing, early, "At the first meeting")
    cases.record_pathway(om, member, "ete", "none", early, "")
    cases.record_pathway(om, member, "drugs", "need", early, "")
    if later < today:
        if n % 3 != 2:
            cases.record_pathway(om, member, "accommodation", "settled", later, "Tenancy")
        if n % 2 == 0:
            cases.record_pathway(om, member, "ete", "training", later, "College course")
        if n % 4 != 3:
            cases.record_pathway(om, member, "drugs", "in_treatment", later, "Script and key work")
    if n % 3 == 1 and start + timedelta(days=60) < today:
        kind = ["warning", "breach", "recall"][n % 3 + (n % 2)]
        cases.record_enforcement(
            officer, member, kind=kind, on=start + timedelta(days=60), outcome="Recorded", note=""
        )
    leaves_on = start + timedelta(days=210)
    if leaves_on >= today - timedelta(days=14):
        return
    reason = LEAVING[n % len(LEAVING)]
    cases.decide_exit(
        chair,
        member,
        cases.ExitInput(
            outcome="deselect",
            reason=reason,
            intelligence_supports_staying=False,
            rationale="Reviewed at the panel.",
            ongoing_plan="Managed by probation and the neighbourhood team.",
            on=leaves_on,
            meeting=None,
        ),
    )
