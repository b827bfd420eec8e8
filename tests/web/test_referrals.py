"""Referrals: the form, what the rules said kept unchanged, scoring on the matrix, states, automatic referrals."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from iom.accounts.models import AgencyKind, Role
from iom.accounts.services import make_token
from iom.audit.models import AuditEvent
from iom.cases.models import Membership
from iom.errors import NotAllowed
from iom.notifications.models import Notification
from iom.people import models as m
from iom.referrals import services
from iom.referrals.automatic import open_due
from iom.referrals.models import Referral, StoredAssessment
from tests.web import workflow as w
from tests.web.conftest import code_for

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def signed_in_as(user: Any) -> Client:
    client = Client()
    client.post("/accounts/sign-in", {"username": user.username, "password": w.PASSWORD})
    assert client.post("/accounts/sign-in/code", {"code": code_for(user)}).status_code == 302
    return client


def test_submitting_stores_what_the_rules_said_and_lists_for_a_meeting() -> None:
    scheme = w.schemes()["derbyshire"]
    om = w.staff(Role.PROBATION_OM, AgencyKind.PROBATION)
    person = w.fixed_candidate()
    referral = services.submit(om, person, scheme, w.answers(om))
    assert referral.state == Referral.State.LISTED
    stored = referral.assessments.get(stage=StoredAssessment.Stage.SUBMITTED)
    assert stored.assessment["outcome"] == "eligible"
    assert stored.assessment["cohort"] == "fixed"
    assert stored.assessment["versions"]["policy"].startswith("derbyshire-2021@")
    assert [e.state for e in referral.events.all()] == ["submitted", "listed"]
    assert (
        AuditEvent.objects.filter(record_type="referral", record_id=str(referral.pk)).count() == 2
    )
    with pytest.raises(NotAllowed, match="already has an open referral"):
        services.submit(om, person, scheme, w.answers(om))


def test_the_stored_assessment_stays_as_it_was_when_the_record_changes() -> None:
    scheme = w.schemes()["derbyshire"]
    om = w.staff(Role.PROBATION_OM, AgencyKind.PROBATION)
    person = w.fixed_candidate()
    referral = services.submit(om, person, scheme, w.answers(om))
    before = dict(referral.assessments.get().assessment)
    m.Person.objects.filter(pk=person.pk).update(mappa_level=2)  # now excluded
    client = signed_in_as(om)
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert referral.assessments.get().assessment == before
    assert "The rules say something different now" in page
    assert "outcome was eligible, now excluded" in page
    assert "exclusions was none, now managed at MAPPA level 2 or 3" in page


def test_the_form_shows_computed_figures_and_requires_the_iom_offer() -> None:
    scheme = w.schemes()["derbyshire"]
    om = w.staff(Role.PROBATION_OM, AgencyKind.PROBATION)
    person = w.fixed_candidate()
    client = signed_in_as(om)
    page = client.get(f"/referrals/new/?person={person.pk}&scheme={scheme.pk}").content.decode()
    assert "Figures from the rules" in page
    assert "They cannot be typed over" in page
    assert 'name="ogrs"' not in page
    assert 'name="css_score"' not in page
    response = client.post(
        f"/referrals/new/?person={person.pk}&scheme={scheme.pk}",
        {"agency": om.agency_id, "referred_on": TODAY.isoformat(), "cohort_sought": "flex"},
    )
    page = response.content.decode()
    assert "iom_offer" in page
    assert "Enter what IOM will offer beyond what is already in place" in page
    assert "This field is required" not in page
    assert "For Flex, say which other ways of managing were explored" in page
    assert not Referral.objects.exists()
    response = client.post(
        f"/referrals/new/?person={person.pk}&scheme={scheme.pk}",
        {
            "agency": om.agency_id,
            "referred_on": TODAY.isoformat(),
            "cohort_sought": "fixed",
            "iom_offer": "Daily contact and a housing place",
            "factors": ["accommodation"],
        },
    )
    referral = Referral.objects.get()
    assert response["Location"] == f"/referrals/{referral.pk}/"
    assert referral.factors == ["accommodation"]


def youth_setup() -> tuple[Any, Any, Any]:
    scheme = w.schemes()["nottinghamshire"]
    case_manager = w.staff(Role.YJS_CASE_MANAGER, AgencyKind.YOUTH_JUSTICE)
    analyst = w.staff(Role.MAIT_ANALYST, AgencyKind.POLICE)
    return scheme, case_manager, analyst


def young(local_id: str, *codes: str) -> m.Person:
    p = w.person(local_id, TODAY.replace(year=TODAY.year - 16, day=1), area="Nottingham City")
    for n, code in enumerate(codes):
        w.conviction(p, f"C{n}", code, TODAY - timedelta(days=60 + n))
    return p


def test_matrix_scoring_lists_at_the_threshold_or_on_the_override() -> None:
    scheme, case_manager, analyst = youth_setup()
    high = services.submit(
        case_manager, young("Y1", "03401", "03401", "03401"), scheme, w.answers(case_manager)
    )
    low = services.submit(case_manager, young("Y2", "03401"), scheme, w.answers(case_manager))
    override = services.submit(case_manager, young("Y3"), scheme, w.answers(case_manager))
    assert high.state == low.state == Referral.State.SUBMITTED
    services.score(analyst, high, False, "")
    services.score(analyst, low, False, "")
    with pytest.raises(NotAllowed, match="intelligence"):
        services.score(analyst, override, True, "  ")
    services.score(analyst, override, True, "Seen with a county lines group twice this month")
    assert high.state == Referral.State.LISTED
    assert override.state == Referral.State.LISTED
    assert low.state == Referral.State.NOT_PROGRESSED
    assert "below the threshold" in low.closed_reason
    told = Notification.objects.get(user=case_manager)
    assert "not progressed" in told.text
    assert high.assessments.get(stage="scored").assessment["matrix_score"] >= 15


def test_a_withdrawn_referral_says_why_and_frees_the_person() -> None:
    scheme = w.schemes()["derbyshire"]
    om = w.staff(Role.PROBATION_OM, AgencyKind.PROBATION)
    person = w.fixed_candidate()
    referral = services.submit(om, person, scheme, w.answers(om))
    with pytest.raises(NotAllowed):
        services.withdraw(om, referral, "")
    services.withdraw(om, referral, "Moved away")
    assert referral.state == Referral.State.WITHDRAWN
    services.submit(om, person, scheme, w.answers(om))  # a new referral is possible again


def test_referrals_about_children_are_hidden_from_adult_only_roles() -> None:
    scheme, case_manager, _ = youth_setup()
    referral = services.submit(case_manager, young("Y1", "03401"), scheme, w.answers(case_manager))
    probation = signed_in_as(w.staff(Role.PROBATION_OM, AgencyKind.PROBATION))
    assert probation.get(f"/referrals/{referral.pk}/").status_code == 404
    assert "Pat Y1" not in probation.get("/referrals/").content.decode()  # not a bare "Y1": tokens
    chair = signed_in_as(w.staff(Role.PANEL_CHAIR, AgencyKind.POLICE))
    assert chair.get(f"/referrals/{referral.pk}/").status_code == 200


def test_a_role_barred_from_youth_referrals_cannot_make_one() -> None:
    """Not by choosing the youth scheme for an adult it may see, on the page or through the API."""
    scheme, _, _ = youth_setup()
    adult = w.fixed_candidate()
    om = w.staff(Role.PROBATION_OM, AgencyKind.PROBATION)
    page = signed_in_as(om).get(f"/referrals/new/?person={adult.pk}&scheme={scheme.pk}")
    assert page.status_code == 404
    key = make_token(om, "case system", 30)[1]
    given = {"person_id": adult.local_id, "scheme": scheme.slug, "iom_offer": "Support"}
    made = Client().post(
        "/api/referrals", given, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert made.status_code == 404
    assert not Referral.objects.filter(scheme=scheme).exists()


# Automatic referrals


def test_automatic_referrals_open_once_per_person_and_scheme() -> None:
    w.schemes()
    candidate = w.fixed_candidate("AUTO1")
    tagged = w.person("TAG1", date(1985, 5, 5), em_acquisitive_tag=True)
    m.CustodyPeriod.objects.create(
        person=tagged,
        kind="sentence",
        start=TODAY - timedelta(days=400),
        end=TODAY - timedelta(days=10),
        sentence_days=730,
    )
    first = open_due(TODAY)
    assert first["Screening candidate"] >= 1
    assert first["Released on the acquisitive crime GPS tag"] == 1
    assert (
        Referral.objects.filter(person=candidate, trigger="screening", state="draft").count() == 1
    )
    assert open_due(TODAY) == {}
    Referral.objects.filter(person=candidate).update(state="withdrawn")
    assert open_due(TODAY + timedelta(days=30)).get("Screening candidate", 0) == 0  # within 90 days
    assert open_due(TODAY + timedelta(days=120))["Screening candidate"] >= 1


def test_each_run_keeps_the_latest_screening_on_the_drafts() -> None:
    scheme = w.schemes()["derbyshire"]
    person = w.fixed_candidate("AUTO3")
    open_due(TODAY)
    draft = Referral.objects.get(person=person, scheme=scheme)
    assert draft.latest_screening() is not None
    assert (draft.screening.outcome, draft.screening.cohort) == ("eligible", "fixed")
    assert (draft.screening.priority_tier, draft.screening.ogrs) == (1, 66.0)
    assert draft.trigger_detail == f"Screening on {TODAY:%-d %B %Y}: eligible for the Fixed cohort"
    # off probation, a new OGRS, and a move out of the area: the draft is still screened
    m.OgrsEntry.objects.create(person=person, score=91, assessed_on=TODAY)
    m.Person.objects.filter(pk=person.pk).update(area="Leeds", probation_current=False)
    assert open_due(TODAY + timedelta(days=1)) == {}
    draft.refresh_from_db()
    assert (draft.screening.outcome, draft.screening.cohort) == ("consider", "flex")
    assert (draft.screening.screened_on, draft.screening.ogrs) == (TODAY + timedelta(days=1), 91)
    logged = AuditEvent.objects.filter(record_type="referral", operation="alteration")
    assert str(draft.pk) in logged.latest("id").details


def test_a_block_of_drafts_that_fails_leaves_nothing_and_a_rerun_opens_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    w.schemes()
    for k in range(5):
        w.fixed_candidate(f"BLOCK{k}")
    monkeypatch.setattr(services, "OPENED_AT_ONCE", 2)
    written = services.record_many

    def fail_on_the_second_block(user: Any, entries: list[Any]) -> None:
        if Referral.objects.count() > 2:
            raise RuntimeError("the database went away")
        written(user, entries)

    monkeypatch.setattr(services, "record_many", fail_on_the_second_block)
    with pytest.raises(RuntimeError):
        open_due(TODAY)
    assert Referral.objects.count() == 2  # the first block, whole; nothing of the second
    assert AuditEvent.objects.filter(description__startswith="automatic referral").count() == 2
    monkeypatch.setattr(services, "record_many", written)
    assert open_due(TODAY)["Screening candidate"] == 3
    assert open_due(TODAY) == {}
    assert Referral.objects.filter(screening__screened_on=TODAY).count() == 5


@pytest.mark.django_db(transaction=True)  # the worker closes its database connection when done
def test_the_coordinators_button_queues_the_run_and_the_worker_tells_them() -> None:
    from django.core.management import call_command

    w.schemes()
    w.fixed_candidate("AUTO4")
    coordinator = w.staff(Role.COORDINATOR, AgencyKind.POLICE)
    client = signed_in_as(coordinator)
    response = client.post("/referrals/automatic", follow=True)
    assert "are being opened" in response.content.decode()
    assert not Referral.objects.exists()  # queued, not run in the request
    call_command("db_worker", batch=True, verbosity=0)
    assert Referral.objects.filter(person__local_id="AUTO4", state="draft").count() == 1
    told = Notification.objects.get(user=coordinator)
    assert told.text == f"Automatic referrals opened for {TODAY:%-d %B %Y}: 1 screening candidate"
    assert told.link == "/referrals/?state=draft"


def test_a_young_member_turning_18_is_referred_to_the_adult_scheme() -> None:
    found = w.schemes()
    adult_scheme, youth_scheme = found["derbyshire"], found["nottinghamshire"]
    soon = w.person(
        "TURN18", TODAY.replace(year=TODAY.year - 18) + timedelta(days=10), area="Derby City"
    )
    Membership.objects.create(
        person=soon, scheme=youth_scheme, cohort="youth", start=TODAY - timedelta(days=200)
    )
    opened = open_due(TODAY)
    assert opened["Young person turning 18 or moving to adult services"] == 1
    referral = Referral.objects.get(person=soon, scheme=adult_scheme)
    assert referral.trigger == Referral.Trigger.TURNING_ADULT
    assert "Turns 18 on" in referral.trigger_detail


def test_iom_referrals_auto_prints_how_many_of_each(tmp_path: Any) -> None:
    from tests.helpers import development_env, migrated, run_iom

    env = migrated(development_env(tmp_path))
    done = run_iom("referrals", "auto", "--as-of", "2026-11-26", env=env)
    assert done.returncode == 0, done.stderr
    assert "0 referrals opened" in done.stdout


def test_a_draft_automatic_referral_is_completed_by_staff(
    django_capture_on_commit_callbacks: Any,
) -> None:
    w.schemes()
    w.fixed_candidate("AUTO2")
    open_due(TODAY)
    referral = Referral.objects.get(person__local_id="AUTO2")
    om = w.staff(Role.PROBATION_OM, AgencyKind.PROBATION)
    client = signed_in_as(om)
    with django_capture_on_commit_callbacks(execute=True):  # any email would be sent here
        response = client.post(
            f"/referrals/{referral.pk}/complete",
            {
                "agency": om.agency_id,
                "referred_on": TODAY.isoformat(),
                "cohort_sought": "fixed",
                "iom_offer": "Mentoring and a tenancy",
            },
        )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.state == Referral.State.LISTED
    assert referral.referrer == om
    assert mail.outbox == []  # nobody is told until there is a decision


def test_an_arrival_from_ppo_or_iom_elsewhere_is_referred() -> None:
    w.schemes()
    officer = w.staff(Role.POLICE_IOM_OFFICER, AgencyKind.POLICE)
    newcomer = w.person("NEW1", date(1992, 3, 3))
    stayer = w.person("NEW2", date(1993, 3, 3))
    client = signed_in_as(officer)
    recorded = client.post(
        f"/people/{newcomer.pk}/movements",
        {
            "kind": "arrived",
            "on": (TODAY - timedelta(days=5)).isoformat(),
            "previous_scheme": "PPO",
            "note": "Transferred from West Yorkshire",
        },
    )
    assert recorded.status_code == 302
    client.post(
        f"/people/{stayer.pk}/movements",
        {"kind": "arrived", "on": TODAY.isoformat(), "previous_scheme": ""},
    )
    future = client.post(
        f"/people/{stayer.pk}/movements",
        {"kind": "arrived", "on": (TODAY + timedelta(days=3)).isoformat()},
    )
    assert future.status_code == 400
    assert AuditEvent.objects.filter(
        record_type="person", record_id=str(newcomer.pk), operation="alteration"
    ).exists()
    opened = open_due(TODAY)
    assert opened["Arrived from another area, on PPO or IOM there"] == 1
    referral = Referral.objects.get(person=newcomer)
    assert "PPO" in referral.trigger_detail
    assert not Referral.objects.filter(person=stayer).exists()


def test_a_young_member_moved_to_adult_services_is_referred_to_the_adult_scheme() -> None:
    found = w.schemes()
    moved = w.person("MOVED", TODAY.replace(year=TODAY.year - 17, day=1), area="Derby City")
    Membership.objects.create(
        person=moved,
        scheme=found["nottinghamshire"],
        cohort="youth",
        start=TODAY - timedelta(days=90),
    )
    assert open_due(TODAY) == {}
    m.Movement.objects.create(person=moved, kind="adult_services", on=TODAY - timedelta(days=1))
    assert open_due(TODAY)["Young person turning 18 or moving to adult services"] == 1
    referral = Referral.objects.get(person=moved, scheme=found["derbyshire"])
    assert referral.trigger_detail.startswith("Moved to adult services on")
