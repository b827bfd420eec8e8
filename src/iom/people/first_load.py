"""A first load checks its rows' links to their people once, at the end, as pg_restore does.

PostgreSQL checks each new conviction's person when its batch commits, one row at a time: about
45 s of a million-person first load (measured: 264.6 s with those checks, 220.7 s without).
Into an empty database the import instead drops the feed tables' foreign keys to people, loads
every batch (each still its own transaction), and adds them back, which checks every row in one
pass of about two seconds. The keys dropped are written down in the same transaction as the
drop, so a load stopped by force leaves a note the next import reads to put them back before it
starts.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError, connection, transaction

from iom.people import models as m

# The tables a load writes by COPY, whose links to people are checked at the end, each with
# how its records are named to the person reading an import's report.
RECORDS = {
    m.Conviction: "conviction",
    m.CustodyPeriod: "custody period",
    m.Need: "need",
    m.OgrsEntry: "OGRS score",
}
FEED_TABLES = tuple(RECORDS)
LOCK_KEY = 4_206_2022  # PostgreSQL advisory lock: one setting aside or putting back at a time


class LinksNotRestored(Exception):
    """A link set aside could not be added back: a record names a person who is not held.

    The link stays noted, so the next import tries again once the record is put right."""


@contextmanager
def links_checked_at_end() -> Iterator[None]:
    """Run a load; if it is a first load on PostgreSQL whose batches each commit, the feed
    tables' links to people are checked once, when it ends (by error or not)."""
    put_back()
    if not _is_first_load():
        yield
        return
    _set_aside()
    try:
        yield
    finally:
        put_back()


def put_back() -> None:
    """Add back every link a load set aside, checking each row: a record naming a person who
    is not held raises LinksNotRestored, and every link stays noted."""
    if connection.vendor != "postgresql":
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        for link in m.SetAsideLink.objects.order_by("pk"):
            table, name = map(connection.ops.quote_name, (link.table, link.name))
            try:
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {link.definition}")
            except IntegrityError as error:  # the whole transaction rolls back as this leaves it
                raise LinksNotRestored(_orphan(link.table, error)) from error
            link.delete()


def _orphan(table: str, error: IntegrityError) -> str:
    """Which kind of record names which person, from PostgreSQL's "Key (person_id)=(7)"."""
    record = next(
        (words for model, words in RECORDS.items() if model._meta.db_table == table), table
    )
    detail = getattr(getattr(error.__cause__, "diag", None), "message_detail", None) or ""
    person = detail.partition("=(")[2].partition(")")[0]
    return f"a {record} names person {person or '(not given)'}, who is not held"


def _is_first_load() -> bool:
    """PostgreSQL, no one held yet, and no outer transaction (each batch commits on its own)."""
    return (
        connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and not m.Person.objects.exists()
    )


def _set_aside() -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND confrelid = %s::regclass "
            "AND conrelid = ANY(%s::regclass[]) ORDER BY conname",
            [m.Person._meta.db_table, [model._meta.db_table for model in FEED_TABLES]],
        )
        for table, name, definition in cursor.fetchall():
            m.SetAsideLink.objects.create(table=table, name=name, definition=definition)
            quoted = map(connection.ops.quote_name, (table, name))
            cursor.execute("ALTER TABLE {} DROP CONSTRAINT {}".format(*quoted))
