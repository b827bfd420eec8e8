"""A living scheme for the demo: schemes and meetings, referrals in every state, a held meeting with
decisions, actions and minutes, and meetings to come with their agendas built.

Everything goes through the services, so the access log and the histories are as real use makes
them. Run after the demo users and people exist (`iom demo`).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from iom.accounts.models import AgencyKind, Role, User
from iom.people import models as pm
from iom.people.records import to_rules
from iom.people.services import record_movement
from iom.referrals import services as referrals
from iom.referrals.automatic import open_due
from iom.referrals.models import Referral
from iom.rules import assess, load_catalogue
from iom.schemes.models import MeetingType, Scheme

DERBY_AREAS = ["Derby City", "Derbyshire County"]
NOTTS_AREAS = ["Nottingham City", "Nottinghamshire County"]
K = MeetingType.Kind
JOINT_ADULT = [AgencyKind.POLICE, AgencyKind.PROBATION]
JOINT_YOUTH = [AgencyKind.POLICE, AgencyKind.YOUTH_JUSTICE]
SCHEMES = {
    "derbyshire": (
        "Derbyshire County and Derby City IOM",
        "derbyshire-2021",
        DERBY_AREAS,
        False,
        [
            ("Daily tasking", K.TASKING, "At least three days a week", True, JOINT_ADULT, ""),
            ("Derby City operational meeting", K.OPERATIONAL, "Fortnightly", True, JOINT_ADULT, ""),
            ("Derbyshire County panel", K.COUNTY_PANEL, "Monthly", True, JOINT_ADULT, ""),
            ("Case review", K.CASE_REVIEW, "As cases need", False, [], ""),
            ("Strategic Implementation Group", K.SIG, "Three times a year", False, [], ""),
        ],
    ),
    "nottinghamshire": (
        "Nottinghamshire YJS IOM",
        "nottinghamshire-yjs-2022",
        NOTTS_AREAS,
        True,
        [
            (
                "IOM selection meeting (IOMS)",
                K.SELECTION,
                "Monthly",
                True,
                JOINT_YOUTH,
                Role.PANEL_CHAIR,
            ),
            ("IOM case review", K.CASE_REVIEW, "Monthly", False, [], ""),
        ],
    ),
}


def make_schemes() -> dict[str, Scheme]:
    made = {}
    for slug, (name, policy, areas, youth, kinds) in SCHEMES.items():
        scheme, _ = Scheme.objects.update_or_create(
            slug=slug, defaults={"name": name, "policy_id": policy, "areas": areas, "youth": youth}
        )
        for title, kind, cadence, decides, agreeing, chair_role in kinds:
            MeetingType.objects.update_or_create(
                scheme=scheme,
                name=title,
                defaults={
                    "kind": kind,
                    "cadence": cadence,
                    "decides_referrals": decides,
                    "agreeing_agencies": [str(a) for a in agreeing],
                    "chair_role": chair_role,
                },
            )
        made[slug] = scheme
    return made


def _user(role: str) -> User:
    return User.objects.get(username=f"demo-{role.replace('_', '-')}")


def _assessed(scheme: Scheme, people: Any, today: date) -> list[tuple[pm.Person, Any]]:
    policy, catalogue = scheme.policy(), load_catalogue()
    return [(p, assess(to_rules(p), policy, today, catalogue)) for p in people]


def _answers(person: pm.Person, assessment: Any, referrer: User, manager: User) -> dict[str, Any]:
    return {
        **referrals.prefill(person, assessment),
        "iom_offer": "Joint police and probation management, with housing and treatment support.",
        "agency": referrer.agency,
        "offender_manager": manager,
        "primary_substance": "Not known",
        "referred_on": timezone.localdate() - timedelta(days=21),
    }


@transaction.atomic
def make_activity(today: date | None = None) -> dict[str, int]:
    """Referrals, meetings, decisions and actions; returns how many of each were made."""
    from iom.panels import services as panels

    today = today or timezone.localdate()
    schemes = make_schemes()
    derbyshire, notts = schemes["derbyshire"], schemes["nottinghamshire"]
    coordinator, chair, om = (
        _user(Role.COORDINATOR),
        _user(Role.PANEL_CHAIR),
        _user(Role.PROBATION_OM),
    )
    officer, yjs, analyst = (
        _user(Role.POLICE_IOM_OFFICER),
        _user(Role.YJS_CASE_MANAGER),
        _user(Role.MAIT_ANALYST),
    )
    adults = pm.Person.objects.filter(
        area__in=DERBY_AREAS, date_of_birth__lt=date(today.year - 19, 1, 1)
    )
    assessed = _assessed(derbyshire, adults.order_by("pk")[:600], today)
    eligible = [(p, a) for p, a in assessed if a.outcome == "eligible"][:6]
    others = [(p, a) for p, a in assessed if a.outcome in ("consider", "excluded")][:4]
    chosen = eligible[:3] + others[:2] + eligible[3:] + others[2:]
    made = [referrals.submit(om, p, derbyshire, _answers(p, a, om, om)) for p, a in chosen[:5]]

    held = panels.plan(
        coordinator,
        derbyshire,
        derbyshire.meeting_types.get(kind=K.OPERATIONAL),
        today - timedelta(days=14),
        chair,
    )
    panels.build_agenda(coordinator, held)
    panels.record_attendance(coordinator, held, [chair, om, yjs, officer])
    police = chair.agency_id
    agreeing = [police, om.agency_id]
    first = list(zip(made, chosen[:5], strict=True))
    to_accept = [(r, a) for r, (_, a) in first if a.outcome == "eligible"][:3]
    for referral, assessment in to_accept:
        proposal = panels.Proposal("accept", assessment.cohort or "flex", agreeing=agreeing)
        panels.decide(chair, held, referral, proposal)
    rest = [r for r, _ in first if r not in {r for r, _ in to_accept}]
    if rest:
        reason = "Managed well under MAPPA already."
        panels.decide(
            chair, held, rest[0], panels.Proposal("decline", reason=reason, agreeing=agreeing)
        )
    if len(rest) > 1:
        panels.decide(
            chair, held, rest[1], panels.Proposal("defer", defer_to=today + timedelta(days=2))
        )
    panels.raise_action(
        chair,
        "Share the housing referral with the council's outreach team",
        om,
        today - timedelta(days=3),
        held,
    )
    done = panels.raise_action(
        chair,
        "Add IOM flags on the police system for new members",
        officer,
        today - timedelta(days=7),
        held,
    )
    panels.update_action(officer, done, "done", "Flags added for all three.")
    panels.raise_action(
        chair,
        "Home visit with the offender manager this week",
        officer,
        today + timedelta(days=5),
        held,
    )

    made += [referrals.submit(om, p, derbyshire, _answers(p, a, om, om)) for p, a in chosen[5:]]
    upcoming = panels.plan(
        coordinator,
        derbyshire,
        derbyshire.meeting_types.get(kind=K.COUNTY_PANEL),
        today + timedelta(days=2),
        chair,
    )
    if len(made) > 6:
        referrals.flag_critical(
            officer, made[6], "Intelligence suggests a burglary series restarting."
        )
    if len(made) > 7:
        referrals.withdraw(om, made[7], "Moved out of the area before the panel.")
    panels.build_agenda(coordinator, upcoming)

    youths = pm.Person.objects.filter(date_of_birth__gt=date(today.year - 17, 1, 1)).order_by("pk")[
        :6
    ]
    pm.Person.objects.filter(pk__in=[p.pk for p in youths]).update(area=NOTTS_AREAS[0])
    youth_referrals = [
        referrals.submit(yjs, p, notts, _answers(p, a, yjs, yjs))
        for p, a in _assessed(notts, youths, today)
    ]
    for referral in youth_referrals[:4]:
        referrals.score(
            analyst,
            referral,
            override=referral is youth_referrals[0],
            override_reason="Linked to a county lines group by recent intelligence.",
        )
    selection = panels.plan(
        coordinator,
        notts,
        notts.meeting_types.get(kind=K.SELECTION),
        today + timedelta(days=7),
        chair,
    )
    panels.build_agenda(coordinator, selection)
    newcomer = adults.exclude(referrals__isnull=False).order_by("-pk").first()
    if newcomer is not None:
        arrival = pm.Movement(
            kind=pm.Movement.Kind.ARRIVED,
            on=today - timedelta(days=5),
            previous_scheme="IOM",
            note="Supervision transferred in from Nottinghamshire",
        )
        record_movement(officer, newcomer, arrival)
    automatic = open_due(today)
    return {
        "referrals": Referral.objects.count(),
        "automatic": sum(automatic.values()),
        "meetings": 3,
    }
