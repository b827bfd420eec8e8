"""Load a PNC-style extract into the database: checked, upserted by PNC id or local id, audited.

Each batch of people is one transaction, so a crash leaves no half-written person. Bad rows go
into the run's report with file, line and field. Loading the same file again changes nothing.
A record the uploader may not see (a child's, for most roles) is kept aside as not permitted,
in the same words whether or not it is already held, and the refusal is logged. Every run ends
finished or failed: an input that cannot be read at all fails the run with the reason.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from iom.audit.models import Operation
from iom.audit.service import Entry, listing, record, record_many
from iom.bulk import refresh_statistics
from iom.ingest.sources import Problem, UnreadableInput, read_people
from iom.ingest.text import is_storable, storable
from iom.people import models as m
from iom.people.records import feed_digest, store_many
from iom.rules import Person, load_catalogue

BATCH = 2000
RESTATISTICS_AFTER = 10_000  # people written by one run, after which the planner looks again
NOT_PERMITTED = (
    "not permitted: your role may not load or change this person's record; ask an IOM coordinator"
)
# Text the database would refuse or cut: (field, where in the rules Person, the column's length).
LENGTHS = {
    "id": 64,
    "pnc_id": 20,
    "given_name": 100,
    "family_name": 100,
    "ethnicity": 3,
    "area": 100,
}
CONVICTION_LENGTHS = {"id": 64, "description": 300}
MAX_DAYS = 2**31 - 1


def import_file(
    source: Path,
    user: Any = None,
    progress: Callable[[int, int], None] = lambda done, total: None,
    label: str = "",
) -> m.ImportRun:
    """Load `source` (JSON Lines, or a folder of the three tables); `label` names it in the report."""
    run = m.ImportRun.objects.create(
        source=storable(label or str(source))[:300],
        started_by=user if getattr(user, "pk", None) else None,
    )
    try:
        people, problems = read_people(source, load_catalogue())
    except UnreadableInput as error:
        return fail(
            run, storable(str(error).replace(f"{source}/", "").replace(str(source), run.source))
        )
    try:
        people, problems = _storable(people, problems)
        _keep_aside(run, problems, folder=source)
        for start in range(0, len(people), BATCH):
            _load_batch(run, people[start : start + BATCH], user)
            progress(min(start + BATCH, len(people)), len(people))
    except BaseException:
        fail(run, "The import stopped part-way: the batches before the stop went in. Run it again.")
        raise
    if run.created + run.updated >= RESTATISTICS_AFTER:
        refresh_statistics(m.Person, m.Conviction, m.CustodyPeriod, m.Need, m.OgrsEntry)
    run.status = m.ImportRun.Status.FINISHED
    run.finished_at = timezone.now()
    run.save()
    return run


def fail(run: m.ImportRun, reason: str) -> m.ImportRun:
    run.status, run.failure, run.finished_at = m.ImportRun.Status.FAILED, reason, timezone.now()
    run.save()
    return run


def _keep_aside(run: m.ImportRun, problems: list[Problem], folder: Path) -> None:
    """Store the first problems (up to the limit) for the report; count them all."""
    limit = settings.IOM_IMPORT_MAX_PROBLEMS
    prefix = f"{folder}/" if folder.is_dir() else str(folder)
    m.ImportProblem.objects.bulk_create(
        m.ImportProblem(
            run=run,
            file=storable(p.file.replace(prefix, "") or run.source)[:300],
            line=p.line,
            person=storable(p.person)[:64],
            field=storable(p.field)[:100],
            reason=storable(p.reason)[:500],
        )
        for p in problems[:limit]
    )
    run.problems_total = len(problems)
    run.rejected = len({(p.file, p.person or p.line) for p in problems})


def _storable(people: list[Person], problems: list[Problem]) -> tuple[list[Person], list[Problem]]:
    """Keep aside people with values the database cannot hold as given (too long, NUL, not finite)."""
    good, problems = [], list(problems)
    for person in people:
        found = [
            Problem("", 0, person.id[:64], field, reason) for field, reason in _unstorable(person)
        ]
        problems += found
        if not found:
            good.append(person)
    return good, problems


def _unstorable(person: Person) -> Iterator[tuple[str, str]]:
    texts = list(_texts(person))
    # Nearly every person passes: one check of all their text at once, field by field if not.
    if not is_storable("".join(value for _, value, _ in texts)) or any(
        len(value) > limit for _, value, limit in texts
    ):
        for where, value, limit in texts:
            field = where if isinstance(where, str) else f"convictions[{where[0]}].{where[1]}"
            yield from _text(field, value, limit)
    for n, period in enumerate(person.custody):
        if period.sentence_days is not None and not 0 <= period.sentence_days <= MAX_DAYS:
            yield f"custody[{n}].sentence_days", f"{period.sentence_days} is out of range"
    if person.ogrs is not None and not math.isfinite(person.ogrs.score):
        yield "ogrs.score", "must be a number"


def _texts(person: Person) -> Iterator[tuple[str | tuple[int, str], str, int]]:
    """Each text the person's record holds: (the field, or a conviction's number and field; the
    value; the column's length)."""
    for field, limit in LENGTHS.items():
        value = getattr(person, field)
        if value is not None:
            yield field, value, limit
    if person.ogrs is not None and person.ogrs.version is not None:
        yield "ogrs.version", person.ogrs.version, 10
    for n, conviction in enumerate(person.convictions):
        for field, limit in CONVICTION_LENGTHS.items():
            value = getattr(conviction, field)
            if value is not None:
                yield (n, field), value, limit


