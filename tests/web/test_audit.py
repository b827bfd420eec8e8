"""The access log: every read and change of personal data, hash-chained, append-only."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from copy import copy
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import Client, override_settings

from iom.accounts.models import Role
from iom.audit import checkpoint
from iom.audit.models import AuditEvent
from iom.audit.service import GENESIS, digest, record, verify
from iom.people import models as m
from tests.helpers import development_env, migrated, run_iom

EXAMPLES = Path(__file__).parents[2] / "examples"

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
    assert "user-panel_chair (Panel chair" in page  # the role by its name, not its code
    other = signed_in(Role.PCSO).get(f"/people/{adult.pk}/").content.decode()
    assert "Who has looked at this record" not in other


def test_coordinators_can_filter_the_log(
    signed_in: Callable[[str], Client], adult: m.Person
) -> None:
    signed_in(Role.PCSO).get(f"/people/{adult.pk}/")
    page = signed_in(Role.COORDINATOR).get("/audit/?username=user-pcso").content.decode()
    assert "user-pcso (PCSO)" in page
    assert "opened" in page


def test_the_chain_verifies_and_names_the_first_broken_link(
    make_user: Callable[..., object], django_capture_on_commit_callbacks: Any
) -> None:
    user = make_user()
    with django_capture_on_commit_callbacks(execute=True):
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


@override_settings(IOM_AUDIT_KEY="pinned-test-key")
def test_an_events_hash_is_the_same_in_every_version() -> None:
    """A force's log is verified by each new version: the text hashed for an event, and so its
    hash, must never change. The value is the HMAC-SHA256 of the previous hash followed by the
    event as compact JSON with sorted keys, worked out apart from this code (hmac.new, json.dumps)."""
    event = {
        "at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        "user_id_at_time": 7,
        "username": "a.coordinator",
        "agency": "Police",
        "role": "coordinator",
        "operation": "view",
        "record_type": "person",
        "record_id": "42",
        "description": "opened \u2018the record\u2019",
        "reason": "",
        "details": "1,2",
        "request_id": "r-1",
    }
    expected = "c36614880b025cd536780664096d689e4fb8f69dd8c36eee97ab6b531c17486c"
    assert digest(GENESIS, event) == expected


def test_the_database_refuses_changes_on_postgresql(make_user: Callable[..., object]) -> None:
    record(make_user(), "consultation", "person", 1, "one")
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.update(description="changed")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()


def test_tampering_in_the_database_is_detected(
    make_user: Callable[..., object], django_capture_on_commit_callbacks: Any
) -> None:
    user = make_user()
    with django_capture_on_commit_callbacks(execute=True):
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


def test_the_system_administrator_sees_who_did_what_without_personal_details(
    signed_in: Callable[[str], Client], adult: m.Person
) -> None:
    """Finding 7: names opened and search terms are for coordinators, not the system administrator."""
    pcso = signed_in(Role.PCSO)
    pcso.get("/people/?q=19/08/2004")
    pcso.get(f"/people/{adult.pk}/")
    admin_page = signed_in(Role.SYSTEM_ADMIN).get("/audit/").content.decode()
    assert "user-pcso" in admin_page
    assert "Consultation" in admin_page
    assert "Adam" not in admin_page
    assert "19/08/2004" not in admin_page
    coordinator_page = signed_in(Role.COORDINATOR).get("/audit/").content.decode()
    assert "opened Adam Adult" in coordinator_page
    assert "19/08/2004" in coordinator_page
    assert AuditEvent.objects.filter(record_type="access log", username="user-coordinator").exists()


def tamper(*statements: tuple[str, list[Any]]) -> None:
    """Change the table behind the app's back, as someone with database access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER iom_audit_append_only")
        for sql, params in statements:
            cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER iom_audit_append_only")


