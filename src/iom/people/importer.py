"""Load a PNC-style extract into the database: checked, upserted by PNC id or local id, audited.

Each batch of people is one transaction, so a crash leaves no half-written person. Bad rows go
into the run's report with file, line and field. Loading the same file again changes nothing.
A record the uploader may not see (a child's, for most roles) is kept aside as not permitted,
in the same words whether or not it is already held, and the refusal is logged. Every run ends
finished or failed: an input that cannot be read at all fails the run with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from iom.audit.models import Operation
from iom.audit.service import Entry, listing, record, record_many
from iom.bulk import refresh_statistics, rows_where_in
from iom.ingest.feed import Feed, FeedPerson, read_feed
from iom.ingest.sources import Problem, UnreadableInput
from iom.ingest.text import storable
from iom.people import models as m
from iom.people.first_load import LinksNotRestored, links_checked_at_end
from iom.people.records import store_many
from iom.rules import load_catalogue

BATCH = 2000
# DuckDB's share while it reads and checks an extract: the app's server is shared with the web
# (a million people need about 2 GB in all; DuckDB spills to disk past its limit).
MEMORY_LIMIT = "2GB"
RESTATISTICS_AFTER = 10_000  # people written by one run, after which the planner looks again
NOT_PERMITTED = (
    "not permitted: your role may not load or change this person's record; ask an IOM coordinator"
)
# Text the store would refuse or cut: each table's columns and their lengths.
LIMITS = {
    "people": {
        "id": 64,
        "pnc_id": 20,
        "given_name": 100,
        "family_name": 100,
        "ethnicity": 3,
        "area": 100,
        "ogrs_version": 10,
    },
    "convictions": {"id": 64, "description": 300},
}


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
        feed, problems = read_feed(source, load_catalogue(), LIMITS, BATCH, MEMORY_LIMIT)
    except UnreadableInput as error:
        return fail(
            run, storable(str(error).replace(f"{source}/", "").replace(str(source), run.source))
        )
    try:
        _keep_aside(run, problems, folder=source)
        with links_checked_at_end():
            for batch in range(feed.batches):
                _load_batch(run, feed, batch, user)
                progress(min((batch + 1) * BATCH, feed.people_count), feed.people_count)
    except LinksNotRestored as error:
        fail(run, NOT_CHECKED.format(error))
        raise
    except BaseException:
        fail(run, "The import stopped part-way: the batches before the stop went in. Run it again.")
        raise
    if run.created + run.updated >= RESTATISTICS_AFTER:
        refresh_statistics(m.Person, m.Conviction, m.CustodyPeriod, m.Need, m.OgrsEntry)
    run.status = m.ImportRun.Status.FINISHED
    run.finished_at = timezone.now()
    run.save()
    return run


NOT_CHECKED = (
    "The import stopped: {}. Until that is put right, the records cannot all be checked against "
    "the people held. The batches before the stop went in; the next import checks again first."
)


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


# What a batch needs to know of the people already held: no model instance per person.
HELD = ("pk", "local_id", "pnc_id", "feed_digest")


@transaction.atomic
def _load_batch(run: m.ImportRun, feed: Feed, batch: int, user: Any) -> None:
    people = feed.people(batch)
    by_local = _held_by("local_id", [x.id for x in people])
    by_pnc = _held_by("pnc_id", [x.pnc_id for x in people if x.pnc_id])
    checked = _held_records(user, [*by_local.values(), *by_pnc.values()])
    changes: list[tuple[FeedPerson, int | None]] = []
    refused: list[FeedPerson] = []
    for person in people:
        found = (by_pnc.get(person.pnc_id) if person.pnc_id else None) or by_local.get(person.id)
        pk = None if found is None else found[0]
        if not _permitted(user, person, checked.get(pk)):
            refused.append(person)
        elif found is not None and found[3] == person.digest:
            run.unchanged += 1
        else:
            changes.append((person, pk))
    if refused:
        _refuse(run, refused, user)
    if changes:
        _store(run, feed, batch, changes, user)
    run.save()


def _held_by(field: str, values: list[str]) -> dict[str, tuple[Any, ...]]:
    """The held people (`HELD`) whose `field` is one of `values`, by that value."""
    at = HELD.index(field)
    return {row[at]: row for row in rows_where_in(m.Person, field, values, HELD)} if values else {}


def _store(
    run: m.ImportRun,
    feed: Feed,
    batch: int,
    changes: list[tuple[FeedPerson, int | None]],
    user: Any,
) -> None:
    existing = m.Person.objects.in_bulk([pk for _, pk in changes if pk is not None])
    stored = store_many(
        [(person, existing.get(pk)) for person, pk in changes],
        feed.convictions(batch),
        feed.custody(batch),
    )
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


def _held_records(user: Any, held: list[tuple[Any, ...]]) -> dict[int, m.Person]:
    """The held records to check the uploader's rights on (none for the command line)."""
    if getattr(user, "pk", None) is None:
        return {}
    return m.Person.objects.in_bulk([row[0] for row in held])


def _permitted(user: Any, incoming: FeedPerson, existing: m.Person | None) -> bool:
    """May the uploader see both the record as it is held and the record the feed would make?

    The command line (no user) loads everything: it runs with the database's own rights.
    """
    if getattr(user, "pk", None) is None:
        return True
    if existing is not None and not user.has_perm("iom.view_person", existing):
        return False
    return bool(user.has_perm("iom.view_person", m.Person(date_of_birth=incoming.date_of_birth)))


def _refuse(run: m.ImportRun, refused: list[FeedPerson], user: Any) -> None:
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