def _text(field: str, value: str, limit: int) -> Iterator[tuple[str, str]]:
    if len(value) > limit:
        yield field, f"longer than {limit} characters"
    if not is_storable(value):
        yield field, "contains a NUL or another character that is not text"


# What a batch needs to know of the people already held: no model instance per person.
HELD = ("pk", "local_id", "pnc_id", "feed_digest")


@transaction.atomic
def _load_batch(run: m.ImportRun, people: list[Person], user: Any) -> None:
    held = m.Person.objects.values_list(*HELD)
    by_local = {row[1]: row for row in held.filter(local_id__in=[x.id for x in people])}
    pncs = [x.pnc_id for x in people if x.pnc_id]
    by_pnc = {row[2]: row for row in held.filter(pnc_id__in=pncs)} if pncs else {}
    checked = _held_records(user, [*by_local.values(), *by_pnc.values()])
    changes: list[tuple[Person, int | None]] = []
    refused: list[Person] = []
    for person in people:
        found = (by_pnc.get(person.pnc_id) if person.pnc_id else None) or by_local.get(person.id)
        pk = None if found is None else found[0]
        if not _permitted(user, person, checked.get(pk)):
            refused.append(person)
        elif found is not None and found[3] == feed_digest(person):
            run.unchanged += 1
        else:
            changes.append((person, pk))
    if refused:
        _refuse(run, refused, user)
    existing = m.Person.objects.in_bulk([pk for _, pk in changes if pk is not None])
    stored = store_many([(person, existing.get(pk)) for person, pk in changes])
    run.created += sum(pk is None for _, pk in changes)
    run.updated += sum(pk is not None for _, pk in changes)
    record_many(
        user,
        [
            Entry(
                Operation.COLLECTION if was is None else Operation.ALTERATION,
                "person",
                pk,
                f"import run {run.pk}: {run.source}",
            )
            for (_, was), pk in zip(changes, stored, strict=True)
        ],
    )
    run.save()


def _held_records(user: Any, held: list[tuple[Any, ...]]) -> dict[int, m.Person]:
    """The held records to check the uploader's rights on (none for the command line)."""
    if getattr(user, "pk", None) is None:
        return {}
    return m.Person.objects.in_bulk([row[0] for row in held])


def _permitted(user: Any, incoming: Person, existing: m.Person | None) -> bool:
    """May the uploader see both the record as it is held and the record the feed would make?

    The command line (no user) loads everything: it runs with the database's own rights.
    """
    if getattr(user, "pk", None) is None:
        return True
    if existing is not None and not user.has_perm("iom.view_person", existing):
        return False
    return bool(user.has_perm("iom.view_person", m.Person(date_of_birth=incoming.date_of_birth)))


def _refuse(run: m.ImportRun, refused: list[Person], user: Any) -> None:
    room = max(settings.IOM_IMPORT_MAX_PROBLEMS - run.problems_total, 0)
    m.ImportProblem.objects.bulk_create(
        m.ImportProblem(
            run=run, file=run.source, line=0, person=storable(p.id)[:64], reason=NOT_PERMITTED
        )
        for p in refused[:room]
    )
    run.problems_total += len(refused)
    run.rejected += len(refused)
    record(
        user,
        Operation.REFUSED,
        "person (import)",
        "",
        f"import run {run.pk}: {len(refused)} records not permitted",
        details=listing(p.id for p in refused),
    )


def import_records(records: list[Any], user: Any, label: str) -> m.ImportRun:
    """Person records given directly (the API), through the same checks as a file."""
    import json
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "records.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        return import_file(path, user, label=label)
