"""Check the raw tables in SQL: bad rows go to `rejects`, the rest are read through typed views.

Every reject names the file, line, person, field and what is wrong, in the words the rules core
uses for the same problem. A person with any rejected row (their own, or one of their
convictions or custody spells) is held back whole: screening them on part of their record could
give a wrong answer. Checks follow the column types: a Parquet DATE column needs no date check,
a CSV text column does.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import duckdb
import numpy as np

from iom.rules.parameters import NEEDS

NO_REJECTS = (
    "SELECT NULL::VARCHAR AS file, NULL::BIGINT AS line, NULL::VARCHAR AS person_id, "
    "NULL::VARCHAR AS field, NULL::VARCHAR AS value, NULL::VARCHAR AS reason WHERE false"
)
DATE_PATTERN = "'^[0-9]{4}-[0-9]{2}-[0-9]{2}$'"


class Columns:
    """The types of one raw table's columns, and SQL fragments that depend on them."""

    def __init__(self, con: duckdb.DuckDBPyConnection, table: str) -> None:
        self.table = table
        self.types = {
            name: kind for name, kind, *_ in con.execute(f"DESCRIBE raw_{table}").fetchall()
        }

    def text(self, column: str) -> bool:
        return self.types[column] == "VARCHAR"

    def bad_date(self, column: str, required: bool) -> str | None:
        col = f'"{column}"'
        if self.types[column] == "DATE":
            return f"{col} IS NULL" if required else None
        good = f"(regexp_full_match({col}::VARCHAR, {DATE_PATTERN}) AND TRY_CAST({col}::VARCHAR AS DATE) IS NOT NULL)"
        return (
            f"({col} IS NULL OR NOT {good})" if required else f"({col} IS NOT NULL AND NOT {good})"
        )

    def bad_bool(self, column: str) -> str | None:
        if self.types[column] == "BOOLEAN":
            return None
        return f"(\"{column}\" IS NOT NULL AND lower(trim(\"{column}\"::VARCHAR)) NOT IN ('true', 'false'))"

    def as_date(self, column: str) -> str:
        return (
            f'"{column}"'
            if self.types[column] == "DATE"
            else f'TRY_CAST("{column}"::VARCHAR AS DATE)'
        )

    def as_bool(self, column: str) -> str:
        if self.types[column] == "BOOLEAN":
            return f'coalesce("{column}", false)'
        return f"coalesce(lower(trim(\"{column}\"::VARCHAR)) = 'true', false)"

    def as_days(self, column: str) -> str:
        """A date column as whole days since 1970-01-01."""
        return f"({self.as_date(column)} - DATE '1970-01-01')::INTEGER"


def missing(column: str) -> str:
    return f'("{column}" IS NULL OR trim("{column}"::VARCHAR) = \'\')'


def says(field: str, words: str) -> str:
    """SQL for "'<value>' <words>", the rules core's way of naming a bad value."""
    escaped = words.replace("'", "''")
    return f"""quote_value("{field}") || ' {escaped}'"""


@dataclass(frozen=True)
class Rule:
    """One check on one field of a table's rows: when `condition` holds, the row is rejected."""

    person: str
    field: str
    condition: str
    reason: str

    def rejects(self, rows: str) -> str:
        return (
            f"SELECT file, line, {self.person}::VARCHAR AS person_id, '{self.field}' AS field, "
            f'"{self.field}"::VARCHAR AS value, {self.reason} AS reason '
            f"FROM {rows} WHERE {self.condition}"
        )


def rule(person: str, field: str, condition: str | None, reason: str) -> Rule | None:
    return None if condition is None else Rule(person, field, condition, reason)


