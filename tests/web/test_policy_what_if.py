"""Policy what-ifs in the app: who a change would bring in, and activation only after seeing it."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from iom.accounts.models import Role
from iom.audit.models import AuditEvent
from iom.people import models as m
from iom.people.records import assessment_now
from iom.schemes.models import PolicyVersion, Scheme
from iom.web.demo_scheme import make_schemes

pytestmark = pytest.mark.django_db


def scheme_with_a_borderline_person() -> Scheme:
    """CSS 1,092 + 127 = 1,219, no OGRS, no Table 1 offence: not eligible at the strategy's 1,500,
    a Flex candidate to consider at 1,200."""
    scheme = make_schemes()["derbyshire"]
    today = timezone.localdate()
    person = m.Person.objects.create(
        local_id="CSS1",
        given_name="Casey",
        family_name="Borderline",
        date_of_birth=today.replace(year=today.year - 30),
        area="Derby City",
    )
    for cid, code, ago in (("C1", "00404", 300), ("C2", "00806", 30)):
        m.Conviction.objects.create(
            person=person,
            conviction_id=cid,
            offence_code=code,
            conviction_date=today - timedelta(days=ago),
        )
    return scheme


def propose(client: Client, **fields: object) -> str:
    data = {"in_force_from": timezone.localdate().isoformat(), **fields}
    return client.post("/policies/what-if/?scheme=derbyshire", data).content.decode()


def test_a_lower_css_threshold_shows_who_would_come_in(
    signed_in: Callable[[str], Client],
) -> None:
    scheme_with_a_borderline_person()
    page = propose(signed_in(Role.MAIT_ANALYST), p_css_indicator_threshold="1200")
    assert "1 would change outcome or cohort" in page
    assert "Would become consider" in page
    assert "Casey Borderline" in page
    assert "not eligible to consider (Flex)" in page
    assert "1500" in page
    assert "1200" in page
    event = AuditEvent.objects.filter(record_type="policy what-if").latest("id")
    assert event.operation == "consultation"
    assert "Put derbyshire-2021" not in page  # the analyst may not put it in force


def test_activation_needs_the_what_if_first_then_changes_the_rules(
    signed_in: Callable[[str], Client],
) -> None:
    scheme = scheme_with_a_borderline_person()
    client = signed_in(Role.COORDINATOR)
    refused = client.post(
        "/policies/activate", {"digest": "x" * 64, "note": "Lower CSS bar"}, follow=True
    )
    assert "Run the what-if for this version" in refused.content.decode()
    assert not PolicyVersion.objects.exists()

    page = propose(client, p_css_indicator_threshold="1200")
    digest = page.split('name="digest" value="')[1].split('"')[0]
    note = "Agreed at the SIG to widen Flex to serious violence"
    done = client.post("/policies/activate", {"digest": digest, "note": note}, follow=True)
    assert "is now in force for Derbyshire County and Derby City IOM" in done.content.decode()
    version = PolicyVersion.objects.get()
    assert version.note == note
    scheme.refresh_from_db()
    person = m.Person.objects.get(local_id="CSS1")
    assert assessment_now(person, scheme).outcome == "consider"
    event = AuditEvent.objects.filter(record_type="policy").latest("id")
    assert event.reason == note
    assert version.label in event.description
    assert client.post("/policies/activate", {"digest": digest, "note": note}).status_code == 302
    assert PolicyVersion.objects.count() == 1  # the same proposal cannot be activated twice


def test_a_whole_policy_file_is_checked(signed_in: Callable[[str], Client]) -> None:
    scheme_with_a_borderline_person()
    client = signed_in(Role.COORDINATOR)
    bad = io.BytesIO(b"id: derbyshire-2021\nversion: '3'\n")
    bad.name = "policy.yaml"
    page = client.post(
        "/policies/what-if/?scheme=derbyshire",
        {"in_force_from": timezone.localdate().isoformat(), "policy_file": bad},
    ).content.decode()
    assert "missing value" in page
    assert "would change" not in page


def test_nothing_to_compare_is_said(signed_in: Callable[[str], Client]) -> None:
    scheme_with_a_borderline_person()
    page = propose(signed_in(Role.COORDINATOR))
    assert "Give at least one new value, or a policy file" in page


def test_children_who_would_change_are_not_named_to_a_role_that_may_not_open_them(
    signed_in: Callable[[str], Client],
) -> None:
    """The MAIT analyst scores youth referrals but may not open a child's record."""
    make_schemes()
    today = timezone.localdate()
    child = m.Person.objects.create(
        local_id="YOUNG1",
        given_name="Robin",
        family_name="Young",
        date_of_birth=today.replace(year=today.year - 16, day=1),
        area="Nottingham City",
    )
    m.Conviction.objects.create(
        person=child,
        conviction_id="C1",
        offence_code="03401",
        conviction_date=today - timedelta(days=60),
    )
    data = {"in_force_from": today.isoformat(), "p_matrix_threshold": "1"}
    url = "/policies/what-if/?scheme=nottinghamshire"
    analyst = signed_in(Role.MAIT_ANALYST).post(url, data).content.decode()
    assert "1 would change outcome or cohort" in analyst
    assert "Robin Young" not in analyst
    assert "YOUNG1" not in analyst
    assert "A person your role may not open" in analyst
    coordinator = signed_in(Role.COORDINATOR).post(url, data).content.decode()
    assert "Robin Young" in coordinator


