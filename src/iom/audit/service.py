"""`record()`: the one way an event enters the access log, in the caller's transaction.

Each event's hash is an HMAC, under a key from the environment, of its content and the previous
event's hash, so changing, inserting or deleting any event breaks every later link, and the chain
cannot be rewritten wholesale without the key. The newest event is checkpointed outside the table
after each commit, so cutting off the log's end is caught too. `verify()` names the first problem.
On PostgreSQL a trigger also refuses UPDATE and DELETE on the table.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from iom.audit import checkpoint
from iom.audit.middleware import current_request_id
from iom.audit.models import AuditEvent, Operation
from iom.bulk import insert_rows
from iom.ingest.text import storable

GENESIS = "0" * 64
CHAINED_FIELDS = (
    "at",
    "user_id_at_time",
    "username",
    "agency",
    "role",
    "operation",
    "record_type",
    "record_id",
    "description",
    "reason",
    "details",
    "request_id",
)
LOCK_KEY = 4_206_2021  # PostgreSQL advisory lock that orders writers of the chain
CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"))  # an event's hashed text


def digest(previous_hash: str, event: Any) -> str:
    """The event's link in the chain; `event` is a stored event or its values by name."""
    if isinstance(event, dict):
        content = {name: event[name] for name in CHAINED_FIELDS}
    else:
        content = {name: getattr(event, name) for name in CHAINED_FIELDS}
    content["at"] = content["at"].isoformat()
    text = previous_hash + CANONICAL.encode(content)
    return hmac.digest(settings.IOM_AUDIT_KEY.encode(), text.encode(), "sha256").hex()


def listing(ids: Iterable[Any]) -> str:
    """The ids of every record a list showed, for an event's details: all of them, never cut
    short, or the log would not say who was seen."""
    return ",".join(str(i) for i in ids)


@dataclass(frozen=True)
class Entry:
    """One event to write: what happened to which record."""

    operation: Operation | str
    record_type: str
    record_id: str | int = ""
    description: str = ""
    reason: str = ""
    details: str = ""


def record(
    user: Any,
    operation: Operation | str,
    record_type: str,
    record_id: str | int = "",
    description: str = "",
    reason: str = "",
    details: str = "",
) -> None:
    """Append one event. Call inside the transaction of the change it records (it opens one if none)."""
    record_many(user, [Entry(operation, record_type, record_id, description, reason, details)])


def record_many(user: Any, entries: list[Entry]) -> None:
    """Append several events by one actor in one go (an import batch), chained in order."""
    if not entries:
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        # Always the primary, even inside a block that reads reports from a replica.
        log = AuditEvent.objects.using("default").order_by("-id")
        previous = log.values_list("hash", flat=True).first() or GENESIS
        who = _actor(user)
        rows = []
        for entry in entries:
            values = {**who, **_what(entry)}
            link = digest(previous, values)
            rows.append((*(values[name] for name in CHAINED_FIELDS), previous, link))
            previous = link
        insert_rows(AuditEvent, (*CHAINED_FIELDS, "previous_hash", "hash"), rows)
        head = checkpoint.Head(log.values_list("id", flat=True).first(), previous)
        transaction.on_commit(lambda: checkpoint.advance(head))


def _actor(user: Any) -> dict[str, Any]:
    agency = getattr(user, "agency", None)
    return {
        "at": timezone.now(),
        "user_id_at_time": getattr(user, "pk", None),
        "username": getattr(user, "username", "") or ("system" if user is None else "anonymous"),
        "agency": str(agency) if agency else "",
        "role": getattr(user, "role", "") or "",
        "request_id": current_request_id(),
    }


def _what(entry: Entry) -> dict[str, Any]:
    return {
        "operation": str(entry.operation),
        "record_type": entry.record_type,
        "record_id": storable(str(entry.record_id))[:100],
        "description": storable(entry.description)[:300],
        "reason": storable(entry.reason),
        "details": storable(entry.details),
    }


@dataclass(frozen=True)
class Break:
    event_id: int
    problem: str


def verify(
    events: Iterable[AuditEvent] | None = None, head: checkpoint.Head | None = None
) -> Break | None:
    """The first problem in the log, or None when every event is as written and none is missing.

    Without `events`, the database's log is checked against the stored checkpoint.
    """
    from_database = events is None
    if events is None:
        events = AuditEvent.objects.order_by("id").iterator()
        head = checkpoint.read()
    previous, seen = GENESIS, 0
    for event in events:
        if event.previous_hash != previous:
            return Break(
                event.id, "does not follow the event before it (an event was removed or inserted)"
            )
        if digest(previous, event) != event.hash:
            return Break(
                event.id, "its content does not match its hash (it was altered or re-signed)"
            )
        if head is not None and event.id == head.event_id and event.hash != head.hash:
            return Break(
                event.id, "is not the event the checkpoint recorded (the log was rewritten)"
            )
        previous, seen = event.hash, event.id
    if from_database and head is None and seen:
        return Break(
            seen, f"has no checkpoint at {checkpoint.location()}: a cut-off end could not be seen"
        )
    if head is not None and seen < head.event_id:
        return Break(
            head.event_id,
            f"is missing: the checkpoint records events up to {head.event_id}, the log ends at "
            f"{seen or 'nothing'} (its end was cut off)",
        )
    return None
