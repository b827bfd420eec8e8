"""Demo data for the cohort: members who joined at past panels, in every state, worked on.

Made through the services, as staff would: past meetings accept members; then allocations,
contact plans, contacts, consent answers, pathways, a treatment requirement, enforcement,
intelligence (some checked and flagged), a notice given, custody, and an exit decided.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from iom.accounts.models import Role, User
from iom.cases import models as cm
from iom.cases import services as cases
from iom.people import models as pm
from iom.referrals import services as referrals
from iom.schemes.models import MeetingType, Scheme
from iom.web.demo_scheme import DERBY_AREAS, _answers, _assessed, _user

K = MeetingType.Kind
A = cm.Allocation.Kind
C = cm.ContactKind
# (days ago the member joined, the state the demo puts them in)
ADULT_MEMBERS = [
    (100, "notice due"),
    (130, "exit period"),
    (200, "review due"),
    (220, "ended"),
]


def quiet_adults(people: QuerySet[pm.Person], since: date, today: date) -> QuerySet[pm.Person]:
    """Adults with no offence or conviction after `since` and no custody then or now: joining on
    `since`, their exit count runs from the day they join."""
    return (
        people.filter(date_of_birth__lt=date(today.year - 19, 1, 1))
        .exclude(convictions__conviction_date__gt=since)
        .exclude(convictions__offence_date__gt=since)
        .exclude(custody__end__isnull=True)
        .exclude(custody__end__gt=since)
    )


def _join_at_past_panel(
    scheme: Scheme, kind: str, on: date, chosen: tuple[pm.Person, Any], staff: list[User]
) -> cm.Membership:
    """Refer one person (the first of `staff` refers), hold a past meeting and accept them."""
    from iom.panels import services as panels

    person, assessment = chosen
    referrer, chair = staff[0], _user(Role.PANEL_CHAIR)
    referral = referrals.submit(
        referrer, person, scheme, _answers(person, assessment, referrer, referrer)
    )
    if scheme.youth:
        reason = "Known to the YJS police team for a run of robberies."
        referrals.score(_user(Role.MAIT_ANALYST), referral, override=True, override_reason=reason)
    meeting_type = scheme.meeting_types.get(kind=kind)
    meeting = panels.plan(_user(Role.COORDINATOR), scheme, meeting_type, on, chair)
    panels.build_agenda(chair, meeting)
    panels.record_attendance(chair, meeting, [chair, *staff])
    agreeing = sorted({u.agency_id for u in staff if u.agency_id})
    cohort = "youth" if scheme.youth else (assessment.cohort or "flex")
    proposal = panels.Proposal(
        "accept", cohort, rationale="Agreed at the panel.", agreeing=agreeing
    )
    return panels.decide(chair, meeting, referral, proposal).membership


def _work(member: cm.Membership, today: date, consent: str | None) -> None:
    """Allocations, a contact plan, contacts, a consent answer and pathways for one member."""
    youth, start = member.scheme.youth, member.start
    manager = _user(Role.YJS_CASE_MANAGER) if youth else _user(Role.PROBATION_OM)
    police = _user(Role.PCSO) if youth else _user(Role.POLICE_IOM_OFFICER)
    coordinator = _user(Role.COORDINATOR)
    day_after = start + timedelta(days=1)
    cases.allocate(
        coordinator, member, A.YJS_CASE_MANAGER if youth else A.OFFENDER_MANAGER, manager, day_after
    )
    cases.allocate(
        coordinator, member, A.YJS_PCSO if youth else A.POLICE_OFFICER, police, day_after
    )
    lines = [
        cases.PlanLineInput(C.HOME_VISIT, 1, "week"),
        cases.PlanLineInput(C.OFFICE, 2, "month"),
    ]
    cases.agree_plan(manager, member, lines, day_after)
    monday = today - timedelta(days=today.weekday())
    visits = [
        (today - timedelta(days=9), C.OFFICE, "attended"),
        (today - timedelta(days=16), C.HOME_VISIT, "attended"),
        (today - timedelta(days=20), C.OFFICE, "did_not_attend"),
    ]
    if member.pk % 2:
        visits.append((monday, C.HOME_VISIT, "attended"))
    for on, kind, outcome in visits:
        if on >= start:
            statutory = kind == C.OFFICE
            cases.record_contact(
                manager, member, on=on, kind=kind, outcome=outcome, statutory=statutory, note=""
            )
    if consent:
        cases.record_consent(
            manager, member, consent, start + timedelta(days=3), "Duty manager, probation office"
        )
    cases.record_pathway(manager, member, "accommodation", "temporary", day_after, "Hostel place")
    if (today - start).days > 60:
        cases.record_pathway(
            manager,
            member,
            "accommodation",
            "settled",
            start + timedelta(days=50),
            "Council tenancy",
        )
        cases.record_pathway(
            manager,
            member,
            "ete",
            "training",
            start + timedelta(days=40),
            "Construction skills course",
        )


@transaction.atomic
def make_cohort(today: date | None = None) -> dict[str, int]:
    """Members in every state; returns how many memberships there are."""
    today = today or timezone.localdate()
    derbyshire = Scheme.objects.get(slug="derbyshire")
    notts = Scheme.objects.get(slug="nottinghamshire")
    chair, om, officer = (
        _user(Role.PANEL_CHAIR),
        _user(Role.PROBATION_OM),
        _user(Role.POLICE_IOM_OFFICER),
    )
    yjs, intel, coordinator = (
        _user(Role.YJS_CASE_MANAGER),
        _user(Role.POLICE_INTELLIGENCE),
        _user(Role.COORDINATOR),
    )

    oldest = today - timedelta(days=max(d for d, _ in ADULT_MEMBERS))
    pool = pm.Person.objects.filter(area__in=DERBY_AREAS, referrals__isnull=True)
    quiet = list(quiet_adults(pool, oldest - timedelta(days=1), today).order_by("pk")[:2000])
    members: dict[str, cm.Membership] = {}
    for days, state in ADULT_MEMBERS:
        on = today - timedelta(days=days)
        unused = [p for p in quiet if all(m.person_id != p.pk for m in members.values())][:400]
        eligible = [(p, a) for p, a in _assessed(derbyshire, unused, on) if a.outcome == "eligible"]
        if eligible:
            staff = [om, officer, yjs]
            members[state] = _join_at_past_panel(derbyshire, K.OPERATIONAL, on, eligible[0], staff)

    youths = pm.Person.objects.filter(
        date_of_birth__gt=date(today.year - 17, 1, 1), referrals__isnull=True
    ).order_by("pk")
    joined = today - timedelta(days=60)
    assessed = _assessed(notts, youths[:100], joined)
    if assessed:
        pm.Person.objects.filter(pk=assessed[0][0].pk).update(area=notts.areas[0])
        staff = [yjs, om, officer, _user(Role.PCSO)]
        members["youth"] = _join_at_past_panel(notts, K.SELECTION, joined, assessed[0], staff)

    consent_answers = {
        "notice due": "given",
        "exit period": "given",
        "review due": "refused",
        "ended": "given",
        "youth": "given",
    }
    for state, member in members.items():
        _work(member, today, consent_answers[state])
    recent = cm.Membership.objects.filter(start__gte=today - timedelta(days=30))
    for member in recent.exclude(pk__in=[m.pk for m in members.values()]).order_by("pk"):
        _work(member, today, None)
        members.setdefault("custody", member)

    if "exit period" in members:
        member = members["exit period"]
        cases.give_notice(coordinator, member, cases.step_for(member, today).due_on or today)
    if "review due" in members:
        member = members["review due"]
        due = cases.step_for(member, today - timedelta(days=100)).due_on
        if due is not None and due <= today:
            cases.give_notice(coordinator, member, due)
    if "ended" in members:
        member = members["ended"]
        cases.record_enforcement(
            officer,
            member,
            kind="warning",
            on=member.start + timedelta(days=20),
            outcome="Warned for a missed curfew check",
            note="",
        )
        cases.decide_exit(
            chair,
            member,
            cases.ExitInput(
                outcome="deselect",
                reason="positive_progress",
                intelligence_supports_staying=False,
                rationale="Six months without offending; stable housing and work.",
                ongoing_plan="Probation supervision continues under the licence; police neighbourhood team informed.",
                on=today - timedelta(days=10),
                meeting=None,
            ),
        )
    if "custody" in members:
        member = members["custody"]
        member.person.custody.create(
            kind="sentence", start=today - timedelta(days=4), sentence_days=1000
        )
        cases.record_enforcement(
            officer,
            member,
            kind="arrest",
            on=today - timedelta(days=5),
            outcome="Charged with burglary; sentenced the next day",
            note="",
        )
        cases.bring_up_to_date(member, today)
    for state in ("notice due", "youth", "exit period"):
        if state in members:
            member = members[state]
            cases.record_intelligence(
                intel,
                member.person,
                "Seen with known drug suppliers near the bus station last night",
                "Patrol sighting",
                "B2P",
                False,
            )
    if "notice due" in members:
        member = members["notice due"]
        entry = cases.record_intelligence(
            intel,
            member.person,
            "Associating with a recently released burglar",
            "Police intelligence report",
            "C3P",
            True,
        )
        cases.check_intelligence(
            intel,
            member,
            entry,
            True,
            "Police report new associations: please raise at the next home visit.",
        )
        requirement = cases.add_requirement(
            om, member, "drr", member.start + timedelta(days=5), None
        )
        cases.record_contact(
            om,
            member,
            on=today - timedelta(days=2),
            kind=C.TREATMENT,
            outcome="attended",
            statutory=True,
            note="Drug test negative",
            requirement=requirement,
        )
    for member in cm.Membership.objects.current():
        cases.bring_up_to_date(member, today)
    for member in cm.Membership.objects.current():
        cases.bring_up_to_date(member, today)
    return {"members": cm.Membership.objects.count()}