@pytest.mark.django_db(transaction=True)  # the worker closes its database connection when done
def test_above_the_limit_the_worker_works_it_out_and_only_then_may_it_be_put_in_force(
    signed_in: Callable[[str], Client], settings: Any
) -> None:
    from django.core.management import call_command

    from iom.governance.models import WhatIfRun
    from iom.notifications.models import Notification

    scheme_with_a_borderline_person()
    settings.IOM_SCREENED_IN_PAGE = 0
    client = signed_in(Role.COORDINATOR)
    data = {"in_force_from": timezone.localdate().isoformat(), "p_css_indicator_threshold": "1200"}
    asked = client.post("/policies/what-if/?scheme=derbyshire", data, follow=True)
    page = asked.content.decode()
    assert "The what-if is being worked out" in page
    assert "Being worked out" in page
    assert "would change outcome or cohort" not in page  # queued, not screened in the request
    run = WhatIfRun.objects.get()
    assert run.state == WhatIfRun.State.QUEUED
    asking = AuditEvent.objects.get(description__startswith="asked for a what-if")
    assert asking.operation == "consultation"
    note = "Agreed at the SIG to widen Flex to serious violence"
    early = client.post("/policies/activate", {"digest": "x" * 64, "note": note}, follow=True)
    assert "Run the what-if for this version" in early.content.decode()

    call_command("db_worker", batch=True, verbosity=0)
    told = Notification.objects.get()
    assert told.text == "The policy what-if for Derbyshire County and Derby City IOM is ready"
    assert told.link == f"/policies/what-if/{run.pk}"
    page = client.get(told.link).content.decode()
    assert 'action="/policies/what-if/?scheme=derbyshire"' in page  # asking again: a new what-if
    assert "1 would change outcome or cohort" in page
    assert "Casey Borderline" in page
    assert "not eligible to consider (Flex)" in page
    assert "1500" in page  # the parameter that differs, now
    assert "1200" in page  # and proposed
    assert AuditEvent.objects.filter(
        record_type="policy what-if", description__startswith="compared derbyshire-2021"
    ).exists()
    digest = page.split('name="digest" value="')[1].split('"')[0]
    done = client.post("/policies/activate", {"digest": digest, "note": note}, follow=True)
    assert "is now in force for Derbyshire County and Derby City IOM" in done.content.decode()
    assert PolicyVersion.objects.count() == 1
    assert signed_in(Role.MAIT_ANALYST).get(told.link).status_code == 404  # not theirs
    assert signed_in(Role.PCSO).get(told.link).status_code == 403  # no what-ifs at all


def test_a_what_if_that_fails_says_so(signed_in: Callable[[str], Client]) -> None:
    from iom.accounts.models import User
    from iom.governance import services
    from iom.governance.models import WhatIfRun
    from iom.rules import PolicyError

    scheme = scheme_with_a_borderline_person()
    client = signed_in(Role.COORDINATOR)
    coordinator = User.objects.get(username=f"user-{Role.COORDINATOR.value}")
    run = services.ask_for_what_if(coordinator, scheme, "not: a policy", timezone.localdate())
    with pytest.raises(PolicyError):
        services.work_out_what_if(run)
    run.refresh_from_db()
    assert run.state == WhatIfRun.State.FAILED
    page = client.get(f"/policies/what-if/{run.pk}").content.decode()
    assert "Could not be worked out" in page


def test_kept_what_ifs_are_erased_after_the_days_given() -> None:
    from typer.testing import CliRunner

    from iom.accounts.models import User
    from iom.cli import app
    from iom.governance.models import WhatIfRun

    scheme = make_schemes()["derbyshire"]
    asker = User.objects.create_user(username="asker", role=Role.COORDINATOR)
    now = timezone.now()
    for days in (31, 29):
        WhatIfRun.objects.create(
            scheme=scheme,
            asked_by=asker,
            asked_at=now - timedelta(days=days),
            as_of=now.date(),
            proposed_text=scheme.policy_text(),
        )
    done = CliRunner().invoke(app, ["governance", "forget-what-ifs", "--older-than", "30"])
    assert done.exit_code == 0, done.output
    assert "1 kept what-if erased" in done.output
    assert [now - run.asked_at < timedelta(days=30) for run in WhatIfRun.objects.all()] == [True]
    event = AuditEvent.objects.get(operation="erasure")
    assert event.description.startswith("erased 1 kept what-if asked for before ")


def test_the_candidates_fairness_is_that_of_the_people_as_held() -> None:
    """The what-if reads each person's sex, ethnicity and birth date from its screening; they
    must count as the records hold them (blank sex as unknown, blank ethnicity as not stated)."""
    from datetime import date

    from iom.governance import what_if
    from iom.impact import fairness, impact_parameters
    from iom.impact.fairness import StagedPerson, ethnic_group
    from iom.referrals.automatic import in_scope
    from iom.screening.engine import CANDIDATE_OUTCOMES
    from tests.web import workflow as w

    scheme = scheme_with_a_borderline_person()
    for n, (sex, ethnicity) in enumerate([("M", "W1"), ("", ""), ("F", "B2"), ("M", "")]):
        w.fixed_candidate(f"FIX{n}", sex=sex, ethnicity=ethnicity, area="Derby City")
        w.person(f"NOT{n}", date(1980, 1, 1), sex=sex, ethnicity=ethnicity, area="Derby City")
    today = timezone.localdate()
    people = in_scope(scheme, today)
    staged = [
        StagedPerson(
            p.local_id,
            ethnic_group(p.ethnicity),
            p.sex or "U",
            p.date_of_birth,
            "candidate"
            if assessment_now(p, scheme, today).outcome in CANDIDATE_OUTCOMES
            else "screened",
        )
        for p in people
    ]
    expected = [
        r for r in fairness(staged, today, impact_parameters(today)) if r.stage == "candidate"
    ]
    found = what_if.run(scheme, scheme.policy(), today)
    assert found.fairness_now == expected
    assert found.fairness_proposed == expected
    assert {r.group for r in expected} >= {"Not stated", "U"}
