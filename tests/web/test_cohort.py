"""Life on the scheme: the services (allocations, contacts, consent, intelligence checks, notice,
exit, the daily run), the casework arithmetic, the pages and letters, and `iom exits`."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from pypdf import PdfReader
from typer.testing import CliRunner

from iom.accounts.models import AgencyKind, Role, User
from iom.audit.models import AuditEvent
from iom.cases import models as cm
from iom.cases import queries, schedule
from iom.cases import services as cases
from iom.cli import app
from iom.errors import NotAllowed
from iom.notifications.models import Notification
from iom.people import models as pm
from iom.rules.dates import Duration
from iom.schemes.models import Scheme
from tests.web import test_referrals
from tests.web.workflow import person, schemes, staff

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
A = cm.Allocation.Kind


@pytest.fixture
def team() -> dict[str, User]:
    schemes()
    return {
        "coordinator": staff(Role.COORDINATOR, AgencyKind.POLICE, "coord"),
        "om": staff(Role.PROBATION_OM, AgencyKind.PROBATION, "om"),
        "other_om": staff(Role.PROBATION_OM, AgencyKind.PROBATION, "om2"),
        "officer": staff(Role.POLICE_IOM_OFFICER, AgencyKind.POLICE, "officer"),
        "intel": staff(Role.POLICE_INTELLIGENCE, AgencyKind.POLICE, "intel"),
        "chair": staff(Role.PANEL_CHAIR, AgencyKind.POLICE, "chair"),
        "yjs": staff(Role.YJS_CASE_MANAGER, AgencyKind.YOUTH_JUSTICE, "yjs"),
        "pcso": staff(Role.PCSO, AgencyKind.POLICE, "pcso"),
    }


def member(
    days_ago: int = 10, local_id: str = "M1", scheme: str = "derbyshire", **fields: object
) -> cm.Membership:
    born = fields.pop("born", date(1990, 1, 1))
    p = person(local_id, born, **fields)
    return cm.Membership.objects.create(
        person=p,
        scheme=Scheme.objects.get(slug=scheme),
        cohort="youth" if scheme == "nottinghamshire" else "fixed",
        start=TODAY - timedelta(days=days_ago),
    )


def allocated(team: dict[str, User], days_ago: int = 10, **fields: object) -> cm.Membership:
    m = member(days_ago, **fields)
    cases.allocate(team["coordinator"], m, A.OFFENDER_MANAGER, team["om"], m.start)
    cases.allocate(team["coordinator"], m, A.POLICE_OFFICER, team["officer"], m.start)
    return m


# The casework arithmetic, worked by hand.


def test_contacts_against_the_plan_by_hand() -> None:
    # Wednesday 18 November 2026. Plan: a home visit once a week, two office appointments a month.
    as_of = date(2026, 11, 18)
    plan = [schedule.PlanLine("home_visit", 1, "week"), schedule.PlanLine("office", 2, "month")]
    done = [
        schedule.ContactDone("home_visit", date(2026, 11, 2), True),  # week of 2 Nov
        schedule.ContactDone("home_visit", date(2026, 11, 10), True),  # week of 9 Nov
        schedule.ContactDone("home_visit", date(2026, 11, 16), False),  # this week, missed
        schedule.ContactDone("office", date(2026, 11, 5), True),
        schedule.ContactDone("office", date(2026, 10, 30), True),  # last month
    ]
    counted = schedule.this_week_and_month(plan, done, as_of)
    week = {s.kind: (s.expected, s.done, s.missing) for s in counted["week"]}
    month = {s.kind: (s.expected, s.done, s.missing) for s in counted["month"]}
    assert week == {"home_visit": (1, 0, 1)}
    # Mondays 2, 9 and 16 November have come: three home visits expected, two attended.
    assert month == {"home_visit": (3, 2, 1), "office": (2, 1, 1)}


def test_weeks_count_mondays_in_the_period() -> None:
    # November 2026 begins on a Sunday: its Mondays are the 2nd, 9th, 16th, 23rd and 30th.
    assert schedule.weeks_begun(date(2026, 11, 1), date(2026, 11, 30), date(2026, 11, 30)) == 5
    assert schedule.weeks_begun(date(2026, 11, 1), date(2026, 11, 30), date(2026, 11, 1)) == 0


def test_consent_is_overdue_after_fourteen_days() -> None:
    joined = date(2026, 11, 1)
    assert not schedule.consent_overdue(joined, False, date(2026, 11, 15))
    assert schedule.consent_overdue(joined, False, date(2026, 11, 16))
    assert not schedule.consent_overdue(joined, True, date(2026, 12, 31))


# The services.


def test_allocation_replaces_the_previous_worker_and_tells_the_new_one(
    team: dict[str, User],
) -> None:
    m = allocated(team)
    cases.allocate(team["coordinator"], m, A.OFFENDER_MANAGER, team["other_om"], TODAY)
    held = {(a.kind, a.worker.username, a.end) for a in m.allocations.all()}
    assert (A.OFFENDER_MANAGER, "om", TODAY) in held
    assert (A.OFFENDER_MANAGER, "om2", None) in held
    assert Notification.objects.filter(user=team["other_om"], link=f"/cohort/{m.pk}/").exists()
    assert m.events.filter(field=A.OFFENDER_MANAGER, old="om", new="om2").exists()


def test_allocations_by_role_youth_ones_on_a_youth_scheme_and_the_pcso_sets_the_marker(
    team: dict[str, User],
) -> None:
    adult = member()
    with pytest.raises(NotAllowed, match="does not hold that role"):
        cases.allocate(team["coordinator"], adult, A.OFFENDER_MANAGER, team["officer"], TODAY)
    with pytest.raises(NotAllowed, match="youth scheme"):
        cases.allocate(team["coordinator"], adult, A.YJS_PCSO, team["pcso"], TODAY)
    young = member(local_id="Y1", scheme="nottinghamshire", born=TODAY - timedelta(days=16 * 365))
    cases.allocate(team["coordinator"], young, A.YJS_PCSO, team["pcso"], TODAY)
    young.refresh_from_db()
    assert young.programme_marker
    assert young.events.filter(field="programme_marker", old="no", new="yes").exists()


def test_contacts_cannot_predate_joining_and_count_against_the_plan(team: dict[str, User]) -> None:
    m = allocated(team, days_ago=3)
    with pytest.raises(NotAllowed, match="before the member joined"):
        cases.record_contact(
            team["om"], m, on=m.start - timedelta(days=1), kind="office", outcome="attended"
        )
    cases.agree_plan(team["om"], m, [cases.PlanLineInput("office", 2, "week")], m.start)
    cases.agree_plan(team["om"], m, [cases.PlanLineInput("home_visit", 1, "week")], TODAY)
    assert [str(p) for p in m.contact_plan.filter(ended_on__isnull=True)] == [
        "Home visit once a week"
    ]
    assert m.contact_plan.filter(ended_on=TODAY).count() == 1  # the old line is kept, ended
    cases.record_contact(team["om"], m, on=TODAY, kind="home_visit", outcome="attended")
    (check,) = queries.against_plan([m], TODAY)
    assert [(s.kind, s.expected, s.done) for s in check.week] == [("home_visit", 1, 1)]
    assert [s.missing for s in check.week] == [0]


def test_consent_can_be_withdrawn_only_once_given(team: dict[str, User]) -> None:
    m = allocated(team)
    with pytest.raises(NotAllowed, match="only consent that was given"):
        cases.record_consent(team["om"], m, "withdrawn", TODAY, "")
    cases.record_consent(team["om"], m, "given", m.start, "Duty officer")
    cases.record_consent(team["om"], m, "withdrawn", TODAY, "")
    assert m.latest_consent().answer == "withdrawn"


def test_members_without_a_consent_answer_after_fourteen_days_are_listed(
    team: dict[str, User],
) -> None:
    late = member(days_ago=15, local_id="LATE")
    member(days_ago=14, local_id="NEW")
    answered = member(days_ago=40, local_id="DONE")
    cases.record_consent(team["om"], answered, "refused", answered.start, "")
    listed = queries.due(team["coordinator"], TODAY)["no_consent"]
    assert [m.person.local_id for m in listed] == [late.person.local_id]


def test_a_flagged_check_reaches_the_case_manager(team: dict[str, User]) -> None:
    m = allocated(team)
    entry = cases.record_intelligence(
        team["intel"], m.person, "Seen with X", "Patrol", "B2P", False
    )
    listing = queries.intelligence_to_check(TODAY, team["intel"])
    assert [
        e.pk for row in listing["Derbyshire County and Derby City IOM"] for e in row.entries
    ] == [entry.pk]
    with pytest.raises(NotAllowed, match="what the case manager needs to know"):
        cases.check_intelligence(team["intel"], m, entry, True, " ")
    cases.check_intelligence(team["intel"], m, entry, True, "Raise it at the home visit")
    assert queries.intelligence_to_check(TODAY, team["intel"]) == {}
    with pytest.raises(NotAllowed, match="already been checked"):
        cases.check_intelligence(team["intel"], m, entry, False, "")
    assert Notification.objects.filter(user=team["om"], text__contains="Intelligence flagged")
    assert not Notification.objects.filter(user=team["officer"]).exclude(text__contains="allocated")
    (flag,) = queries.unseen_flags(team["om"], [m])[m.pk]
    cases.mark_seen(team["om"], flag)
    assert queries.unseen_flags(team["om"], [m]) == {}


def test_restricted_intelligence_is_not_listed_for_another_agency(team: dict[str, User]) -> None:
    m = allocated(team)
    cases.record_intelligence(team["om"], m.person, "Probation only", "", "", True)
    assert queries.intelligence_to_check(TODAY, team["intel"]) == {}
    assert queries.intelligence_to_check(TODAY)  # the command lists every entry


def test_the_notice_is_given_only_when_due_and_starts_the_exit_period(
    team: dict[str, User],
) -> None:
    early = allocated(team, days_ago=30, local_id="EARLY")
    with pytest.raises(NotAllowed, match="not due"):
        cases.give_notice(team["om"], early, TODAY)
    due = allocated(team, days_ago=100, local_id="DUE")
    assert cases.step_for(due, TODAY).code == "exit_notice"
    cases.give_notice(team["om"], due, TODAY)
    due.refresh_from_db()
    assert due.status == cm.Membership.Status.EXIT_PERIOD
    assert due.notice_given_on == TODAY
    assert cases.step_for(due, TODAY).code == "exit_period"
    assert due.events.filter(field="status", old="Active", new="In exit period").exists()


def test_keeping_a_member_on_at_review_starts_the_count_again(team: dict[str, User]) -> None:
    """Before, a decision to stay left the review due for ever."""
    m = allocated(team, days_ago=200)
    cases.give_notice(team["om"], m, TODAY - timedelta(days=100))
    assert cases.step_for(m, TODAY).code == "exit_review"
    kept = cases.ExitInput("stay", "", True, "New intelligence on his associates", "", TODAY)
    cases.decide_exit(team["chair"], m, kept)
    m.refresh_from_db()
    assert m.status == cm.Membership.Status.ACTIVE
    step = cases.step_for(m, TODAY)
    assert (step.code, step.due_on) == ("stay", Duration.parse("P3M").after(TODAY))
    assert "the panel keeping the member on" in step.reasons[0].text
    assert cases.step_for(m, TODAY - timedelta(days=1)).code == "exit_review"  # as it was then


def test_an_exit_decision_ends_the_membership_and_its_allocations(team: dict[str, User]) -> None:
    m = allocated(team, days_ago=200)
    refused = cases.ExitInput("deselect", "positive_progress", True, "Doing well", "", TODAY)
    with pytest.raises(NotAllowed, match="police intelligence supports"):
        cases.decide_exit(team["chair"], m, refused)
    given = cases.ExitInput("deselect", "positive_progress", False, "Doing well", "Licence", TODAY)
    cases.decide_exit(team["chair"], m, given)
    m.refresh_from_db()
    assert (m.status, m.end_on, m.end_reason, m.ongoing_plan) == (
        "ended",
        TODAY,
        "positive_progress",
        "Licence",
    )
    assert not m.allocations.filter(end__isnull=True).exists()
    (ended,) = m.events.filter(field="status", new="Ended")
    assert ended.text == "Left the scheme: Positive progress. Doing well"
    with pytest.raises(NotAllowed, match="left the scheme"):
        cases.record_contact(team["om"], m, on=TODAY, kind="office", outcome="attended")
    # The member can join again later: a new episode.
    again = cm.Membership.objects.create(
        person=m.person, scheme=m.scheme, cohort="flex", start=TODAY
    )
    assert again.current


def test_the_daily_run_follows_custody_and_transfers(team: dict[str, User]) -> None:
    m = allocated(team, days_ago=60)
    m.person.custody.create(kind="remand", start=TODAY - timedelta(days=2))
    assert cases.bring_up_to_date(m, TODAY).code == "in_custody"
    m.refresh_from_db()
    assert m.status == "in_custody"
    events = m.events.count()
    cases.bring_up_to_date(m, TODAY)
    assert m.events.count() == events  # a rerun changes nothing
    m.person.custody.update(end=TODAY)
    cases.bring_up_to_date(m, TODAY)
    m.refresh_from_db()
    assert m.status == "active"
    m.person.movements.create(kind="transferred_out", on=TODAY - timedelta(days=1))
    assert cases.bring_up_to_date(m, TODAY).code == "transferred_out"
    m.refresh_from_db()
    assert (m.status, m.end_reason, m.end_on) == (
        "ended",
        "transferred_out",
        TODAY - timedelta(days=1),
    )


# The pages, letters and commands.


def signed_in_as(user: User) -> Client:
    """Signed in afresh (the same user may sign in twice in one test: no TOTP replay check)."""
    TOTPDevice.objects.filter(user=user).update(last_t=-1)
    return test_referrals.signed_in_as(user)


def pdf_text(content: bytes) -> str:
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())  # lines wrap by font


def test_the_pathway_statuses_are_offered_under_each_pathway(team: dict[str, User]) -> None:
    m = allocated(team)
    page = signed_in_as(team["om"]).get(f"/cohort/{m.pk}/").content.decode()
    assert '<optgroup label="Accommodation">' in page
    assert '<option value="accommodation:rough_sleeping">Rough sleeping</option>' in page
    assert "[(" not in page  # a group's choices once showed as a Python list


def test_member_page_for_an_allocated_worker_and_not_another(team: dict[str, User]) -> None:
    m = allocated(team)
    client = signed_in_as(team["om"])
    page = client.get(f"/cohort/{m.pk}/")
    assert page.status_code == 200
    assert "IOM: Derbyshire County and Derby City IOM, Fixed" in page.content.decode()
    assert "Consent not recorded" in page.content.decode()
    assert AuditEvent.objects.filter(
        record_type="membership", record_id=str(m.pk), operation="consultation"
    ).exists()
    posted = client.post(
        f"/cohort/{m.pk}/contacts",
        {"contact-on": TODAY.isoformat(), "contact-kind": "office", "contact-outcome": "attended"},
    )
    assert posted.status_code == 302
    assert m.contacts.count() == 1
    other = signed_in_as(team["other_om"])
    assert other.get(f"/cohort/{m.pk}/").status_code == 200  # may read
    refused = other.post(
        f"/cohort/{m.pk}/contacts",
        {"contact-on": TODAY.isoformat(), "contact-kind": "office", "contact-outcome": "attended"},
    )
    assert refused.status_code == 404
    assert m.contacts.count() == 1


def test_a_bad_form_names_the_field_and_keeps_the_page(team: dict[str, User]) -> None:
    m = allocated(team)
    client = signed_in_as(team["om"])
    page = client.post(f"/cohort/{m.pk}/contacts", {"contact-on": "2026-13-40"})
    assert page.status_code == 400
    text = page.content.decode()
    assert "Error:" in text
    assert "Enter a valid date" in text
    future = client.post(
        f"/cohort/{m.pk}/contacts",
        {
            "contact-on": (TODAY + timedelta(days=3)).isoformat(),
            "contact-kind": "office",
            "contact-outcome": "attended",
        },
    )
    assert "the date is in the future" in future.content.decode()


def test_youth_members_are_hidden_from_adult_only_roles(team: dict[str, User]) -> None:
    young = member(local_id="Y1", scheme="nottinghamshire", born=TODAY - timedelta(days=16 * 365))
    assert signed_in_as(team["om"]).get(f"/cohort/{young.pk}/").status_code == 404
    assert signed_in_as(team["yjs"]).get(f"/cohort/{young.pk}/").status_code == 200
    listed = signed_in_as(team["om"]).get("/cohort/").content.decode()
    assert "Pat Y1" not in listed  # the name: a bare "Y1" can turn up inside a CSRF token
    assert f"/cohort/{young.pk}/" not in listed


def test_the_cohort_filters_and_shows_who_has_no_allocation(team: dict[str, User]) -> None:
    allocated(team, local_id="HELD")
    member(local_id="ALONE")
    client = signed_in_as(team["coordinator"])
    everyone = client.get("/cohort/").content.decode()
    assert "HELD" in everyone
    assert "ALONE" in everyone
    assert "No allocation" in everyone
    alone = client.get("/cohort/?unallocated=on").content.decode()
    assert "ALONE" in alone
    assert "HELD" not in alone
    by_worker = client.get(f"/cohort/?worker={team['om'].pk}").content.decode()
    assert "HELD" in by_worker
    assert "ALONE" not in by_worker
    probation = team["om"].agency_id
    by_team = client.get(f"/cohort/?team={probation}").content.decode()
    assert "HELD" in by_team
    assert "ALONE" not in by_team
    mine = signed_in_as(team["om"]).get("/cohort/mine/").content.decode()
    assert "HELD" in mine
    assert "ALONE" not in mine


def test_the_letters_say_what_they_must(team: dict[str, User]) -> None:
    m = allocated(team, days_ago=100)
    client = signed_in_as(team["om"])
    consent = client.get(f"/people/{m.person.pk}/consent-letter.pdf")
    assert consent["Content-Type"] == "application/pdf"
    text = pdf_text(consent.content)
    for words in (
        "Crime and Disorder Act 1998",
        "Data Protection Act 2018",
        "Witness",
        "Signature",
    ):
        assert words in text
    assert "Probation East Midlands" in text  # the agencies working with the member
    notice = pdf_text(client.get(f"/cohort/{m.pk}/notice-letter.pdf").content)
    assert "considering whether you still need" in notice
    cases.decide_exit(
        team["chair"],
        m,
        cases.ExitInput("deselect", "positive_progress", False, "Well done", "Licence work", TODAY),
    )
    exit_letter = pdf_text(client.get(f"/cohort/{m.pk}/exit-letter.pdf").content)
    assert "positive progress" in exit_letter
    assert "Licence work" in exit_letter
    review = pdf_text(signed_in_as(team["coordinator"]).get(f"/cohort/{m.pk}/review.pdf").content)
    assert "Case review" in review
    assert "Positive progress" in review
    assert AuditEvent.objects.filter(operation="disclosure", record_type="membership").count() == 4


def test_iom_exits_prints_one_line_per_current_member(team: dict[str, User]) -> None:
    due = member(days_ago=100, local_id="DUE")
    member(days_ago=5, local_id="NEW")
    result = CliRunner().invoke(app, ["exits", "--as-of", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    lines = {row["person_id"]: row for row in map(json.loads, result.output.splitlines())}
    assert lines["DUE"]["next_step"] == "exit_notice"
    assert lines["DUE"]["membership_id"] == due.pk
    assert lines["DUE"]["evidence"]["counting_from"] == due.start.isoformat()
    assert lines["NEW"]["next_step"] == "stay"


def test_iom_intel_check_lists_unchecked_entries(team: dict[str, User]) -> None:
    m = member()
    entry = pm.IntelligenceFlag.objects.create(person=m.person, text="New", agency=None)
    result = CliRunner().invoke(app, ["intel-check", "--as-of", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    (line,) = map(json.loads, result.output.splitlines())
    assert (line["membership_id"], line["entries"]) == (m.pk, [entry.pk])


def test_the_check_page_and_a_flag_end_on_my_cohort(team: dict[str, User]) -> None:
    m = allocated(team)
    entry = cases.record_intelligence(team["intel"], m.person, "Seen at the station", "", "", False)
    intel: Client = signed_in_as(team["intel"])
    assert "Seen at the station" in intel.get("/intelligence/checks/").content.decode()
    intel.post(f"/intelligence/checks/{m.pk}/{entry.pk}", {"flagged": "on", "note": "Ask about it"})
    assert "Nothing new to check" in intel.get("/intelligence/checks/").content.decode()
    mine = signed_in_as(team["om"]).get("/cohort/mine/").content.decode()
    assert "Intelligence flagged" in mine
    assert "Ask about it" in mine


def test_what_is_due_and_a_caseload_cost_the_same_queries_for_any_number_of_members(
    team: dict[str, User],
) -> None:
    """Each member's next step reads prefetched records and one lookup of each scheme's rules."""

    def queries_for_due_and_caseload() -> int:
        with CaptureQueriesContext(connection) as captured:
            queries.due(team["coordinator"], TODAY)
            queries.steps(queries.caseload(team["om"]), TODAY)
        return len(captured.captured_queries)

    for n in range(2):
        allocated(team, local_id=f"Q{n}", days_ago=200 + n)
    two = queries_for_due_and_caseload()
    for n in range(2, 8):
        allocated(team, local_id=f"Q{n}", days_ago=200 + n)
    assert queries_for_due_and_caseload() == two


def test_a_long_list_read_names_every_person_in_the_access_log(team: dict[str, User]) -> None:
    """The event once kept only the first 2,000 characters of the ids shown."""
    scheme = Scheme.objects.get(slug="derbyshire")
    people = pm.Person.objects.bulk_create(
        pm.Person(local_id=f"L{n}", family_name=f"L{n}", date_of_birth=date(1990, 1, 1))
        for n in range(700)
    )
    cm.Membership.objects.bulk_create(
        cm.Membership(person=p, scheme=scheme, cohort="fixed", start=TODAY) for p in people
    )
    assert signed_in_as(team["coordinator"]).get("/cohort/").status_code == 200
    event = AuditEvent.objects.filter(description="read the cohort").latest("id")
    assert set(event.details.split(",")) == {str(p.pk) for p in people}
