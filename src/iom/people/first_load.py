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

from django.db import connection, transaction

from iom.people import models as m

# The tables a load writes by COPY, whose links to people are checked at the end.
FEED_TABLES = (m.Conviction, m.CustodyPeriod, m.Need, m.OgrsEntry)
LOCK_KEY = 4_206_2022  # PostgreSQL advisory lock: one setting aside or putting back at a time


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
    """Add back every link a load set aside, checking each row; an orphan row raises here."""
    if connection.vendor != "postgresql":
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        for link in m.SetAsideLink.objects.order_by("pk"):
            table, name = map(connection.ops.quote_name, (link.table, link.name))
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {link.definition}")
            link.delete()


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
