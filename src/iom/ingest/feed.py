"""A checked feed ready to store: each good person's row and fingerprint, read a batch at a time.

After `sources.load_checked`, the people to store are read back from DuckDB as plain rows, one
batch at a time: no rules objects, so a rerun over a million people that changes nothing costs
little more than reading and checking the files. The fingerprint of what the feed says about a
person is worked out in SQL for everyone at once: sha256 over every field as JSON, with each
list summed up so that its order in the feed does not matter, and optional text given empty
taken as none (the app holds none as empty text, so the two must not differ).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import NamedTuple

import duckdb
import pyarrow as pa

from iom.ingest.checks import Columns
from iom.ingest.loading import connect, order_kept
from iom.ingest.sources import Problem, load_checked, reading, typed
from iom.ingest.tables import load_people
from iom.rules import Catalogue, Person


class FeedPerson(NamedTuple):
    """One person's own fields as the feed gives them; text given empty is None."""

    id: str
    pnc_id: str | None
    given_name: str | None
    family_name: str | None
    date_of_birth: date
    sex: str | None
    ethnicity: str | None
    area: str | None
    ogrs_score: float | None
    ogrs_assessed_on: date | None
    ogrs_version: str | None
    probation_current: bool
    mappa_level: int | None
    sex_offender_current: bool
    em_acquisitive_tag: bool
    significant_intelligence: bool
    needs: list[str]
    digest: str


# Optional text a feed may give as "" for none.
BLANK_IS_NONE = {
    "people": ("given_name", "family_name", "sex", "ethnicity", "area", "ogrs_version"),
    "convictions": ("description",),
    "custody": (),
}
CONVICTION = (
    "id",
    "offence_code",
    "offence_date",
    "conviction_date",
    "attempt",
    "conspiracy",
    "domestic_abuse",
    "description",
)
CUSTODY = ("kind", "start", "end", "sentence_days")
# Longest text each table's columns may hold, by the store's own columns.
Limits = Mapping[str, Mapping[str, int]]


