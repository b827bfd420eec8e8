"""JSON Lines read in bulk, with the very rejects the rules core gives record by record.

Reading every record through Python (`iom.ingest.people.check_records`) costs about as much as
screening itself. Here pyarrow parses the file against the person schema's shape, strictly (a
value of the wrong JSON type, or an unknown or repeated field, fails the block it is in), and
DuckDB checks what the shape cannot say: dates, codes in the catalogue, allowed values, conviction
ids used once, no field left null that must not be. A record that passes everything (nearly all,
in a real extract) goes into the raw tables in SQL. Every other line, and every line of a block
pyarrow refused, is read and checked by the rules core exactly as before, so its rejects read as
`iom assess` reports them and a good record among them still goes in.
`tests/screening/test_json_lines.py` proves the two ways load the same tables and rejects.

A file that is not plain JSON Lines (a JSON array, one record over several lines, blank lines,
carriage returns, or the other line breaks Python's `splitlines` knows) gives None: the caller
reads it whole, record by record, as before.
"""

from __future__ import annotations

import io
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.json as pj

from iom.ingest.json_records import read_line
from iom.ingest.people import CheckedRecord, Reject, check_record, repeated, tabular
from iom.ingest.tables import COLUMNS, MAX_INTEGER, TABLES, load_people
from iom.rules import Catalogue, Person
from iom.rules.parameters import NEEDS