def people_rules(t: Columns) -> list[Rule | None]:
    needs = ", ".join(f"'{n}'" for n in NEEDS)
    unknown_needs = (
        f"list_filter(string_split(needs::VARCHAR, ';'), n -> n <> '' AND n NOT IN ({needs}))"
    )
    ogrs = "ogrs_score" if not t.text("ogrs_score") else "TRY_CAST(ogrs_score AS DOUBLE)"
    return [
        rule("id", "id", missing("id"), "'is required but missing'"),
        rule(
            "id",
            "date_of_birth",
            t.bad_date("date_of_birth", True),
            says("date_of_birth", "is not a date"),
        ),
        rule(
            "id",
            "sex",
            "sex IS NOT NULL AND sex::VARCHAR NOT IN ('M', 'F', 'X', 'U')",
            says("sex", "is not one of 'M', 'F', 'X', 'U', null"),
        ),
        rule(
            "id",
            "ogrs_score",
            f"ogrs_score IS NOT NULL AND coalesce({ogrs} NOT BETWEEN 0 AND 100, true)",
            says("ogrs_score", "is not a score from 0 to 100"),
        ),
        rule(
            "id",
            "ogrs_assessed_on",
            t.bad_date("ogrs_assessed_on", False),
            says("ogrs_assessed_on", "is not a date"),
        ),
        rule(
            "id",
            "mappa_level",
            "mappa_level IS NOT NULL AND mappa_level::VARCHAR NOT IN ('0', '1', '2', '3')",
            says("mappa_level", "is not one of 0, 1, 2, 3, null"),
        ),
        *[
            rule("id", flag, t.bad_bool(flag), says(flag, "should be true or false"))
            for flag in (
                "probation_current",
                "sex_offender_current",
                "em_acquisitive_tag",
                "significant_intelligence",
            )
        ],
        rule(
            "id",
            "needs",
            f"needs IS NOT NULL AND len({unknown_needs}) > 0",
            f"'has an unknown need: ' || {unknown_needs}[1]",
        ),
    ]


def conviction_rules(t: Columns) -> list[Rule | None]:
    return [
        rule(
            "person_id",
            "person_id",
            "person_id IS NULL OR person_id NOT IN (SELECT id FROM raw_people WHERE id IS NOT NULL)",
            says(
                "person_id",
                "is not a person in the people table (conviction for an unknown person)",
            ),
        ),
        rule("person_id", "id", missing("id"), "'is required but missing'"),
        rule(
            "person_id",
            "offence_code",
            "offence_code IS NULL OR offence_code NOT IN (SELECT code FROM catalogue)",
            "'conviction ' || coalesce(id::VARCHAR, '?') || ': offence code ' || quote_value(offence_code) "
            "|| ' is not in the offence catalogue'",
        ),
        rule(
            "person_id",
            "conviction_date",
            t.bad_date("conviction_date", True),
            says("conviction_date", "is not a date"),
        ),
        rule(
            "person_id",
            "offence_date",
            t.bad_date("offence_date", False),
            says("offence_date", "is not a date"),
        ),
        *[
            rule(
                "person_id",
                flag,
                t.bad_bool(flag),
                says(flag, "should be true or false"),
            )
            for flag in ("attempt", "conspiracy", "domestic_abuse")
        ],
    ]


def custody_rules(t: Columns) -> list[Rule | None]:
    bad_start, bad_end = t.bad_date("start", True), t.bad_date("end", True)
    end_before_start = (
        f"NOT {bad_start} AND NOT {bad_end} AND {t.as_date('end')} < {t.as_date('start')}"
    )
    days = "sentence_days" if not t.text("sentence_days") else "TRY_CAST(sentence_days AS INTEGER)"
    return [
        rule(
            "person_id",
            "person_id",
            "person_id IS NULL OR person_id NOT IN (SELECT id FROM raw_people WHERE id IS NOT NULL)",
            says(
                "person_id", "is not a person in the people table (custody for an unknown person)"
            ),
        ),
        rule(
            "person_id",
            "kind",
            "kind IS NULL OR kind::VARCHAR NOT IN ('sentence', 'remand')",
            says("kind", "is not one of 'sentence', 'remand'"),
        ),
        rule("person_id", "start", bad_start, says("start", "is not a date")),
        rule("person_id", "end", t.bad_date("end", False), says("end", "is not a date")),
        rule(
            "person_id",
            "end",
            end_before_start,
            "quote_value(\"end\") || ' is before the start ' || quote_value(start)",
        ),
        rule(
            "person_id",
            "sentence_days",
            f"sentence_days IS NOT NULL AND coalesce({days} < 1, true)",
            says("sentence_days", "is not a whole number of days, 1 or more"),
        ),
    ]


