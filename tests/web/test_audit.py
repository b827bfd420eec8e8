"""The access log: every read and change of personal data, hash-chained, append-only."""

from __future__ import annotations

from collections.abc import Callable
from copy import copy

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import Client

from iom.accounts.models import Role
from iom.audit.models import AuditEvent
from iom.audit.service import record, verify
from iom.people import models as m

pytestmark = pytest.mark.django_db


def test_opening_a_person_is_logged_with_who_and_the_request(
    signed_in: Callable[[str], Client], adult: m.Person
) -> None:
    client = signed_in(Role.PROBATION_OM)
    response = client.get(f"/people/{adult.pk}/")
    event = AuditEvent.objects.get(
        record_type="person", record_id=str(adult.pk), operation="consultation"
    )
    assert event.username == "user-probation_om"
    assert event.role == "probation_om"
    assert event.agency == "Test Police"
    assert event.request_id == response["X-Request-Id"]


def test_a_search_that_shows_people_is_logged_with_whom_it_showed(
    signed_in: Callable[[str], Client], adult: m.Person
) -> None:
    signed_in(Role.MAIT_ANALYST).get("/people/?q=Adult")
    event = AuditEvent.objects.get(record_type="person search")
    assert event.details == str(adult.pk)
    assert "Adult" in event.description


def test_the_person_page_shows_who_has_looked_to_coordinators(
    signed_in: Callable[[str], Client], adult: m.Person
) -> None:
    signed_in(Role.PANEL_CHAIR).get(f"/people/{adult.pk}/")
    page = signed_in(Role.COORDINATOR).get(f"/people/{adult.pk}/").content.decode()
    assert "Who has looked at this record" in page
    assert "user-panel_chair" in page
    other = signed_in(Role.PCSO).get(f"/people/{adult.pk}/").content.decode()
    assert "Who has looked at this record" not in other


def test_coordinators_can_filter_the_log(
    signed_in: Callable[[str], Client], adult: m.Person
) -> None:
    signed_in(Role.PCSO).get(f"/people/{adult.pk}/")
    page = signed_in(Role.COORDINATOR).get("/audit/?username=user-pcso").content.decode()
    assert "user-pcso" in page
    assert "opened" in page


def test_the_chain_verifies_and_names_the_first_broken_link(
    make_user: Callable[..., object],
) -> None:
    user = make_user()
    for n in range(5):
        record(user, "consultation", "person", n, f"event {n}")
    events = list(AuditEvent.objects.order_by("id"))
    assert verify() is None
    altered = [copy(e) for e in events]
    altered[2].description = "something else"
    broken = verify(altered)
    assert broken is not None
    assert broken.event_id == events[2].id
    assert "altered" in broken.problem
    removed = events[:1] + events[2:]
    broken = verify(removed)
    assert broken is not None
    assert broken.event_id == events[2].id
    assert "removed or inserted" in broken.problem


def test_the_database_refuses_changes_on_postgresql(make_user: Callable[..., object]) -> None:
    record(make_user(), "consultation", "person", 1, "one")
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.update(description="changed")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()


def test_tampering_in_the_database_is_detected(make_user: Callable[..., object]) -> None:
    user = make_user()
    for n in range(3):
        record(user, "consultation", "person", n, f"event {n}")
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor
        ):  # a superuser could disable the trigger; the chain still tells
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER iom_audit_append_only")
            cursor.execute("UPDATE audit_auditevent SET username = 'someone' WHERE record_id = '1'")
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER iom_audit_append_only")
    else:
        AuditEvent.objects.filter(record_id="1").update(username="someone")
    broken = verify()
    assert broken is not None
    assert broken.event_id == AuditEvent.objects.get(record_id="1").id
