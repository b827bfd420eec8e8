"""Building blocks for the referral-to-decision tests: schemes, staff of several agencies, people."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from iom.accounts.models import Agency, AgencyKind, User
from iom.panels import services as panels
from iom.panels.models import Meeting
from iom.people import models as m
from iom.referrals import services as referrals
from iom.referrals.models import Referral
from iom.schemes.models import MeetingType, Scheme
from iom.web.demo_scheme import make_schemes

AGENCIES = {
    AgencyKind.POLICE: "Derbyshire Police",
    AgencyKind.PROBATION: "Probation East Midlands",
    AgencyKind.YOUTH_JUSTICE: "Youth Justice Service",
    AgencyKind.LOCAL_AUTHORITY: "County Council",
}
PASSWORD = "correct-horse-battery-staple"


def staff(role: str, kind: str, username: str | None = None) -> User:
    agency = Agency.objects.get_or_create(name=AGENCIES[kind], defaults={"kind": kind})[0]
    user = User.objects.create_user(
        username or f"{role}-{kind}",
        password=PASSWORD,
        role=role,
        agency=agency,
        email=f"{username or role}@example.org",
    )
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


def schemes() -> dict[str, Scheme]:
    return make_schemes()


def meeting_type(scheme: Scheme, kind: str) -> MeetingType:
    return scheme.meeting_types.get(kind=kind)


def person(local_id: str, born: date, **fields: Any) -> m.Person:
    return m.Person.objects.create(
        local_id=local_id,
        date_of_birth=born,
        area=fields.pop("area", "Derby City"),
        given_name=fields.pop("given_name", "Pat"),
        family_name=local_id,
        **fields,
    )


def conviction(p: m.Person, cid: str, code: str, on: date, **flags: Any) -> None:
    m.Conviction.objects.create(
        person=p, conviction_id=cid, offence_code=code, conviction_date=on, **flags
    )


def fixed_candidate(local_id: str = "FIX1", **fields: Any) -> m.Person:
    """An adult the Derbyshire rules put in the Fixed cohort: a recent burglary, OGRS 66, on probation."""
    p = person(local_id, date(1990, 1, 1), probation_current=True, **fields)
    conviction(p, "C1", "02803", timezone.localdate() - timedelta(days=30))
    m.OgrsEntry.objects.create(person=p, score=66, assessed_on=date(2025, 1, 1))
    return p


def answers(referrer: User, **extra: Any) -> dict[str, Any]:
    return {
        "iom_offer": "Joint management with housing support",
        "agency": referrer.agency,
        "offender_manager": referrer,
        **extra,
    }


def held_meeting(
    scheme: Scheme, kind: str, chair: User, attendees: list[User], held_on: date | None = None
) -> Meeting:
    meeting = panels.plan(
        chair, scheme, meeting_type(scheme, kind), held_on or timezone.localdate(), chair
    )
    panels.build_agenda(chair, meeting)
    panels.record_attendance(chair, meeting, attendees)
    return meeting


def listed(p: m.Person, scheme: Scheme, referrer: User) -> Referral:
    return referrals.submit(referrer, p, scheme, answers(referrer))