def check(con: duckdb.DuckDBPyConnection, rows_checked: bool = False) -> None:
    """Build `rejects` (every problem) and `held_back` (the people not to screen).

    Each table is read once for all its row checks: the rows failing any of them (few, or none)
    are set aside, and each check then names its problems among those rows alone. Repeated ids
    are found by sorting their hashes, and confirmed on the values. (One pass doing both was
    slower: a filter reads only the columns it needs, and skips rows early.) `rows_checked` says
    the rows were checked as they were read (JSON Lines): only the typed views are made.
    """
    con.execute(
        "CREATE OR REPLACE TEMP MACRO quote_value(v) AS '''' || coalesce(v::VARCHAR, 'null') || ''''"
    )
    people, convictions, custody = (
        Columns(con, name) for name in ("people", "convictions", "custody")
    )
    found = (
        []
        if rows_checked
        else [
            *row_rejects(con, "people", people_rules(people)),
            *row_rejects(con, "convictions", conviction_rules(convictions)),
            *row_rejects(con, "custody", custody_rules(custody)),
            *repeated(
                con,
                "people",
                ("id",),
                "r.id::VARCHAR, 'id', r.id::VARCHAR, quote_value(r.id) || ' appears more than once "
                "(first at line ' || d.first_line || ')'",
            ),
            *repeated(
                con,
                "convictions",
                ("person_id", "id"),
                "r.person_id::VARCHAR, 'id', r.id::VARCHAR, "
                "'conviction id ' || quote_value(r.id) || ' is used twice'",
            ),
        ]
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE rejects AS " + " UNION ALL ".join([NO_REJECTS, *found])
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE held_back AS SELECT DISTINCT person_id FROM rejects "
        "WHERE person_id IS NOT NULL AND trim(person_id) <> ''"
    )
    typed_views(con, people, convictions, custody)


def row_rejects(con: duckdb.DuckDBPyConnection, table: str, rules: list[Rule | None]) -> list[str]:
    """One pass over `raw_<table>` keeps the rows that fail any rule; the rules then word them."""
    chosen = [r for r in rules if r is not None]
    failing = " OR ".join(f"({r.condition})" for r in chosen)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE failing_{table} AS SELECT * FROM raw_{table} WHERE {failing}"
    )
    if not con.execute(f"SELECT count(*) FROM failing_{table}").fetchone()[0]:
        return []
    return [r.rejects(f"failing_{table}") for r in chosen]


def repeated(
    con: duckdb.DuckDBPyConnection, table: str, key: tuple[str, ...], columns: str
) -> list[str]:
    """The rows of `raw_<table>` whose `key` an earlier line already had, described by `columns`.

    Rows whose last key column is missing are not compared (a check above reports them). Sorting
    the keys' hashes finds the few that repeat without a hash table as large as the input; only
    rows with those hashes are then compared by value.
    """
    together, present = ", ".join(key), f"{key[-1]} IS NOT NULL"
    query = f"SELECT hash({together}) AS h FROM raw_{table} WHERE {present}"
    twice = repeated_values(split_by_top_bits(con.execute(query).fetchnumpy().pop("h")))
    if not len(twice):
        return []
    con.execute(f"CREATE OR REPLACE TEMP TABLE repeated_{table} (h UBIGINT)")
    con.executemany(f"INSERT INTO repeated_{table} VALUES (?)", [(int(h),) for h in twice])
    same = " AND ".join(f"d.{column} = r.{column}" for column in key)
    return [
        f"SELECT r.file, r.line, {columns} FROM raw_{table} r JOIN ("
        f"SELECT {together}, min(line) AS first_line FROM raw_{table} "
        f"WHERE hash({together}) IN (SELECT h FROM repeated_{table}) AND {present} "
        f"GROUP BY {together} HAVING count(*) > 1) d ON {same} WHERE r.line > d.first_line"
    ]


