"""Load a population into DuckDB as three raw tables with their file and line, for checking.

Shared by screening (which then assesses everyone in SQL) and the app's import (which then
stores the good people); `iom.ingest.checks` checks the raw tables.

Accepted inputs:
- a `.jsonl` / `.json` file of person-schema records: each record is checked by the rules core's
  own validation (so rejects read exactly as `iom assess` reports them) and normalised;
- a folder holding `people`, `convictions` and `custody` as `.parquet` or `.csv` files (the
  layout `iom synth` writes, documented in the README).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pyarrow as pa

from iom.ingest.json_lines import load_json_lines
from iom.ingest.json_records import read_json_records
from iom.ingest.people import Reject, check_records
from iom.ingest.tables import COLUMNS, REQUIRED, TABLES, load_people
from iom.rules import Catalogue, Person


class InputError(ValueError):
    """The input as a whole cannot be read (not a bad row: those are rejects)."""


def quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def connect(
    memory_limit: str | None = None, threads: int | None = None
) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"SET temp_directory = {quote(str(Path(tempfile.gettempdir()) / 'iom-duckdb'))}")
    con.execute("SET enable_progress_bar = false")
    # Outputs are ordered explicitly; this saves memory.
    con.execute("SET preserve_insertion_order = false")
    if memory_limit:
        con.execute(f"SET memory_limit = {quote(memory_limit)}")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    return con


def register_catalogue(con: duckdb.DuckDBPyConnection, catalogue: Catalogue) -> None:
    """The offence catalogue as the temporary table `catalogue`, for the checks and the engines."""
    offences = list(catalogue.offences.values())
    columns = {
        "code": pa.array([o.code for o in offences]),
        "grp": pa.array([o.text("derbyshire_group") or None for o in offences], pa.string()),
        **{
            name: pa.array([o.number(name) for o in offences], pa.float64())
            for name in ("notts_matrix_points", "notts_matrix_points_da", "css_weight")
        },
    }
    con.register("catalogue_rows", pa.table(columns))
    con.execute("CREATE OR REPLACE TEMP TABLE catalogue AS SELECT * FROM catalogue_rows")
    con.unregister("catalogue_rows")


def load(con: duckdb.DuckDBPyConnection, source: Path, catalogue: Catalogue) -> list[Reject]:
    """Create `raw_people`, `raw_convictions` and `raw_custody`, each with `file` and `line`.

    Returns the rejects found while reading (JSON Lines only: tables are checked in SQL later).
    """
    if source.is_dir():
        for fmt in ("parquet", "csv"):
            if (source / f"people.{fmt}").exists():
                _load_tables(con, source, fmt)
                return []
        raise InputError(
            f"{source}: a folder input needs people.parquet or people.csv (with convictions and custody)"
        )
    if source.suffix.lower() in (".jsonl", ".json", ".ndjson"):
        return _load_jsonl(con, source, catalogue)
    raise InputError(
        f"{source}: give a .jsonl file or a folder of people/convictions/custody tables"
    )


def checked_while_reading(source: Path) -> bool:
    """JSON inputs are checked record by record as they are read; tables are checked in SQL."""
    return not source.is_dir()


def _load_tables(con: duckdb.DuckDBPyConnection, folder: Path, fmt: str) -> None:
    """Parquet is read in place through views (its row numbers come free); CSV is read once as text."""
    for name in TABLES:
        path = folder / f"{name}.{fmt}"
        if not path.exists():
            raise InputError(f"{path}: missing (a {fmt} input has people, convictions and custody)")
        if fmt == "parquet":
            reader = f"read_parquet({quote(str(path))}, file_row_number = true)"
            line = "file_row_number + 1"
        else:
            reader = f"read_csv({quote(str(path))}, header = true, all_varchar = true)"
            line = "row_number() OVER () + 1"  # the header is line 1
        present = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()]
        present = [c for c in present if c != "file_row_number"]
        unknown = sorted(set(present) - set(COLUMNS[name]))
        missing = [c for c in REQUIRED[name] if c not in present]
        if unknown or missing:
            problems = [f"unknown column {c!r}" for c in unknown] + [
                f"missing column {c!r}" for c in missing
            ]
            raise InputError(f"{path}: " + "; ".join(problems))
        select = ", ".join((f'"{c}"' if c in present else f'NULL AS "{c}"') for c in COLUMNS[name])
        kind = "VIEW" if fmt == "parquet" else "TABLE"
        with order_kept(con):  # CSV line numbers follow the file's order
            con.execute(
                f"CREATE TEMP {kind} raw_{name} AS SELECT {quote(str(path))} AS file, "
                f"({line})::BIGINT AS line, {select} FROM {reader}"
            )


@contextmanager
def order_kept(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Rows keep the order they are made in (`connect` lets DuckDB reorder, to save memory)."""
    con.execute("SET preserve_insertion_order = true")
    try:
        yield
    finally:
        con.execute("SET preserve_insertion_order = false")


def _load_jsonl(con: duckdb.DuckDBPyConnection, path: Path, catalogue: Catalogue) -> list[Reject]:
    """Plain JSON Lines in bulk (`iom.ingest.json_lines`); anything else record by record."""
    rejects = load_json_lines(con, path, catalogue)
    return load_record_by_record(con, path, catalogue) if rejects is None else rejects


def load_record_by_record(
    con: duckdb.DuckDBPyConnection, path: Path, catalogue: Catalogue
) -> list[Reject]:
    """Each record checked by the rules core's own validation, then normalised."""
    people: list[tuple[int, Person]] = []
    rejects: list[Reject] = []
    records = read_json_records(path.read_text(encoding="utf-8"))
    for record in check_records(records, catalogue, for_tables=True):
        rejects += record.rejects(str(path))
        if record.person is not None:
            people.append((record.line, record.person))
    load_people(con, people, str(path))
    return rejects
