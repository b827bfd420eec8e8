"""`record()`: the one way an event enters the access log, in the caller's transaction.

Each event's hash covers its content and the previous event's hash, so changing, inserting or
deleting any event breaks every later link; `verify()` walks the chain and names the first break.
On PostgreSQL a trigger also refuses UPDATE and DELETE on the table.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from iom.audit.middleware import current_request_id
from iom.audit.models import AuditEvent, Operation

GENESIS = "0" * 64
CHAINED_FIELDS = (
    "at", "user_id_at_time", "username", "agency", "role", "operation", "record_type", "record_id",
    "description", "reason", "details", "request_id",
)  # fmt: skip
LOCK_KEY = 4_206_2021  # PostgreSQL advisory lock that orders writers of the chain


def digest(previous_hash: str, event: AuditEvent) -> str:
    content = {name: getattr(event, name) for name in CHAINED_FIELDS}
    content["at"] = event.at.isoformat()
    text = previous_hash + json.dumps(content, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


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
) -> AuditEvent:
    """Append one event. Call inside the transaction of the change it records (it opens one if none)."""
    return record_many(
        user, [Entry(operation, record_type, record_id, description, reason, details)]
    )[0]


def record_many(user: Any, entries: list[Entry]) -> list[AuditEvent]:
    """Append several events by one actor in one go (an import batch), chained in order."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        previous = (
            AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS
        )
        agency = getattr(user, "agency", None)
        now = timezone.now()
        events = []
        for entry in entries:
            event = AuditEvent(
                at=now,
                user_id_at_time=getattr(user, "pk", None),
                username=getattr(user, "username", "") or "system",
                agency=str(agency) if agency else "",
                role=getattr(user, "role", "") or "",
                operation=str(entry.operation),
                record_type=entry.record_type,
                record_id=str(entry.record_id),
                description=entry.description[:300],
                reason=entry.reason,
                details=entry.details,
                request_id=current_request_id(),
                previous_hash=previous,
            )
            event.hash = previous = digest(previous, event)
            events.append(event)
        return AuditEvent.objects.bulk_create(events)


@dataclass(frozen=True)
class Break:
    event_id: int
    problem: str


def verify(events: Iterable[AuditEvent] | None = None) -> Break | None:
    """The first broken link in the chain, or None when every event is as written."""
    previous = GENESIS
    for event in events if events is not None else AuditEvent.objects.order_by("id").iterator():
        if event.previous_hash != previous:
            return Break(
                event.id, "does not follow the event before it (an event was removed or inserted)"
            )
        if digest(previous, event) != event.hash:
            return Break(event.id, "its content does not match its hash (it was altered)")
        previous = event.hash
    return None
