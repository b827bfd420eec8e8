"""Screen a whole population: load, check, assess in SQL, write results, rejects and a summary."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from iom.ingest import checks
from iom.ingest.loading import (
    checked_while_reading,
    connect,
    load,
    order_kept,
    quote,
    register_catalogue,
)
from iom.ingest.sources import loaded_people
from iom.rules import Catalogue, Policy
from iom.screening import engine, render
from iom.spreadsheet import FORMULA_START

if TYPE_CHECKING:
    from iom.screening.compare import Comparison

STEPS = ("load", "check", "assess", "write")
NESTED = {"windows", "criteria_met", "exclusions", "indicators", "evidence", "versions"}
RENDERED_AT_ONCE = 20_000
REJECT_COLUMNS = (
    ("file", "file"),
    ("line", "line"),
    ("person_id", "person"),
    ("field", "field"),
    ("value", "value"),
    ("reason", "reason"),
)


@dataclass
class Screened:
    people: int
    rejected_rows: int
    held_back: int
    rejects_file: Path | None
    summary: dict[str, dict[str, int]] = field(default_factory=dict)


def screen(
    source: Path,
    policy: Policy,
    as_of: date,
    output: Path,
    catalogue: Catalogue,
    *,
    candidates: bool = False,
    on_scheme: set[str] | None = None,
    rejects_file: Path | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    step: Callable[[str], None] = lambda name: None,
) -> Screened:
    """Screen everyone in `source` under `policy` on `as_of`; write one row per person to `output`."""
    con = con or connect()
    prepare(con, source, catalogue, step)
    step("assess")
    columns = engine.ENGINES[policy.engine](con, policy, as_of, catalogue)
    step("write")
    if candidates:
        query = ranked_candidates_sql(con, columns, on_scheme or set(), policy)
    else:
        # sorted before the nested columns are made: sorting them costs more than making them
        query = f"SELECT {', '.join(columns)} FROM (SELECT * FROM decided ORDER BY line)"
    write(con, query, output, in_words=(policy, catalogue))
    rejected, written = write_rejects(con, rejects_file or default_rejects(output))
    return Screened(
        people=count(con, "SELECT count(*) FROM decided"),
        rejected_rows=rejected,
        held_back=held_back(con),
        rejects_file=written,
        summary=summarise(con, policy),
    )


def prepare(
    con: duckdb.DuckDBPyConnection,
    source: Path,
    catalogue: Catalogue,
    step: Callable[[str], None] = lambda name: None,
) -> None:
    """Load and check `source`: the typed tables hold the good people, `rejects` the rest."""
    register_catalogue(con, catalogue)
    step("load")
    prechecked = load(con, source, catalogue)
    step("check")
    checks.check(con, rows_checked=checked_while_reading(source))
    if prechecked:
        con.executemany("INSERT INTO rejects VALUES (?, ?, ?, ?, NULL, ?)", prechecked)


def default_rejects(output: Path) -> Path:
    return output.with_name(output.name + ".rejects.csv")


def write_rejects(con: duckdb.DuckDBPyConnection, path: Path) -> tuple[int, Path | None]:
    """The rejected rows as CSV at `path`, when there are any: how many, and where."""
    rejected = count(con, "SELECT count(*) FROM rejects")
    if not rejected:
        return 0, None
    columns = ", ".join(csv_safe(column, name) for column, name in REJECT_COLUMNS)
    con.execute(
        f"COPY (SELECT {columns} FROM rejects ORDER BY file, line, field, reason) "
        f"TO {quote(str(path))} (HEADER, DELIMITER ',')"
    )
    return rejected, path


def held_back(con: duckdb.DuckDBPyConnection) -> int:
    return count(
        con, "SELECT count(*) FROM held_back WHERE person_id IN (SELECT id FROM raw_people)"
    )


@dataclass
class Compared:
    comparison: Comparison
    rejected_rows: int
    held_back: int
    rejects_file: Path | None


def compare_policies(
    source: Path,
    current: Policy,
    proposed: Policy,
    as_of: date,
    output: Path,
    catalogue: Catalogue,
    *,
    rejects_file: Path | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> Compared:
    """Screen `source` under both policies; write one row per person whose outcome or cohort
    changes (`iom screen --compare-policy`)."""
    from iom.screening.compare import COLUMNS, compare

    con = con or connect()
    prepare(con, source, catalogue)
    comparison = compare(con, current, proposed, as_of, catalogue)
    write(con, f"SELECT {', '.join(COLUMNS)} FROM policy_changes ORDER BY line", output)
    rejected, written = write_rejects(con, rejects_file or default_rejects(output))
    return Compared(comparison, rejected, held_back(con), written)


def ranked_candidates_sql(
    con: duckdb.DuckDBPyConnection, columns: list[str], on_scheme: set[str], policy: Policy
) -> str:
    """Eligible first by tier, then CSS, then OGRS; then Flex (consider) cases in the same order.

    Under the matrix: everyone to refer, highest score first. People already on the scheme are left out.
    """
    con.execute("CREATE OR REPLACE TEMP TABLE on_scheme (person_id VARCHAR)")
    if on_scheme:
        con.executemany("INSERT INTO on_scheme VALUES (?)", [(pid,) for pid in sorted(on_scheme)])
    if policy.engine == "nottinghamshire_matrix":
        order, wanted = "matrix_score DESC, person_id", "refer_to_selection_meeting"
    else:
        order = "CASE outcome WHEN 'eligible' THEN 0 ELSE 1 END, priority_tier NULLS LAST, css_score DESC, ogrs DESC NULLS LAST, person_id"
        wanted = "outcome IN ('eligible', 'consider')"
    return (
        f"SELECT row_number() OVER (ORDER BY {order}) AS rank, {', '.join(columns)} FROM decided "
        f"WHERE {wanted} AND person_id NOT IN (SELECT person_id FROM on_scheme) ORDER BY rank"
    )


def write(
    con: duckdb.DuckDBPyConnection,
    query: str,
    output: Path,
    in_words: tuple[Policy, Catalogue] | None = None,
) -> None:
    """Parquet keeps structs and lists; CSV gets them as JSON text; both keep reasons as codes.

    JSON Lines rows are `iom assess` rows: with `in_words`, each row's reasons are rendered in
    the core's words (see iom.screening.render); without, the query's rows are written as they are.
    """
    with order_kept(con):
        _write(con, query, output, in_words)


def _write(
    con: duckdb.DuckDBPyConnection,
    query: str,
    output: Path,
    in_words: tuple[Policy, Catalogue] | None,
) -> None:
    suffix = output.suffix.lower()
    output.parent.mkdir(parents=True, exist_ok=True)
    target = quote(str(output))
    if suffix == ".jsonl" and in_words is not None:
        write_in_words(con, query, output, *in_words)
    elif suffix == ".jsonl":
        con.execute(f"COPY ({query}) TO {target} (FORMAT json)")
    elif suffix == ".parquet":
        con.execute(f"COPY ({query}) TO {target} (FORMAT parquet, COMPRESSION zstd)")
    elif suffix == ".csv":
        described = con.execute(f"DESCRIBE {query}").fetchall()
        select = ", ".join(
            f'to_json("{c}")::VARCHAR AS "{c}"'
            if c in NESTED
            else csv_safe(f'"{c}"', c)
            if kind == "VARCHAR"
            else f'"{c}"'
            for c, kind, *_ in described
        )
        con.execute(f"COPY (SELECT {select} FROM ({query})) TO {target} (HEADER, DELIMITER ',')")
    else:
        raise ValueError(f"{output}: the output must end in .parquet, .csv or .jsonl")


def write_in_words(
    con: duckdb.DuckDBPyConnection, query: str, output: Path, policy: Policy, catalogue: Catalogue
) -> None:
    """Each screened row with the people it was screened from, a slice at a time, rendered."""
    rows = con.execute(query).to_arrow_table()
    with output.open("w", encoding="utf-8") as out:
        for batch in rows.to_batches(RENDERED_AT_ONCE):
            chunk = batch.to_pylist()
            con.register("rendering", pa.table({"id": [row["person_id"] for row in chunk]}))
            people = {p.id: p for p in loaded_people(con, among="SELECT id FROM rendering")}
            con.unregister("rendering")
            for row in chunk:
                rendered = render.assessment(row, people[row["person_id"]], policy, catalogue)
                out.write(json.dumps(rendered) + "\n")


def csv_safe(expression: str, name: str) -> str:
    """A column for CSV with formula injection defused: such a cell gets a leading apostrophe."""
    text = f"({expression})::VARCHAR"
    pattern = quote(FORMULA_START)
    return f"CASE WHEN regexp_matches({text}, {pattern}) THEN '''' || {text} ELSE {text} END AS \"{name}\""


def summarise(con: duckdb.DuckDBPyConnection, policy: Policy) -> dict[str, dict[str, int]]:
    def counts(query: str) -> dict[str, int]:
        return {str(key): int(n) for key, n in con.execute(query).fetchall()}

    if policy.engine == "nottinghamshire_matrix":
        return {
            "refer_to_selection_meeting": counts(
                "SELECT refer_to_selection_meeting, count(*) FROM decided GROUP BY 1 ORDER BY 1"
            )
        }
    return {
        "outcome": counts("SELECT outcome, count(*) FROM decided GROUP BY 1 ORDER BY 2 DESC, 1"),
        "cohort": counts(
            "SELECT coalesce(cohort, 'none'), count(*) FROM decided GROUP BY 1 ORDER BY 2 DESC, 1"
        ),
        "exclusion": exclusion_counts(con),
        "priority_tier": counts(
            "SELECT 'tier ' || priority_tier, count(*) FROM decided WHERE priority_tier IS NOT NULL GROUP BY 1 ORDER BY 1"
        ),
    }


def exclusion_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """People under each exclusion, most first (an exclusion no one has is left out)."""
    filters = ", ".join(f"count(*) FILTER ({column})" for _, column in engine.EXCLUSIONS)
    row: Any = con.execute(f"SELECT {filters} FROM decided").fetchone()
    found = {code: int(n) for (code, _), n in zip(engine.EXCLUSIONS, row, strict=True) if n}
    return dict(sorted(found.items(), key=lambda item: (-item[1], item[0])))


def count(con: duckdb.DuckDBPyConnection, query: str) -> int:
    row: Any = con.execute(query).fetchone()
    return int(row[0])