BLOCK_LINES = 5_000
LINE_BREAKS = ("\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
CONVICTION_FLAGS = ("attempt", "conspiracy", "domestic_abuse")
PERSON_FLAGS = (
    "probation_current",
    "sex_offender_current",
    "em_acquisitive_tag",
    "significant_intelligence",
)
CONVICTION = pa.struct(
    [
        ("id", pa.string()),
        ("offence_code", pa.string()),
        ("offence_date", pa.string()),
        ("conviction_date", pa.string()),
        *[(flag, pa.bool_()) for flag in CONVICTION_FLAGS],
        ("description", pa.string()),
    ]
)
CUSTODY = pa.struct(
    [
        ("kind", pa.string()),
        ("start", pa.string()),
        ("end", pa.string()),
        ("sentence_days", pa.int64()),
    ]
)
OGRS = pa.struct([("score", pa.float64()), ("assessed_on", pa.string()), ("version", pa.string())])
SHAPE = pa.schema(
    [
        *[(name, pa.string()) for name in ("id", "pnc_id", "given_name", "family_name")],
        ("date_of_birth", pa.string()),
        *[(name, pa.string()) for name in ("sex", "ethnicity", "area")],
        ("ogrs", OGRS),
        *[(flag, pa.bool_()) for flag in PERSON_FLAGS],
        ("mappa_level", pa.int64()),
        ("needs", pa.list_(pa.string())),
        ("convictions", pa.list_(CONVICTION)),
        ("custody", pa.list_(CUSTODY)),
    ]
)


def load_json_lines(
    con: duckdb.DuckDBPyConnection, path: Path, catalogue: Catalogue
) -> list[Reject] | None:
    """Create the three raw tables from `path`; the rejects, or None when it must be read whole."""
    data = path.read_bytes()
    if not _plain_lines(data):
        return None
    parsed, refused = _parse(data)
    con.register("jsonl_rows", parsed)
    try:
        _tables(con, str(path))
        texts = _texts(con, data, refused)
    except UnicodeDecodeError:
        return None
    finally:
        con.unregister("jsonl_rows")
    checked = [
        (line, tabular(check_record(record, catalogue)))
        for line, text in texts
        if (record := read_line(text, line)) is not None
    ]
    accepted = {line: r.person for line, r in checked if r.person is not None}
    twice = _repeats(con, accepted)
    _raw_views(con, [(n, p) for n, p in accepted.items() if n not in twice], str(path))
    checked += [
        (line, CheckedRecord(f"line {line}", None, [repeated(who, f"line {first}")]))
        for line, (who, first) in twice.items()
    ]
    return [
        reject
        for _, record in sorted(checked, key=lambda item: item[0])
        for reject in record.rejects(str(path))
    ]


def _plain_lines(data: bytes) -> bool:
    """One record a line, numbered as Python's `splitlines` numbers them.

    Blank lines are found later (pyarrow skips them, so a block's count of records falls short).
    A search for one byte is quick; the multi-byte line breaks are looked for only when their
    last byte appears.
    """
    if not data.startswith(b"{"):
        return False
    for mark in LINE_BREAKS:
        encoded = mark.encode()
        if encoded[-1:] in data and encoded in data:
            return False
    return True


def _parse(data: bytes) -> tuple[pa.Table, list[int]]:
    """The records in the schema's shape with their `line`, and the lines of refused blocks."""
    try:
        return _numbered(_read(data), 1), []
    except pa.ArrowInvalid:
        pass
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    tables, refused = [], []
    for start in range(0, len(lines), BLOCK_LINES):
        block = lines[start : start + BLOCK_LINES]
        try:
            tables.append(_numbered(_read(b"\n".join(block)), start + 1))
        except pa.ArrowInvalid:
            refused += range(start + 1, start + len(block) + 1)
    empty = _numbered(SHAPE.empty_table(), 1)
    return pa.concat_tables([empty, *tables]), refused


def _read(data: bytes) -> pa.Table:
    options = pj.ParseOptions(explicit_schema=SHAPE, unexpected_field_behavior="error")
    table = pj.read_json(io.BytesIO(data), parse_options=options)
    if table.num_rows != data.count(b"\n") + (not data.endswith(b"\n")):
        raise pa.ArrowInvalid("a line holds other than one record")
    return table


def _numbered(table: pa.Table, first_line: int) -> pa.Table:
    lines = pa.array(range(first_line, first_line + table.num_rows), pa.int64())
    return table.append_column("line", lines)


def _list(items: tuple[str, ...] | list[str]) -> str:
    return "[" + ", ".join(f"'{item}'" for item in items) + "]"


def _tables(con: duckdb.DuckDBPyConnection, source: str) -> None:
    """`jsonl_people`, `jsonl_convictions` and `jsonl_custody` in the raw tables' columns, each
    row marked `plain` when it needs nothing more than the shape and these checks; `jsonl_unplain`
    lists the lines with any row that is not."""
    con.execute(
        """
        CREATE OR REPLACE TEMP MACRO iso_day(v) AS
            regexp_full_match(v, '[0-9]{4}-[0-9]{2}-[0-9]{2}') AND v >= '0001-01-01'
            AND TRY_CAST(v AS DATE) IS NOT NULL;
        CREATE OR REPLACE TEMP MACRO iso_day_or_null(v) AS v IS NULL OR iso_day(v);
        """
    )
    file = "'" + source.replace("'", "''") + "'"
    flags = " AND ".join(f"{flag} IS NOT NULL" for flag in PERSON_FLAGS)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE jsonl_people AS
        SELECT {file} AS file, line, id, pnc_id, given_name, family_name,
               TRY_CAST(date_of_birth AS DATE) AS date_of_birth, sex, ethnicity, area,
               ogrs.score AS ogrs_score, TRY_CAST(ogrs.assessed_on AS DATE) AS ogrs_assessed_on,
               ogrs.version AS ogrs_version, probation_current,
               TRY_CAST(mappa_level AS TINYINT) AS mappa_level, sex_offender_current,
               em_acquisitive_tag, significant_intelligence, array_to_string(needs, ';') AS needs,
               coalesce(
                   regexp_full_match(id, '[!-~]([ -~]*[!-~])?') AND iso_day(date_of_birth)
                   AND {flags} AND convictions IS NOT NULL AND custody IS NOT NULL
                   AND len(list_distinct([c.id FOR c IN convictions])) = len(convictions)
                   AND (sex IS NULL OR sex IN ('M', 'F', 'X', 'U'))
                   AND (mappa_level IS NULL OR mappa_level IN (0, 1, 2, 3))
                   AND needs IS NOT NULL AND len(list_distinct(needs)) = len(needs)
                   AND len(list_filter(needs, n -> NOT list_contains({_list(NEEDS)}, n))) = 0
                   AND (ogrs IS NULL OR (ogrs.score BETWEEN 0 AND 100 AND iso_day_or_null(ogrs.assessed_on))),
                   false) AS plain
        FROM jsonl_rows
        """
    )
    conviction_flags = " AND ".join(f"{flag} IS NOT NULL" for flag in CONVICTION_FLAGS)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE jsonl_convictions AS
        SELECT {file} AS file, line, person_id, id, offence_code,
               TRY_CAST(offence_date AS DATE) AS offence_date,
               TRY_CAST(conviction_date AS DATE) AS conviction_date, attempt, conspiracy, domestic_abuse,
               description,
               coalesce(id <> '' AND offence_code IN (SELECT code FROM catalogue)
                        AND iso_day(conviction_date) AND iso_day_or_null(offence_date) AND {conviction_flags},
                        false) AS plain
        FROM (SELECT line, id AS person_id, unnest(convictions, recursive := true) FROM jsonl_rows)
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE jsonl_custody AS
        SELECT {file} AS file, line, person_id, kind, TRY_CAST(start AS DATE) AS start,
               TRY_CAST("end" AS DATE) AS "end", TRY_CAST(sentence_days AS INTEGER) AS sentence_days,
               coalesce(kind IN ('sentence', 'remand') AND iso_day(start) AND iso_day_or_null("end")
                        AND ("end" IS NULL OR "end" >= start)
                        AND (sentence_days IS NULL OR sentence_days BETWEEN 1 AND {MAX_INTEGER}),
                        false) AS plain
        FROM (SELECT line, id AS person_id, unnest(custody, recursive := true) FROM jsonl_rows)
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE jsonl_unplain AS
        SELECT line FROM jsonl_people WHERE NOT plain
        UNION SELECT line FROM jsonl_convictions WHERE NOT plain
        UNION SELECT line FROM jsonl_custody WHERE NOT plain
        """
    )