def split_by_top_bits(hashes: np.ndarray) -> list[np.ndarray]:
    """64-bit hashes in parts by their top bits, one part a processor: equal hashes share a part.

    The whole is let go once its parts are copied out, and the parts are then sorted in place: at
    most the whole and its parts are held, as with one sorted copy of the whole. The top bits
    are read through a view of each hash's top byte, not a shifted copy of every hash.
    """
    bits = _sorting_threads().bit_length() - 1
    if not bits:
        return [hashes]
    top_byte = hashes.view(np.uint8)[7 if np.little_endian else 0 :: 8]
    top = top_byte >> np.uint8(8 - bits)
    parts = [hashes[top == n] for n in range(1 << bits)]
    del hashes, top_byte, top
    return parts


def repeated_values(parts: list[np.ndarray]) -> np.ndarray:
    """The values found more than once within a part, each once. Each part is sorted in place on
    a thread of its own (numpy's sort releases the GIL)."""
    with ThreadPoolExecutor(len(parts)) as pool:
        ordered = list(pool.map(_sorted_in_place, parts))
    return np.unique(np.concatenate([run[1:][run[1:] == run[:-1]] for run in ordered]))


def _sorted_in_place(values: np.ndarray) -> np.ndarray:
    values.sort()
    return values


def _sorting_threads() -> int:
    """The processors this process may use, rounded down to a power of two, at most 8."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    usable = min(usable or 1, 8)
    return 1 << (usable.bit_length() - 1)


def typed_views(
    con: duckdb.DuckDBPyConnection, people: Columns, convictions: Columns, custody: Columns
) -> None:
    """`people`, `convictions` and `custody` as the rules read them, held-back people left out.

    Dates used in window arithmetic become whole days since 1970-01-01 (`*_d` columns).
    """
    ogrs = (
        "ogrs_score::DOUBLE" if not people.text("ogrs_score") else "TRY_CAST(ogrs_score AS DOUBLE)"
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE people AS
        SELECT line, id::VARCHAR AS id, {people.as_date("date_of_birth")} AS date_of_birth, {ogrs} AS ogrs,
               {people.as_bool("probation_current")} AS probation_current,
               TRY_CAST(mappa_level AS INTEGER) AS mappa_level,
               {people.as_bool("sex_offender_current")} AS sex_offender_current,
               {people.as_bool("em_acquisitive_tag")} AS em_acquisitive_tag,
               {people.as_bool("significant_intelligence")} AS significant_intelligence,
               string_split(coalesce(needs::VARCHAR, ''), ';') AS needs
        FROM raw_people
        WHERE id IS NOT NULL AND id NOT IN (SELECT person_id FROM held_back)
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP VIEW convictions AS
        SELECT person_id, id, offence_code, {convictions.as_days("conviction_date")} AS conviction_d,
               {convictions.as_days("offence_date")} AS offence_d,
               {convictions.as_bool("attempt")} OR {convictions.as_bool("conspiracy")} AS inchoate,
               {convictions.as_bool("domestic_abuse")} AS domestic_abuse
        FROM raw_convictions
        WHERE person_id NOT IN (SELECT person_id FROM held_back)
        """
    )
    days = (
        "sentence_days::INTEGER"
        if not custody.text("sentence_days")
        else "TRY_CAST(sentence_days AS INTEGER)"
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE custody AS
        SELECT person_id, kind, {custody.as_days("start")} AS start_d, {custody.as_days("end")} AS end_d,
               {days} AS sentence_days
        FROM raw_custody
        WHERE person_id NOT IN (SELECT person_id FROM held_back)
        """
    )
