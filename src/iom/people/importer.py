"""Load a PNC-style extract into the database: checked, upserted by PNC id or local id, audited.

Each batch of people is one transaction, so a crash leaves no half-written person. Bad rows go
into the run's report with file, line and field. Loading the same file again changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from iom.audit.models import Operation
from iom.audit.service import Entry, record_many
from iom.ingest.sources import read_people
from iom.people import models as m
from iom.people.records import feed_digest, store_many
from iom.rules import Person, load_catalogue

BATCH = 500


def import_file(
    source: Path, user: Any = None, progress: Callable[[int, int], None] = lambda done, total: None
) -> m.ImportRun:
    run = m.ImportRun.objects.create(
        source=str(source), started_by=user if getattr(user, "pk", None) else None
    )
    people, problems = read_people(source, load_catalogue())
    m.ImportProblem.objects.bulk_create([
        m.ImportProblem(run=run, file=p.file, line=p.line, person=p.person, field=p.field, reason=p.reason[:500])
        for p in problems
    ])  # fmt: skip
    run.rejected = len({(p.file, p.person or p.line) for p in problems})
    for start in range(0, len(people), BATCH):
        _load_batch(run, people[start : start + BATCH], user)
        progress(min(start + BATCH, len(people)), len(people))
    run.finished_at = timezone.now()
    run.save()
    return run


@transaction.atomic
def _load_batch(run: m.ImportRun, people: list[Person], user: Any) -> None:
    by_local = {p.local_id: p for p in m.Person.objects.filter(local_id__in=[x.id for x in people])}
    pncs = [x.pnc_id for x in people if x.pnc_id]
    by_pnc = {p.pnc_id: p for p in m.Person.objects.filter(pnc_id__in=pncs)} if pncs else {}
    changes: list[tuple[Person, m.Person | None]] = []
    for person in people:
        existing = (by_pnc.get(person.pnc_id) if person.pnc_id else None) or by_local.get(person.id)
        if existing is not None and existing.feed_digest == feed_digest(
            person
        ):  # cached: store_many reuses it
            run.unchanged += 1
        else:
            changes.append((person, existing))
    stored = store_many(changes)
    run.created += sum(existing is None for _, existing in changes)
    run.updated += sum(existing is not None for _, existing in changes)
    record_many(user, [
        Entry(Operation.COLLECTION if existing is None else Operation.ALTERATION, "person", row.pk,
              f"import run {run.pk}: {run.source}")
        for (_, existing), row in zip(changes, stored, strict=True)
    ])  # fmt: skip
    run.save()