def _texts(
    con: duckdb.DuckDBPyConnection, data: bytes, refused: list[int]
) -> list[tuple[int, str]]:
    """Each line the rules core must read (refused by pyarrow or not plain), with its text."""
    unplain = con.execute("SELECT line FROM jsonl_unplain").fetchall()
    wanted = sorted({*refused, *(line for (line,) in unplain)})
    if not wanted:
        return []
    lines = data.split(b"\n")
    return [(line, lines[line - 1].decode("utf-8")) for line in wanted]


def _repeats(
    con: duckdb.DuckDBPyConnection, accepted: dict[int, Person]
) -> dict[int, tuple[str, int]]:
    """Good records whose person an earlier good record already gave: line -> (person, first line).

    `jsonl_repeated` holds their lines. A record is named by its id, or by its line when the id is
    blank, as `iom.rules.records.person_label` names it.
    """
    named = pa.table(
        {
            "line": pa.array(list(accepted), pa.int64()),
            "who": pa.array(
                [p.id if p.id.strip() else f"line {n}" for n, p in accepted.items()], pa.string()
            ),
        }
    )
    con.register("jsonl_accepted", named)
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE jsonl_repeated AS
        WITH everyone AS (
            SELECT line, id AS who FROM jsonl_people
            WHERE line NOT IN (SELECT line FROM jsonl_unplain)
            UNION ALL SELECT line, who FROM jsonl_accepted
        ), firsts AS (
            SELECT who, min(line) AS first FROM everyone GROUP BY who HAVING count(*) > 1
        )
        SELECT e.line, e.who, f.first FROM everyone e JOIN firsts f ON f.who = e.who
        WHERE e.line > f.first
        """
    )
    con.unregister("jsonl_accepted")
    rows = con.execute("SELECT line, who, first FROM jsonl_repeated").fetchall()
    return {line: (who, first) for line, who, first in rows}


def _raw_views(
    con: duckdb.DuckDBPyConnection, people: list[tuple[int, Person]], source: str
) -> None:
    """The raw tables: the plain records less repeats, and the good records the core read."""
    dropped = "SELECT line FROM jsonl_unplain UNION ALL SELECT line FROM jsonl_repeated"
    load_people(con, people, source, prefix="core")
    for name in TABLES:
        columns = ", ".join(f'"{column}"' for column in ("file", "line", *COLUMNS[name]))
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW raw_{name} AS SELECT {columns} FROM jsonl_{name} "
            f"WHERE line NOT IN ({dropped}) UNION ALL SELECT * FROM core_{name}"
        )
