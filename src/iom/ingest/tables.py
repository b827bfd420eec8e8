"""The normalised layout of a population: three tables, `people`, `convictions` and `custody`.

This is the CSV and Parquet shape that `iom synth` writes and `iom screen` reads (documented in the
README). `needs` is a `;`-separated list; the OGRS is flattened into `ogrs_score`,
`ogrs_assessed_on` and `ogrs_version`; convictions and custody carry their `person_id`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import duckdb
import pyarrow as pa

from iom.rules import Conviction, CustodyPeriod, Ogrs, Person

TABLES = ("people", "convictions", "custody")
MAX_INTEGER = 2**31 - 1  # the largest whole number an INTEGER column holds
SCHEMAS = {
    "people": pa.schema(
        [
            ("id", pa.string()),
            ("pnc_id", pa.string()),
            ("given_name", pa.string()),
            ("family_name", pa.string()),
            ("date_of_birth", pa.date32()),
            ("sex", pa.string()),
            ("ethnicity", pa.string()),
            ("area", pa.string()),
            ("ogrs_score", pa.float64()),
            ("ogrs_assessed_on", pa.date32()),
            ("ogrs_version", pa.string()),
            ("probation_current", pa.bool_()),
            ("mappa_level", pa.int8()),
            ("sex_offender_current", pa.bool_()),
            ("em_acquisitive_tag", pa.bool_()),
            ("significant_intelligence", pa.bool_()),
            ("needs", pa.string()),
        ]
    ),
    "convictions": pa.schema(
        [
            ("person_id", pa.string()),
            ("id", pa.string()),
            ("offence_code", pa.string()),
            ("offence_date", pa.date32()),
            ("conviction_date", pa.date32()),
            ("attempt", pa.bool_()),
            ("conspiracy", pa.bool_()),
            ("domestic_abuse", pa.bool_()),
            ("description", pa.string()),
        ]
    ),
    "custody": pa.schema(
        [
            ("person_id", pa.string()),
            ("kind", pa.string()),
            ("start", pa.date32()),
            ("end", pa.date32()),
            ("sentence_days", pa.int32()),
        ]
    ),
}
COLUMNS = {name: schema.names for name, schema in SCHEMAS.items()}
REQUIRED = {
    "people": ["id", "date_of_birth"],
    "convictions": ["person_id", "id", "offence_code", "conviction_date"],
    "custody": ["person_id", "kind", "start"],
}


def person_rows(p: Person) -> dict[str, list[dict[str, Any]]]:
    """One checked person as rows of the three tables."""
    person = {
        "id": p.id,
        "pnc_id": p.pnc_id,
        "given_name": p.given_name,
        "family_name": p.family_name,
        "date_of_birth": p.date_of_birth,
        "sex": p.sex,
        "ethnicity": p.ethnicity,
        "area": p.area,
        "ogrs_score": None if p.ogrs is None else p.ogrs.score,
        "ogrs_assessed_on": None if p.ogrs is None else p.ogrs.assessed_on,
        "ogrs_version": None if p.ogrs is None else p.ogrs.version,
        "probation_current": p.probation_current,
        "mappa_level": p.mappa_level,
        "sex_offender_current": p.sex_offender_current,
        "em_acquisitive_tag": p.em_acquisitive_tag,
        "significant_intelligence": p.significant_intelligence,
        "needs": ";".join(p.needs),
    }
    convictions = [
        {
            "person_id": p.id,
            "id": c.id,
            "offence_code": c.offence_code,
            "offence_date": c.offence_date,
            "conviction_date": c.conviction_date,
            "attempt": c.attempt,
            "conspiracy": c.conspiracy,
            "domestic_abuse": c.domestic_abuse,
            "description": c.description,
        }
        for c in p.convictions
    ]
    custody = [
        {
            "person_id": p.id,
            "kind": k.kind,
            "start": k.start,
            "end": k.end,
            "sentence_days": k.sentence_days,
        }
        for k in p.custody
    ]
    return {"people": [person], "convictions": convictions, "custody": custody}


def arrow_table(name: str, rows: list[dict[str, Any]], extra: pa.Schema | None = None) -> pa.Table:
    schema = SCHEMAS[name] if extra is None else pa.schema([*extra, *SCHEMAS[name]])
    return pa.Table.from_pylist(rows, schema=schema)


def load_people(
    con: duckdb.DuckDBPyConnection,
    people: Iterable[tuple[int, Person]],
    source: str,
    prefix: str = "raw",
) -> None:
    """Checked people, each with its line in `source`, as DuckDB's `<prefix>_people`,
    `<prefix>_convictions` and `<prefix>_custody`, each with `file` and `line` first."""
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    for line, person in people:
        for name, table_rows in person_rows(person).items():
            rows[name] += [{"file": source, "line": line, **row} for row in table_rows]
    where = pa.schema([("file", pa.string()), ("line", pa.int64())])
    for name in TABLES:
        con.register("arrow_rows", arrow_table(name, rows[name], where))
        con.execute(f"CREATE OR REPLACE TEMP TABLE {prefix}_{name} AS SELECT * FROM arrow_rows")
        con.unregister("arrow_rows")


def person_record(
    row: dict[str, Any], convictions: list[dict[str, Any]], custody: list[dict[str, Any]]
) -> dict[str, Any]:
    """One nested person-schema record from normalised rows (dates as date objects or ISO text)."""
    ogrs = None
    if row.get("ogrs_score") is not None:
        ogrs = {
            "score": row["ogrs_score"],
            "assessed_on": _iso(row.get("ogrs_assessed_on")),
            "version": row.get("ogrs_version"),
        }
    return {
        "id": row["id"],
        "pnc_id": row.get("pnc_id"),
        "given_name": row.get("given_name"),
        "family_name": row.get("family_name"),
        "date_of_birth": _iso(row["date_of_birth"]),
        "sex": row.get("sex"),
        "ethnicity": row.get("ethnicity"),
        "area": row.get("area"),
        "ogrs": ogrs,
        "probation_current": bool(row.get("probation_current")),
        "mappa_level": row.get("mappa_level"),
        "sex_offender_current": bool(row.get("sex_offender_current")),
        "em_acquisitive_tag": bool(row.get("em_acquisitive_tag")),
        "significant_intelligence": bool(row.get("significant_intelligence")),
        "needs": [n for n in (row.get("needs") or "").split(";") if n],
        "convictions": [
            {
                "id": c["id"],
                "offence_code": c["offence_code"],
                "offence_date": _iso(c.get("offence_date")),
                "conviction_date": _iso(c["conviction_date"]),
                "attempt": bool(c.get("attempt")),
                "conspiracy": bool(c.get("conspiracy")),
                "domestic_abuse": bool(c.get("domestic_abuse")),
                "description": c.get("description"),
            }
            for c in convictions
        ],
        "custody": [
            {
                "kind": k["kind"],
                "start": _iso(k["start"]),
                "end": _iso(k.get("end")),
                "sentence_days": k.get("sentence_days"),
            }
            for k in custody
        ],
    }


def person_from_rows(
    row: dict[str, Any], convictions: list[dict[str, Any]], custody: list[dict[str, Any]]
) -> Person:
    """A rules `Person` straight from checked, typed rows (the same as `person_record` then
    `build_person`, without turning every date into text and back)."""
    return Person(
        id=row["id"],
        date_of_birth=row["date_of_birth"],
        convictions=tuple(
            Conviction(
                id=c["id"],
                offence_code=c["offence_code"],
                conviction_date=c["conviction_date"],
                offence_date=c.get("offence_date"),
                attempt=bool(c.get("attempt")),
                conspiracy=bool(c.get("conspiracy")),
                domestic_abuse=bool(c.get("domestic_abuse")),
                description=c.get("description"),
            )
            for c in convictions
        ),
        custody=tuple(
            CustodyPeriod(k["kind"], k["start"], k.get("end"), k.get("sentence_days"))
            for k in custody
        ),
        pnc_id=row.get("pnc_id"),
        given_name=row.get("given_name"),
        family_name=row.get("family_name"),
        sex=row.get("sex"),
        ethnicity=row.get("ethnicity"),
        area=row.get("area"),
        ogrs=None
        if row.get("ogrs_score") is None
        else Ogrs(float(row["ogrs_score"]), row.get("ogrs_assessed_on"), row.get("ogrs_version")),
        probation_current=bool(row.get("probation_current")),
        mappa_level=row.get("mappa_level"),
        sex_offender_current=bool(row.get("sex_offender_current")),
        em_acquisitive_tag=bool(row.get("em_acquisitive_tag")),
        significant_intelligence=bool(row.get("significant_intelligence")),
        needs=tuple(n for n in (row.get("needs") or "").split(";") if n),
    )


def _iso(value: Any) -> str | None:
    return None if value is None else str(value)
