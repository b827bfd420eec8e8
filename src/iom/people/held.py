"""The people the app holds, as the screening's three raw tables in DuckDB, read in bulk.

`load_held` fills `raw_people`, `raw_convictions` and `raw_custody` (the layout of
`iom.ingest.tables`, each row with `file` and `line`) straight from the database: no model
instances and no rules objects, so that the daily automatic referrals can screen a force's
million people with the same SQL engine as `iom screen`. Each person reads as `to_rules` reads
them: text held as "" is none, the OGRS is the latest entry, the needs are listed.

PostgreSQL hands each table over as CSV through `COPY`; SQLite through its cursor, a block of
rows at a time.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from django.db import connection, transaction
from django.db.models import QuerySet

from iom.ingest import checks
from iom.ingest.loading import connect, quote, register_catalogue
from iom.ingest.tables import COLUMNS
from iom.people import models as m
from iom.people.records import BLANK_IS_NONE
from iom.rules import Catalogue, Policy
from iom.screening import engine

HELD = "held records"
FETCHED_AT_ONCE = 50_000
# PostgreSQL's memory for hashing the chosen people's keys while reading their convictions: at
# the default 4 MB a million people's keys spill to disk, and the read takes about 2 s longer.
HASH_MEMORY = "128MB"

# Each table as the database holds it: (name, DuckDB type) of every column read.
PEOPLE = (
    ("pk", "BIGINT"),
    ("local_id", "VARCHAR"),
    ("pnc_id", "VARCHAR"),
    ("given_name", "VARCHAR"),
    ("family_name", "VARCHAR"),
    ("date_of_birth", "DATE"),
    ("sex", "VARCHAR"),
    ("ethnicity", "VARCHAR"),
    ("area", "VARCHAR"),
    ("probation_current", "BOOLEAN"),
    ("mappa_level", "TINYINT"),
    ("sex_offender_current", "BOOLEAN"),
    ("em_acquisitive_tag", "BOOLEAN"),
    ("significant_intelligence", "BOOLEAN"),
)
CONVICTIONS = (
    ("person_id", "BIGINT"),
    ("conviction_id", "VARCHAR"),
    ("offence_code", "VARCHAR"),
    ("offence_date", "DATE"),
    ("conviction_date", "DATE"),
    ("attempt", "BOOLEAN"),
    ("conspiracy", "BOOLEAN"),
    ("domestic_abuse", "BOOLEAN"),
    ("description", "VARCHAR"),
)
CUSTODY = (
    ("person_id", "BIGINT"),
    ("kind", "VARCHAR"),
    ("start", "DATE"),
    ("end", "DATE"),
    ("sentence_days", "INTEGER"),
)
OGRS = (
    ("id", "BIGINT"),
    ("person_id", "BIGINT"),
    ("score", "DOUBLE"),
    ("assessed_on", "DATE"),
    ("version", "VARCHAR"),
)
NEEDS = (("person_id", "BIGINT"), ("need", "VARCHAR"))


@dataclass(frozen=True)
class Screened:
    """What the screening said of one held person: its headline figures."""

    person: int  # the person's primary key
    outcome: str
    cohort: str | None
    priority_tier: int | None
    css_score: float | None
    ogrs: float | None
    matrix_score: int | None

    @property
    def is_candidate(self) -> bool:
        """Eligible, or Flex to consider; under the matrix, to refer to the selection meeting."""
        return self.outcome in engine.CANDIDATE_OUTCOMES


def screen_held(
    people: QuerySet[m.Person], policy: Policy, as_of: date, catalogue: Catalogue
) -> list[Screened]:
    """The `people` screened under `policy` on `as_of`, by the SQL engine of `iom screen`."""
    con = held_for_screening(people, catalogue)
    engine.ENGINES[policy.engine](con, policy, as_of, catalogue)
    figures = engine.HEADLINES[policy.engine]
    rows = con.execute(
        f"SELECT h.pk, {', '.join(f'{sql} AS {name}' for name, sql in figures.items())} "
        "FROM decided d JOIN held_people h ON h.local_id = d.person_id ORDER BY h.pk"
    ).fetchall()
    con.close()
    return [Screened(*row) for row in rows]


class Screenings:
    """Screenings kept for a run that screens the same people more than once on one day (the
    nightly automatic referrals, then the disproportionality figures): people screened before
    under the same policy are read back, not screened again.

    Ask first for everyone the run will need (`of` a wider set of people), then for any part of
    them. A person changed in between is not seen again; the nightly steps change no one's record.
    Asked for anyone not screened before, it screens all those asked for.
    """

    def __init__(self) -> None:
        self._kept: dict[tuple[str, date], dict[int, Screened]] = {}  # by policy as applied, day

    def of(
        self, people: QuerySet[m.Person], policy: Policy, as_of: date, catalogue: Catalogue
    ) -> list[Screened]:
        """`people` as `screen_held` screens them, screened now unless all were screened before."""
        key = (policy.version_label, as_of)
        if key in self._kept:
            kept = self._kept[key]
            wanted = list(people.order_by("pk").values_list("pk", flat=True))
            if all(pk in kept for pk in wanted):
                return [kept[pk] for pk in wanted]
        found = screen_held(people, policy, as_of, catalogue)
        self._kept.setdefault(key, {}).update((each.person, each) for each in found)
        return found


def held_for_screening(
    people: QuerySet[m.Person], catalogue: Catalogue
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection holding `people` as the screening's typed tables, with the catalogue."""
    con = connect()
    register_catalogue(con, catalogue)
    load_held(con, people)
    checks.check(con, rows_checked=True)  # held people were checked on the way in
    return con


