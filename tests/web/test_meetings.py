"""Meetings: quorum, joint decisions, exceptions, deferral, the built agenda, minutes, actions."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from pypdf import PdfReader

from iom.accounts.models import AgencyKind, Role
from iom.audit.models import AuditEvent
from iom.cases.models import Membership
from iom.notifications.models import Notification
from iom.panels import services as panels
from iom.panels.models import Action, AgendaItem
from iom.people import models as m
from iom.referrals.models import Referral
from tests.web import workflow as w
from tests.web.test_referrals import signed_in_as

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
OPERATIONAL = "operational"


@pytest.fixture
def team(db: Any) -> dict[str, Any]:
    return {
        "scheme": w.schemes()["derbyshire"],
        "chair": w.staff(Role.PANEL_CHAIR, AgencyKind.POLICE),
        "om": w.staff(Role.PROBATION_OM, AgencyKind.PROBATION),
        "yjs": w.staff(Role.YJS_CASE_MANAGER, AgencyKind.YOUTH_JUSTICE),
        "council": w.staff(Role.COORDINATOR, AgencyKind.LOCAL_AUTHORITY),
        "officer": w.staff(Role.POLICE_IOM_OFFICER, AgencyKind.POLICE),
    }


def both(team: dict[str, Any]) -> list[int]:
    return [team["chair"].agency_id, team["om"].agency_id]


def test_no_decision_without_three_agencies(team: dict[str, Any]) -> None:
    referral = w.listed(w.fixed_candidate(), team["scheme"], team["om"])
    meeting = w.held_meeting(
        team["scheme"], OPERATIONAL, team["chair"], [team["chair"], team["om"], team["officer"]]
    )
    with pytest.raises(panels.NotAllowed, match="3 agencies must be present; 2 are"):
        panels.decide(
            team["chair"],
            meeting,
            referral,
            panels.Proposal("accept", "fixed", agreeing=both(team)),
        )
    assert not Membership.objects.exists()


def test_police_and_probation_decide_jointly(team: dict[str, Any]) -> None:
    referral = w.listed(w.fixed_candidate(), team["scheme"], team["om"])
    without_probation = w.held_meeting(
        team["scheme"], OPERATIONAL, team["chair"], [team["chair"], team["yjs"], team["council"]]
    )
    with pytest.raises(panels.NotAllowed, match="No probation attendee is present"):
        panels.decide(
            team["chair"], without_probation, referral, panels.Proposal("accept", "fixed")
        )
    with pytest.raises(panels.NotAllowed, match="No probation attendee is present"):
        panels.decide(
            team["chair"], without_probation, referral, panels.Proposal("decline", reason="No")
        )
    panels.record_attendance(
        team["chair"], without_probation, [team["chair"], team["yjs"], team["om"]]
    )
    with pytest.raises(panels.NotAllowed, match="probation attendees have not agreed"):
        panels.decide(
            team["chair"],
            without_probation,
            referral,
            panels.Proposal("accept", "fixed", agreeing=[team["chair"].agency_id]),
        )


def test_accepting_makes_a_member_and_tells_the_offender_manager_and_referrer(
    team: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    person = w.fixed_candidate()
    referral = w.listed(person, team["scheme"], team["officer"])
    referral.offender_manager = team["om"]
    referral.save()
    meeting = w.held_meeting(
        team["scheme"], OPERATIONAL, team["chair"], [team["chair"], team["om"], team["yjs"]]
    )
    with django_capture_on_commit_callbacks(execute=False) as emails:
        decision = panels.decide(
            team["chair"],
            meeting,
            referral,
            panels.Proposal("accept", "fixed", agreeing=both(team)),
        )
    assert mail.outbox == []  # the emails go once the decision is committed
    for send in emails:
        send()
    sent = sorted(message.to[0] for message in mail.outbox)
    assert sent == sorted([team["om"].email, team["officer"].email])
    referral.refresh_from_db()
    assert referral.state == Referral.State.ACCEPTED
    membership = Membership.objects.get(person=person)
    assert (membership.cohort, membership.start, membership.decision) == (
        "fixed",
        meeting.held_on,
        decision,
    )
    assert not membership.exception
    assert referral.assessments.filter(stage="decided").count() == 1
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == {team["om"].username, team["officer"].username}


def test_another_cohort_than_the_rules_needs_a_rationale(team: dict[str, Any]) -> None:
    referral = w.listed(w.fixed_candidate(), team["scheme"], team["om"])
    meeting = w.held_meeting(
        team["scheme"], OPERATIONAL, team["chair"], [team["chair"], team["om"], team["yjs"]]
    )
    with pytest.raises(panels.NotAllowed, match="rationale for a cohort other than the rules"):
        panels.decide(
            team["chair"], meeting, referral, panels.Proposal("accept", "flex", agreeing=both(team))
        )
    decision = panels.decide(
        team["chair"],
        meeting,
        referral,
        panels.Proposal(
            "accept", "flex", "Fits Flex better: prolific shop theft", agreeing=both(team)
        ),
    )
    assert (decision.cohort, decision.rules_cohort) == ("flex", "fixed")


def test_accepting_an_excluded_person_is_an_exception_with_reasons(team: dict[str, Any]) -> None:
    person = w.fixed_candidate(mappa_level=2)
    referral = w.listed(person, team["scheme"], team["om"])
    meeting = w.held_meeting(
        team["scheme"], OPERATIONAL, team["chair"], [team["chair"], team["om"], team["yjs"]]
    )
    with pytest.raises(panels.NotAllowed, match="This is an exception"):
        panels.decide(
            team["chair"], meeting, referral, panels.Proposal("accept", "", agreeing=both(team))
        )
    decision = panels.decide(
        team["chair"],
        meeting,
        referral,
        panels.Proposal(
            "accept",
            "flex",
            "MAPPA 2 for an old offence; the current offending is acquisitive",
            agreeing=both(team),
        ),
    )
    assert decision.exception
    assert "MAPPA_LEVEL_2_3" in decision.exclusions
    membership = Membership.objects.get(person=person)
    assert membership.exception
    assert membership.exception_agencies == sorted(
        [team["chair"].agency.name, team["om"].agency.name]
    )
    page = signed_in_as(team["officer"]).get(f"/people/{person.pk}/").content.decode()
    assert "an agreed exception" in page


def test_the_selection_meeting_needs_its_chair(db: Any) -> None:
    notts = w.schemes()["nottinghamshire"]
    case_manager = w.staff(Role.YJS_CASE_MANAGER, AgencyKind.YOUTH_JUSTICE)
    coordinator = w.staff(Role.COORDINATOR, AgencyKind.POLICE)
    probation = w.staff(Role.PROBATION_OM, AgencyKind.PROBATION)
    meeting = w.held_meeting(
        notts, "selection", coordinator, [coordinator, case_manager, probation]
    )
    assert "The chair must be the Panel chair" in panels.quorum_problems(meeting)


def test_a_deferred_referral_comes_back_on_or_after_its_date(team: dict[str, Any]) -> None:
    referral = w.listed(w.fixed_candidate(), team["scheme"], team["om"])
    people = [team["chair"], team["om"], team["yjs"]]
    first = w.held_meeting(team["scheme"], OPERATIONAL, team["chair"], people)
    panels.decide(
        team["chair"],
        first,
        referral,
        panels.Proposal("defer", defer_to=TODAY + timedelta(days=14)),
    )
    too_soon = w.held_meeting(
        team["scheme"], OPERATIONAL, team["chair"], people, TODAY + timedelta(days=7)
    )
    assert not too_soon.agenda.filter(referral=referral).exists()
    due = w.held_meeting(
        team["scheme"], OPERATIONAL, team["chair"], people, TODAY + timedelta(days=14)
    )
    assert due.agenda.filter(referral=referral).exists()
    panels.decide(
        team["chair"], due, referral, panels.Proposal("accept", "fixed", agreeing=both(team))
    )
    assert Membership.objects.filter(person=referral.person).exists()


def member(local_id: str, scheme: Any, cohort: str, start: date, **fields: Any) -> m.Person:
    person = w.person(local_id, date(1990, 1, 1), **fields)
    Membership.objects.create(person=person, scheme=scheme, cohort=cohort, start=start)
    return person


def test_the_agenda_prompts_exits_releases_and_warns_on_cohort_mix(team: dict[str, Any]) -> None:
    scheme = team["scheme"]
    member("QUIET", scheme, "fixed", TODAY - timedelta(days=200))
    member("NOTICE", scheme, "flex", TODAY - timedelta(days=100))
    away = member("AWAY", scheme, "flex", TODAY - timedelta(days=10), area="Leeds")
    inside = member("INSIDE", scheme, "flex", TODAY - timedelta(days=300))
    m.CustodyPeriod.objects.create(
        person=inside, kind="sentence", start=TODAY - timedelta(days=30), sentence_days=1460
    )
    leaving = member("LEAVING", scheme, "fixed", TODAY - timedelta(days=300))
    m.CustodyPeriod.objects.create(
        person=leaving, kind="sentence", start=TODAY - timedelta(days=170), sentence_days=360
    )
    meeting = w.held_meeting(scheme, OPERATIONAL, team["chair"], [])
    kinds = {(i.kind, i.title) for i in meeting.agenda.all()}
    assert (AgendaItem.Kind.EXIT_REVIEW, "Pat QUIET") in kinds
    assert (AgendaItem.Kind.EXIT_NOTICE, "Pat NOTICE") in kinds
    assert (AgendaItem.Kind.MOVED_AWAY, str(away)) in kinds
    assert (AgendaItem.Kind.CUSTODY, str(inside)) in kinds
    assert (AgendaItem.Kind.RELEASE, str(leaving)) in kinds
    mix = meeting.agenda.get(kind=AgendaItem.Kind.COMPOSITION)
    assert mix.warning
    assert "Fixed is 40% of members" in mix.detail
    assert "below the 60%" in mix.detail


def test_minutes_as_a_pdf_hold_the_decisions_and_the_download_is_logged(
    team: dict[str, Any],
) -> None:
    person = w.fixed_candidate(given_name="Morgan")
    referral = w.listed(person, team["scheme"], team["om"])
    meeting = w.held_meeting(
        team["scheme"], OPERATIONAL, team["chair"], [team["chair"], team["om"], team["yjs"]]
    )
    panels.decide(
        team["chair"], meeting, referral, panels.Proposal("accept", "fixed", agreeing=both(team))
    )
    panels.raise_action(
        team["chair"],
        "Book a joint home visit",
        team["officer"],
        TODAY + timedelta(days=3),
        meeting,
    )
    response = signed_in_as(team["om"]).get(f"/meetings/{meeting.pk}/minutes.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(response.content)).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())  # lines wrap by font
    assert "Morgan FIX1: Accepted, Fixed cohort" in text
    assert "Book a joint home visit" in text
    assert "What the rules said on" in text
    assert "Probation East Midlands" in text
    assert AuditEvent.objects.filter(
        operation="disclosure", record_type="minutes", record_id=str(meeting.pk)
    ).exists()


def test_my_actions_overdue_first_and_only_mine_to_update(team: dict[str, Any]) -> None:
    officer = team["officer"]
    later = panels.raise_action(team["chair"], "Later job", officer, TODAY + timedelta(days=9))
    late = panels.raise_action(team["chair"], "Late job", officer, TODAY - timedelta(days=2))
    assert Notification.objects.filter(user=officer).count() == 2
    client = signed_in_as(officer)
    response = client.get("/actions/")
    page = response.content.decode()
    assert page.index("Late job") < page.index("Later job")
    assert "Overdue" in page
    client.post(f"/actions/{late.pk}/update", {"status": "done", "text": "Visited"})
    late.refresh_from_db()
    assert late.status == Action.Status.DONE
    someone_else = panels.raise_action(team["chair"], "Not theirs", team["om"], TODAY)
    assert client.post(f"/actions/{someone_else.pk}/update", {"status": "done"}).status_code == 404
    assert later.status == Action.Status.OPEN


def test_the_chair_records_attendance_and_a_decision_in_the_browser_forms(
    team: dict[str, Any],
) -> None:
    referral = w.listed(w.fixed_candidate(), team["scheme"], team["om"])
    meeting = w.held_meeting(team["scheme"], OPERATIONAL, team["chair"], [])
    client = signed_in_as(team["chair"])
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "No decision can be recorded yet: 3 agencies must be present; 0 are" in page
    present = [team["chair"].pk, team["om"].pk, team["yjs"].pk]
    assert (
        client.post(f"/meetings/{meeting.pk}/attendance", {"present": present}).status_code == 302
    )
    refused = client.post(
        f"/meetings/{meeting.pk}/decisions",
        {"referral": referral.pk, "outcome": "accept", "cohort": "fixed"},
    )
    assert refused.status_code == 400
    assert "The police attendees have not agreed" in refused.content.decode()
    done = client.post(
        f"/meetings/{meeting.pk}/decisions",
        {
            "referral": referral.pk,
            "outcome": "accept",
            "cohort": "fixed",
            "agreeing": both(team),
        },
    )
    assert done.status_code == 302
    assert Membership.objects.filter(person=referral.person).exists()


def test_a_system_administrator_edits_a_meeting_type_and_it_is_logged(team: dict[str, Any]) -> None:
    admin = w.staff(Role.SYSTEM_ADMIN, AgencyKind.LOCAL_AUTHORITY)
    kind = w.meeting_type(team["scheme"], OPERATIONAL)
    client = signed_in_as(admin)
    response = client.post(
        f"/schemes/meeting-types/{kind.pk}/edit",
        {
            "name": kind.name,
            "kind": kind.kind,
            "cadence": "Weekly",
            "quorum_agencies": 4,
            "decides_referrals": "on",
            "agreeing_agencies": ["police", "probation"],
            "chair_role": "",
        },
    )
    assert response.status_code == 302
    kind.refresh_from_db()
    assert (kind.cadence, kind.quorum_agencies) == ("Weekly", 4)
    event = AuditEvent.objects.get(record_type="meeting type", record_id=str(kind.pk))
    assert "quorum_agencies" in event.description
    scheme = team["scheme"]
    response = client.post(
        f"/schemes/{scheme.pk}/edit",
        {
            "name": scheme.name,
            "policy_id": "nottinghamshire-yjs-2022",  # ignored: rules change through the what-if
            "areas_text": "Derby City\nDerbyshire County\nPeak District",
            "referral_lookback_days": 60,
        },
    )
    assert response.status_code == 302
    scheme.refresh_from_db()
    assert scheme.areas == ["Derby City", "Derbyshire County", "Peak District"]
    assert scheme.referral_lookback_days == 60
    assert scheme.policy_id == "derbyshire-2021"


def test_a_childs_critical_case_is_hidden_from_adult_only_roles(team: dict[str, Any]) -> None:
    """One rule for the meeting page and the minutes: an item about a child is for the roles that
    read referrals about children."""
    child = w.person("KID", TODAY.replace(year=TODAY.year - 15, day=1))
    meeting = w.held_meeting(team["scheme"], OPERATIONAL, team["chair"], [])
    panels.add_critical_case(team["chair"], meeting, child, "Missing from home twice this week")
    hidden = signed_in_as(team["om"])
    assert "Pat KID" not in hidden.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Pat KID" not in hidden.get(f"/meetings/{meeting.pk}/minutes").content.decode()
    shown = signed_in_as(team["yjs"])
    assert "Pat KID" in shown.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Pat KID" in shown.get(f"/meetings/{meeting.pk}/minutes").content.decode()


def test_reading_and_clearing_notices_and_actions_are_logged(team: dict[str, Any]) -> None:
    panels.raise_action(team["chair"], "Visit", team["officer"], TODAY)
    client = signed_in_as(team["officer"])
    client.get("/")
    client.get("/actions/")
    client.post("/notifications/read")
    logged = set(
        AuditEvent.objects.filter(username=team["officer"].username).values_list(
            "record_type", "operation"
        )
    )
    assert {
        ("start page", "consultation"),
        ("actions", "consultation"),
        ("notifications", "alteration"),
    } <= logged
    assert not Notification.objects.filter(user=team["officer"], read_at__isnull=True).exists()