class Feed:
    """The good people of a checked feed in `con`, in input order, split into batches of `size`."""

    def __init__(self, con: duckdb.DuckDBPyConnection, size: int) -> None:
        self.con = con
        with order_kept(con):
            _build(con, size)
        self.people_count = con.execute("SELECT count(*) FROM feed_people").fetchone()[0]
        self.batches = -(-self.people_count // size)

    def people(self, batch: int) -> list[FeedPerson]:
        fields = ", ".join(f'"{name}"' for name in FeedPerson._fields)
        rows = self.con.execute(
            f"SELECT {fields} FROM feed_people WHERE batch = ? ORDER BY line", [batch]
        ).fetchall()
        return [FeedPerson(*row) for row in rows]

    def convictions(self, batch: int) -> pa.Table:
        """Columns (person id, *CONVICTION): each conviction of the batch's people."""
        return self._children("convictions", CONVICTION, batch)

    def custody(self, batch: int) -> pa.Table:
        """Columns (person id, *CUSTODY): each custody period of the batch's people."""
        return self._children("custody", CUSTODY, batch)

    def _children(self, table: str, fields: tuple[str, ...], batch: int) -> pa.Table:
        # as columns, not rows: they go on to the database without a Python object a value
        columns = ", ".join(f'"{name}"' for name in ("person_id", *fields))
        return self.con.execute(
            f"SELECT {columns} FROM feed_{table} WHERE batch = ? ORDER BY line", [batch]
        ).to_arrow_table()


def read_feed(
    source: Path, catalogue: Catalogue, limits: Limits, size: int, memory_limit: str | None = None
) -> tuple[Feed, list[Problem]]:
    """Load and check any feed layout; the people with text longer than `limits` or holding a NUL
    are held back too. Raises `UnreadableInput` when the input cannot be read at all.

    `memory_limit` caps DuckDB's memory (it spills to disk beyond it; its default is 80% of the
    machine's)."""
    con = connect(memory_limit)
    problems = load_checked(con, source, catalogue)
    with reading(source):
        problems += hold_back_unstorable(con, limits)
        return Feed(con, size), problems


def hold_back_unstorable(con: duckdb.DuckDBPyConnection, limits: Limits) -> list[Problem]:
    """Text the store would refuse or cut: longer than its column, or holding a NUL."""
    checks = [
        f"SELECT file, line, {person}::VARCHAR, '{column}', {reason} FROM raw_{table} "
        f'WHERE length("{column}"::VARCHAR) > {limit} OR contains("{column}"::VARCHAR, chr(0))'
        for table, columns in limits.items()
        for column, limit in columns.items()
        for person, reason in [_naming(table, column, limit)]
    ]
    rows = con.execute(" UNION ALL ".join(checks) + " ORDER BY 1, 2, 4").fetchall()
    held = con.execute("SELECT person_id FROM held_back").fetchall()
    people = {who for _, _, who, _, _ in rows if who} - {who for (who,) in held}
    if people:
        con.executemany("INSERT INTO held_back VALUES (?)", [(who,) for who in sorted(people)])
    return [Problem(*row) for row in rows]


def _naming(table: str, column: str, limit: int) -> tuple[str, str]:
    """The SQL naming the person a bad value belongs to, and the reason in words."""
    what = (
        f'CASE WHEN contains("{column}"::VARCHAR, chr(0)) '
        "THEN 'contains a NUL character, which cannot be stored' "
        f"ELSE 'longer than {limit} characters' END"
    )
    if table == "people":
        return "id", what
    if table == "convictions":
        return "person_id", f"'conviction ' || coalesce(id::VARCHAR, '?') || ': ' || {what}"
    return "person_id", what


def _build(con: duckdb.DuckDBPyConnection, size: int) -> None:
    """`feed_people`, `feed_convictions` and `feed_custody`, each row with its person's batch,
    stored in batch order (so a batch is read from its own part of each table)."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE feed_keys AS
        SELECT id::VARCHAR AS id, line, (row_number() OVER (ORDER BY line) - 1) // {int(size)} AS batch
        FROM raw_people
        WHERE id IS NOT NULL AND id::VARCHAR NOT IN (SELECT person_id FROM held_back)
        """
    )
    for table in ("convictions", "custody"):
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE feed_{table} AS
            SELECT k.batch, r.*
            FROM (SELECT line, {_typed(con, table)} FROM raw_{table}) r
            JOIN feed_keys k ON k.id = r.person_id
            ORDER BY k.batch, r.line
            """
        )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE feed_people AS
        WITH listed AS ({_listed("convictions", CONVICTION)}),
             held AS ({_listed("custody", CUSTODY)}),
             person AS (
                SELECT k.batch, k.line, p.* EXCLUDE (needs),
                       list_sort(list_filter(string_split(coalesce(p.needs, ''), ';'),
                                             n -> n <> '')) AS needs
                FROM (SELECT line, {_typed(con, "people")} FROM raw_people) p
                JOIN feed_keys k ON k.line = p.line)
        SELECT p.*, sha256(to_json({{
            'person': {_struct(FeedPerson._fields[:-1])},
            'convictions': [coalesce(listed.n, 0), listed.lower, listed.upper],
            'custody': [coalesce(held.n, 0), held.lower, held.upper]
        }})) AS digest
        FROM person p
        LEFT JOIN listed ON listed.person_id = p.id
        LEFT JOIN held ON held.person_id = p.id
        ORDER BY p.batch, p.line
        """
    )


def _typed(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """The raw table's columns, typed, with optional text given empty as NULL."""
    return typed(Columns(con, table), BLANK_IS_NONE[table])


def _struct(fields: Iterable[str]) -> str:
    return "{" + ", ".join(f"'{name}': \"{name}\"" for name in fields) + "}"


def _listed(table: str, fields: tuple[str, ...]) -> str:
    """Each person's rows of `table` summed up for the fingerprint: how many, and the sums of
    each half of every row's md5. A sum does not depend on the rows' order, and unlike a sorted
    list it needs no memory for the rows themselves. Each half is summed as a HUGEINT, exactly:
    DuckDB sums a UHUGEINT as a floating-point number, whose rounding depends on the order."""
    hashed = f"SELECT person_id, md5_number(to_json({_struct(fields)})) AS h FROM feed_{table}"
    return (
        "SELECT person_id, count(*) AS n, "
        "sum((h & 18446744073709551615::UHUGEINT)::HUGEINT) AS lower, "
        f"sum((h >> 64)::HUGEINT) AS upper FROM ({hashed}) GROUP BY person_id"
    )


def digests(people: Iterable[Person]) -> dict[str, str]:
    """The fingerprint a feed giving these people would give each one: for what is already
    held (migration `people.0007`) and to prove that what was stored is whole."""
    con = connect()
    load_people(con, enumerate(people, start=1), "given")
    con.execute("CREATE TEMP TABLE held_back (person_id VARCHAR)")
    feed = Feed(con, size=1_000_000)
    return {
        person.id: person.digest for batch in range(feed.batches) for person in feed.people(batch)
    }
