"""Write people in each input layout and compare screened rows with the rules core."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from iom.ingest.tables import TABLES, arrow_table, person_record, person_rows
from iom.rules import Person, assess, load_catalogue, load_policy
from iom.screening.reasons import split
from iom.screening.render import plain
from iom.screening.run import screen

POLICIES = ("derbyshire-2021", "nottinghamshire-yjs-2022")


def write_jsonl(people: list[Person], path: Path) -> Path:
    lines = []
    for person in people:
        rows = person_rows(person)
        lines.append(
            json.dumps(person_record(rows["people"][0], rows["convictions"], rows["custody"]))
        )
    path.write_text("\n".join(lines) + "\n")
    return path


def write_tables(people: list[Person], folder: Path, fmt: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    for person in people:
        for name, table_rows in person_rows(person).items():
            rows[name] += table_rows
    for name in TABLES:
        table = arrow_table(name, rows[name])
        if fmt == "parquet":
            pq.write_table(table, folder / f"{name}.parquet")
        else:
            pacsv.write_csv(table, folder / f"{name}.csv")
    return folder


def screened(source: Path, policy_id: str, as_of: date, out: Path) -> list[dict[str, Any]]:
    """The rows `iom screen` wrote: in words (.jsonl), or compact with dates as text (.parquet)."""
    screen(source, load_policy(policy_id), as_of, out, load_catalogue())
    if out.suffix == ".parquet":
        return [plain(row) for row in pq.read_table(out).to_pylist()]
    return [json.loads(line) for line in out.read_text().splitlines()]


def decision(row: dict[str, Any]) -> dict[str, Any]:
    """Every decision field, and the reasons by code, in order, whether in words or compact."""
    codes = (
        split(row["reason_codes"]) if "reason_codes" in row else [r["code"] for r in row["reasons"]]
    )
    return {
        **{k: v for k, v in row.items() if k not in ("reasons", "reason_codes", "evidence")},
        "reason_codes": codes,
    }


def core_rows(people: list[Person], policy_id: str, as_of: date) -> list[dict[str, Any]]:
    """What `iom assess` writes for each person: every field, reasons in words."""
    policy, catalogue = load_policy(policy_id), load_catalogue()
    return [assess(p, policy, as_of, catalogue).to_json() for p in people]


def core_decisions(people: list[Person], policy_id: str, as_of: date) -> list[dict[str, Any]]:
    return [decision(row) for row in core_rows(people, policy_id, as_of)]


def assert_equal_to_core(
    rows: list[dict[str, Any]], people: list[Person], policy_id: str, as_of: date
) -> None:
    expected = core_decisions(people, policy_id, as_of)
    assert len(rows) == len(expected)
    for got, want in zip(rows, expected, strict=True):
        assert decision(got) == want, f"{want['person_id']} under {policy_id} on {as_of}"
