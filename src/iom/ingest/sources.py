"""Load and check any feed layout (JSON Lines, or Parquet/CSV normalised tables) into DuckDB.

Every problem comes back as a `Problem` with file, line and field; the people with one are held
back whole (`iom.ingest.checks`). The good people can then be read as rules `Person`s
(`loaded_people`) or as rows to store (`iom.ingest.feed`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from iom.ingest import checks
from iom.ingest.json_records import UnreadableFile
from iom.ingest.loading import (
    InputError,
    checked_while_reading,
    load,
    register_catalogue,
)
from iom.ingest.tables import person_from_rows
from iom.rules import Catalogue, Person


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    person: str
    field: str
    reason: str
    value: str = ""


class UnreadableInput(ValueError):
    """The input as a whole cannot be read, so nothing in it is loaded: the message says why."""


@contextmanager
def reading(source: Path) -> Iterator[None]:
    """Whatever stops the whole input being read, as one `UnreadableInput` that says why."""
    try:
        yield
    except UnicodeDecodeError as error:
        raise UnreadableInput(
            f"{source.name}: not UTF-8 text (byte {error.object[error.start]:#04x} at "
            f"position {error.start}); save the extract as UTF-8"
        ) from None
    except (InputError, UnreadableFile) as error:
        raise UnreadableInput(str(error)) from None
    except duckdb.Error as error:
        raise UnreadableInput(
            f"{source.name}: the tables cannot be read: {_first_line(error)}"
        ) from None


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0][:300]


def load_checked(
    con: duckdb.DuckDBPyConnection, source: Path, catalogue: Catalogue
) -> list[Problem]:
    """Load any feed layout into `con` and check it: the typed tables hold the good people.

    Returns every problem; raises `UnreadableInput` when the input cannot be read at all.
    """
    register_catalogue(con, catalogue)
    with reading(source):
        found = load(con, source, catalogue)
        checks.check(con, rows_checked=checked_while_reading(source))
        rows = con.execute(
            "SELECT file, line, coalesce(person_id, ''), field, reason, coalesce(value, '') "
            "FROM rejects ORDER BY file, line, field"
        ).fetchall()
    return [Problem(f, line, who, field, reason) for f, line, who, field, reason in found] + [
        Problem(*row) for row in rows
    ]


def loaded_people(con: duckdb.DuckDBPyConnection, among: str | None = None) -> list[Person]:
    """The good people loaded into `con` (see `load_checked`), in input order, as rules `Person`s.

    `among`, when given, is a query of person ids: only those people are read.
    """
    people, convictions, custody = (
        checks.Columns(con, name) for name in ("people", "convictions", "custody")
    )

    def wanted(column: str) -> str:
        chosen = f" AND {column} IN ({among})" if among else ""
        return f"{column} NOT IN (SELECT person_id FROM held_back){chosen}"

    children: dict[str, dict[str, list[dict[str, Any]]]] = {
        "convictions": defaultdict(list),
        "custody": defaultdict(list),
    }
    for name, columns in (("convictions", convictions), ("custody", custody)):
        for row in _rows(
            con,
            f"SELECT {typed(columns)} FROM raw_{name} WHERE {wanted('person_id')} ORDER BY line",
        ):
            children[name][row.pop("person_id")].append(row)
    return [
        person_from_rows(row, children["convictions"][row["id"]], children["custody"][row["id"]])
        for row in _rows(
            con,
            f"SELECT {typed(people)} FROM raw_people WHERE {wanted('id')} ORDER BY line",
        )
    ]


DATES = {"date_of_birth", "ogrs_assessed_on", "offence_date", "conviction_date", "start", "end"}
FLAGS = {
    "probation_current",
    "sex_offender_current",
    "em_acquisitive_tag",
    "significant_intelligence",
    "attempt",
    "conspiracy",
    "domestic_abuse",
}
NUMBERS = {"ogrs_score": "DOUBLE", "mappa_level": "INTEGER", "sentence_days": "INTEGER"}


def typed(columns: checks.Columns, blank_is_none: tuple[str, ...] = ()) -> str:
    """The raw table's columns with proper types (CSV cells arrive as text); the texts named in
    `blank_is_none` given empty are NULL."""
    out = []
    for name in columns.types:
        if name in ("file", "line"):
            continue
        if name in DATES:
            out.append(f'{columns.as_date(name)} AS "{name}"')
        elif name in FLAGS:
            out.append(f'{columns.as_bool(name)} AS "{name}"')
        elif name in NUMBERS:
            out.append(f'TRY_CAST("{name}" AS {NUMBERS[name]}) AS "{name}"')
        elif name in blank_is_none:
            out.append(f'nullif("{name}"::VARCHAR, \'\') AS "{name}"')
        else:
            out.append(f'"{name}"::VARCHAR AS "{name}"')
    return ", ".join(out)


def _rows(con: Any, query: str) -> Iterator[dict[str, Any]]:
    result = con.execute(query)
    names = [d[0] for d in result.description]
    for row in result.fetchall():
        yield dict(zip(names, row, strict=True))