def load_held(con: duckdb.DuckDBPyConnection, people: QuerySet[m.Person]) -> None:
    """The `people` as the raw tables, each person's primary key as their line (convictions and
    custody carry their person's line). `held_people` keeps each one's primary key."""
    chosen = people.values("pk")
    with one_snapshot():
        for name, model, columns in (
            ("held_people", m.Person, PEOPLE),
            ("held_convictions", m.Conviction, CONVICTIONS),
            ("held_custody", m.CustodyPeriod, CUSTODY),
            ("held_ogrs", m.OgrsEntry, OGRS),
            ("held_needs", m.Need, NEEDS),
        ):
            rows = model.objects.filter(**{"pk__in" if model is m.Person else "person__in": chosen})
            # unordered: the database need not sort ten million convictions for DuckDB
            _copy(con, name, rows.order_by().values_list(*(c for c, _ in columns)), columns)
    _shape(con)


@contextmanager
def one_snapshot() -> Iterator[None]:
    """The five tables read as they stood at one moment, so that an import committing between
    two reads cannot pair one version of a person with another version of their convictions.

    A SQLite transaction sees one snapshot (ours, IMMEDIATE, also keeps writers waiting while
    the tables are read); a PostgreSQL one needs REPEATABLE READ. Inside a caller's transaction,
    the caller chose its isolation (and it cannot change now). Ours also sets `HASH_MEMORY`,
    for this transaction alone.
    """
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                cursor.execute(f"SET LOCAL work_mem = '{HASH_MEMORY}'")
        yield


def _copy(
    con: duckdb.DuckDBPyConnection,
    name: str,
    rows: QuerySet[Any, Any],
    columns: tuple[tuple[str, str], ...],
) -> None:
    """The rows of `rows` (a values list in `columns` order) as DuckDB's table `name`, typed."""
    sql, params = rows.query.sql_with_params()
    if connection.vendor == "postgresql":
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"{name}.csv"
            _copy_out(sql, params, path)
            types = "{" + ", ".join(f"{quote(c)}: {quote(kind)}" for c, kind in columns) + "}"
            reader = (
                f"read_csv({quote(str(path))}, header = false, auto_detect = false, "
                f"columns = {types}, allow_quoted_nulls = false)"
            )
            con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {reader}")
        return
    text = ", ".join(f'"{c}" VARCHAR' for c, _ in columns)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name}_text ({text})")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while block := cursor.fetchmany(FETCHED_AT_ONCE):
            as_text = [
                pa.array([None if v is None else str(v) for v in values], pa.string())
                for values in zip(*block, strict=True)
            ]
            con.register("block", pa.table(as_text, names=[c for c, _ in columns]))
            con.execute(f"INSERT INTO {name}_text SELECT * FROM block")
            con.unregister("block")
    # read as text, then typed: SQLite's values carry no types (dates are text, booleans 0 or 1)
    typed = ", ".join(f'"{c}"::{kind} AS "{c}"' for c, kind in columns)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {typed} FROM {name}_text")
    con.execute(f"DROP TABLE {name}_text")


def _copy_out(sql: str, params: tuple[Any, ...], path: Path) -> None:
    with (
        connection.cursor() as cursor,
        path.open("wb") as out,
        cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT CSV)", params) as copy,
    ):
        for data in copy:
            out.write(data)


def _shape(con: duckdb.DuckDBPyConnection) -> None:
    """The held tables in the layout of `iom.ingest.tables`."""
    blank_is_none = {name: f"nullif(p.{name}, '') AS {name}" for name in BLANK_IS_NONE}
    person = {
        "id": "p.local_id AS id",
        "pnc_id": "p.pnc_id",
        "date_of_birth": "p.date_of_birth",
        **blank_is_none,
        "ogrs_score": "o.score AS ogrs_score",
        "ogrs_assessed_on": "o.assessed_on AS ogrs_assessed_on",
        "ogrs_version": "nullif(o.version, '') AS ogrs_version",
        "needs": "coalesce(n.needs, '') AS needs",
    }
    flags = (
        "probation_current",
        "mappa_level",
        "sex_offender_current",
        "em_acquisitive_tag",
        "significant_intelligence",
    )
    person |= {flag: f"p.{flag}" for flag in flags}
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE raw_people AS
        SELECT {quote(HELD)} AS file, p.pk AS line, p.pk,
               {", ".join(person[c] for c in COLUMNS["people"])}
        FROM held_people p
        LEFT JOIN (
            SELECT * FROM held_ogrs QUALIFY row_number() OVER (
                PARTITION BY person_id ORDER BY assessed_on DESC NULLS LAST, id DESC) = 1
        ) o ON o.person_id = p.pk
        LEFT JOIN (
            SELECT person_id, array_to_string(list_sort(list(need)), ';') AS needs
            FROM held_needs GROUP BY person_id
        ) n ON n.person_id = p.pk
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE raw_convictions AS
        SELECT p.file, p.line, p.id AS person_id, c.conviction_id AS id, c.offence_code,
               c.offence_date, c.conviction_date, c.attempt, c.conspiracy, c.domestic_abuse,
               nullif(c.description, '') AS description
        FROM held_convictions c JOIN raw_people p ON p.pk = c.person_id
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE raw_custody AS
        SELECT p.file, p.line, p.id AS person_id, k.kind, k.start, k."end", k.sentence_days
        FROM held_custody k JOIN raw_people p ON p.pk = k.person_id
        """
    )
    con.execute("ALTER TABLE raw_people DROP COLUMN pk")
    for name in ("convictions", "custody", "ogrs", "needs"):
        con.execute(f"DROP TABLE held_{name}")