@pytest.fixture
def five_events(
    make_user: Callable[..., object], django_capture_on_commit_callbacks: Any
) -> list[AuditEvent]:
    user = make_user()
    for n in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            record(user, "consultation", "person", n, f"event {n}")
    return list(AuditEvent.objects.order_by("id"))


def test_cutting_off_the_end_of_the_log_is_caught(five_events: list[AuditEvent]) -> None:
    """Finding 11: the remaining events still chain, but the checkpoint names the missing end."""
    assert checkpoint.read() == checkpoint.Head(five_events[-1].pk, five_events[-1].hash)
    assert verify() is None
    tamper(("DELETE FROM audit_auditevent WHERE id >= %s", [five_events[3].pk]))
    broken = verify()
    assert broken is not None
    assert broken.event_id == five_events[-1].pk
    assert "cut off" in broken.problem
    tamper(("DELETE FROM audit_auditevent", []))
    broken = verify()
    assert broken is not None
    assert "the log ends at nothing" in broken.problem


def test_a_log_rewritten_without_the_key_is_caught(five_events: list[AuditEvent]) -> None:
    """Finding 11: without the key nobody can re-sign a changed log so that it verifies."""
    forged, previous = [], GENESIS
    with override_settings(IOM_AUDIT_KEY="a key the forger made up"):
        for event in five_events:
            event.description = event.description.replace("event", "nothing")
            event.previous_hash = previous
            event.hash = previous = digest(previous, event)
            forged.append(event)
        assert verify(forged) is None  # it would pass under the forger's key
    tamper(
        *[
            (
                "UPDATE audit_auditevent SET description = %s, previous_hash = %s, hash = %s WHERE id = %s",
                [e.description, e.previous_hash, e.hash, e.pk],
            )
            for e in forged
        ]
    )
    broken = verify()
    assert broken is not None
    assert broken.event_id == five_events[0].pk


def test_a_log_with_events_and_no_checkpoint_does_not_pass(five_events: list[AuditEvent]) -> None:
    checkpoint.location().unlink()
    broken = verify()
    assert broken is not None
    assert "has no checkpoint" in broken.problem


def test_the_checkpoint_only_moves_forwards(tmp_path: Path) -> None:
    path = tmp_path / "head.json"
    checkpoint.advance(checkpoint.Head(7, "b"), path)
    checkpoint.advance(checkpoint.Head(5, "a"), path)  # a transaction that committed later
    assert checkpoint.read(path) == checkpoint.Head(7, "b")


def test_audit_verify_reports_a_cut_off_end(tmp_path: Path) -> None:
    env = migrated(development_env(tmp_path))
    assert run_iom("import", str(EXAMPLES / "people.jsonl"), env=env).returncode == 0
    intact = run_iom("audit-verify", env=env)
    assert intact.returncode == 0, intact.stderr
    assert "checkpoint" in intact.stdout
    with sqlite3.connect(tmp_path / "iom.sqlite3") as database:
        database.execute(
            "DELETE FROM audit_auditevent WHERE id = (SELECT max(id) FROM audit_auditevent)"
        )
    cut = run_iom("audit-verify", env=env)
    assert cut.returncode == 1
    assert "cut off" in cut.stderr


def test_each_database_has_its_own_checkpoint_file() -> None:
    """A bench or test database used from the same checkout must not move another's checkpoint."""
    from iom.web.settings import checkpoint_for

    demo = {"ENGINE": "django.db.backends.sqlite3", "NAME": "/srv/iom/var/iom.sqlite3"}
    bench = {"ENGINE": "django.db.backends.postgresql", "NAME": "iom_bench", "HOST": "127.0.0.1"}
    other_host = {**bench, "HOST": "10.0.0.2"}
    paths = {checkpoint_for(d) for d in (demo, bench, other_host)}
    assert len(paths) == 3
    assert checkpoint_for(dict(demo)) == checkpoint_for(demo)
    assert checkpoint_for(bench).name.startswith("audit-checkpoint-iom_bench-")
