"""The start page by role: candidates to refer (ranked), what is due, a worker's cohort, scoring,
meetings, and the reports for the governance roles."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from iom.accounts.models import Role, User
from iom.audit.models import AuditEvent
from iom.cases.models import Allocation, Membership
from iom.people import models as m
from iom.referrals.automatic import open_due
from iom.referrals.models import Referral
from tests.web import workflow as w

pytestmark = pytest.mark.django_db


def test_the_coordinator_sees_candidates_ranked_as_the_screen_ranks_them(
    signed_in: Callable[[str], Client],
) -> None:
    scheme = w.schemes()["derbyshire"]
    today = timezone.localdate()
    # A Flex candidate (OGRS 55, no Table 1 offence: consider) and a Fixed one (eligible); the
    # eligible one comes first although its draft is newer.
    flex = w.person("FLEX1", date(1990, 1, 1), given_name="Fran")
    w.conviction(flex, "C1", "00806", today - timedelta(days=40))
    m.OgrsEntry.objects.create(person=flex, score=55, assessed_on=date(2025, 1, 1))
    fixed = w.fixed_candidate(given_name="Fred")
    assert open_due(today)["Screening candidate"] == 2
    # a draft from before the daily run kept its screening: ranked last until the next run
    unscreened = w.person("OLD1", date(1991, 1, 1), given_name="Olive")
    Referral.objects.create(person=unscreened, scheme=scheme, trigger=Referral.Trigger.SCREENING)
    page = signed_in(Role.COORDINATOR).get("/").content.decode()
    assert "3 people the rules select are not yet referred" in page
    assert page.index("Fred FIX1") < page.index("Fran FLEX1") < page.index("Olive OLD1")
    assert "Eligible, Fixed" in page
    assert "Consider, Flex" in page
    assert "Not screened yet" in page
    assert f"screened on {today:%-d %B %Y}" in page
    assert "What is due on the cohort" in page
    event = AuditEvent.objects.filter(record_type="start page").latest("id")
    assert str(fixed.pk) in event.details


def test_a_worker_sees_their_cohort_and_not_the_candidates(
    signed_in: Callable[[str], Client],
) -> None:
    scheme = w.schemes()["derbyshire"]
    client = signed_in(Role.PROBATION_OM)
    worker = User.objects.get(username=f"user-{Role.PROBATION_OM}")
    person = w.person("MEM1", date(1990, 1, 1), given_name="Mo")
    member = Membership.objects.create(
        person=person,
        scheme=scheme,
        cohort="fixed",
        start=timezone.localdate() - timedelta(days=20),
    )
    Allocation.objects.create(
        membership=member, kind="offender_manager", worker=worker, start=member.start
    )
    page = client.get("/").content.decode()
    assert "Your cohort" in page
    assert "Mo MEM1" in page
    assert "Screening candidates" not in page


def test_the_governance_analyst_sees_the_reports(signed_in: Callable[[str], Client]) -> None:
    page = signed_in(Role.GOVERNANCE_ANALYST).get("/").content.decode()
    assert 'href="/impact/"' in page
    assert 'href="/reports/sig/"' in page
    assert "Find a person" not in page


def test_the_person_page_puts_the_users_own_scheme_first(
    signed_in: Callable[[str], Client], adult: m.Person
) -> None:
    schemes = w.schemes()
    client = signed_in(Role.YJS_CASE_MANAGER)
    user = User.objects.get(username=f"user-{Role.YJS_CASE_MANAGER}")
    page = client.get(f"/people/{adult.pk}/").content.decode()
    derby, notts = "Derbyshire County and Derby City IOM:", "Nottinghamshire YJS IOM:"
    assert page.index(derby) < page.index(notts)  # by name, with no scheme of one's own
    user.schemes.add(schemes["nottinghamshire"])
    page = client.get(f"/people/{adult.pk}/").content.decode()
    assert page.index(notts) < page.index(derby)


def test_ranking_the_candidates_costs_the_same_queries_for_any_number(
    make_user: Callable[..., User],
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from iom.web.start import candidates

    w.schemes()
    coordinator = make_user(Role.COORDINATOR)

    def queries_for_drafts(n: int) -> int:
        for k in range(n):
            w.fixed_candidate(f"RANK{m.Person.objects.count()}-{k}")
        open_due(timezone.localdate())
        with CaptureQueriesContext(connection) as captured:
            found, total = candidates(coordinator)
        assert len(found) == total
        return len(captured.captured_queries)

    assert queries_for_drafts(2) == queries_for_drafts(6)
