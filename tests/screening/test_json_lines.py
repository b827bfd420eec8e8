"""JSON Lines read in bulk load the very tables and rejects that reading record by record does."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iom.ingest.json_lines import CONVICTION, CUSTODY, OGRS, SHAPE, load_json_lines
from iom.ingest.loading import connect, load, load_record_by_record, register_catalogue
from iom.ingest.tables import TABLES, person_record, person_rows
from iom.rules import Person, load_catalogue
from iom.rules.records import person_validator
from tests.strategies import populations

Record = dict[str, Any]


def _set(field: str, value: Any) -> Callable[[Record], Record]:
    return lambda record: {**record, field: value}


def _on_first_conviction(field: str, value: Any) -> Callable[[Record], Record]:
    def change(record: Record) -> Record:
        if not record["convictions"]:
            return record
        first = {**record["convictions"][0], field: value}
        return {**record, "convictions": [first, *record["convictions"][1:]]}

    return change


def _without(field: str) -> Callable[[Record], Record]:
    return lambda record: {k: v for k, v in record.items() if k != field}


def _twice_convicted(record: Record) -> Record:
    return {**record, "convictions": record["convictions"] + record["convictions"][:1]}


MUTATIONS: list[Callable[[Record], Record]] = [
    _set("id", 5),
    _set("id", " "),
    _set("id", "P1"),  # a person id used twice
    _set("date_of_birth", "2001-02-30"),
    _set("date_of_birth", "20010203"),
    _set("sex", "male"),
    _set("mappa_level", 2.0),
    _set("mappa_level", 4),
    _set("probation_current", None),
    _set("probation_current", "true"),
    _set("needs", ["housing"]),
    _set("needs", ["alcohol", "alcohol"]),
    _set("needs", None),
    _set("ogrs", {"score": 101}),
    _set("ogrs", {"assessed_on": "2020-01-01"}),
    _set("ogrs", {"score": 40, "assessed_on": "yesterday"}),
    _set("ogrs", {"score": "40"}),
    _set("needs", "alcohol"),
    _set("custody", [{"kind": "remand", "start": "2020-05-01", "end": "2020-04-01"}]),
    _set("custody", [{"kind": "sentence", "start": "2020-05-01", "sentence_days": 0}]),
    _set("custody", [{"kind": "sentence", "start": "2020-05-01", "sentence_days": 1.5}]),
    _set("custody", None),
    _set("nickname", "Ace"),
    _without("probation_current"),
    _without("custody"),
    _without("convictions"),
    _on_first_conviction("offence_code", "99999"),
    _on_first_conviction("conviction_date", "2020-13-01"),
    _on_first_conviction("attempt", None),
    _on_first_conviction("id", ""),
    _on_first_conviction("colour", "red"),
    _twice_convicted,
    # Good to the core, but not as the tables can hold it: a lone surrogate, too many days.
    _set("given_name", "\ud800"),
    _set("custody", [{"kind": "sentence", "start": "2020-05-01", "sentence_days": 2**40}]),
    _set("ogrs", {"score": float("nan")}),
    _on_first_conviction("description", "Took a bicycle from a shed"),
]


def _record(person: Person) -> Record:
    rows = person_rows(person)
    return person_record(rows["people"][0], rows["convictions"], rows["custody"])


def _lines(records: list[Record], odd: list[int]) -> str:
    lines = [json.dumps(r) for r in records]
    for position in odd:  # lines that are not records at all
        lines.insert(min(position, len(lines)), "[1, 2]" if position % 2 else "{not json")
    return "\n".join(lines) + "\n"


def _loaded(path: Path, bulk: bool) -> tuple[list[Any], dict[str, list[Any]]]:
    con, catalogue = connect(), load_catalogue()
    register_catalogue(con, catalogue)
    rejects = load(con, path, catalogue) if bulk else load_record_by_record(con, path, catalogue)
    tables = {
        name: con.execute(f"SELECT * FROM raw_{name} ORDER BY ALL").fetchall() for name in TABLES
    }
    return sorted(rejects), tables


def _same_either_way(records: list[Record], odd: list[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "people.jsonl"
        path.write_text(_lines(records, odd))
        assert _loaded(path, bulk=True) == _loaded(path, bulk=False)


@pytest.mark.parametrize("mutate", MUTATIONS)
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(populations(max_size=4), st.integers(0, 3))
def test_each_kind_of_bad_record_is_read_as_the_core_reads_it(
    mutate: Callable[[Record], Record], population: tuple[date, list[Person]], index: int
) -> None:
    records = [_record(p) for p in population[1]]
    records[min(index, len(records) - 1)] = mutate(records[min(index, len(records) - 1)])
    _same_either_way(records, [])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    populations(max_size=8),
    st.lists(st.tuples(st.integers(0, 7), st.sampled_from(MUTATIONS)), max_size=6),
    st.lists(st.integers(0, 9), max_size=2),
)
def test_mixed_files_load_the_same_either_way(
    population: tuple[date, list[Person]],
    mutations: list[tuple[int, Callable[[Record], Record]]],
    odd: list[int],
) -> None:
    _as_of, people = population
    records = [_record(p) for p in people]
    for index, mutate in mutations:
        if index < len(records):
            records[index] = mutate(records[index])
    _same_either_way(records, odd)


def test_the_shape_pyarrow_reads_is_the_person_schema() -> None:
    """A field the schema lacks would be read in bulk yet refused by the core: none may be."""
    schema = person_validator().schema["properties"]
    assert sorted(SHAPE.names) == sorted(schema)
    for name, kind in (("convictions", CONVICTION), ("custody", CUSTODY), ("ogrs", OGRS)):
        fields = schema[name]["items"] if "items" in schema[name] else schema[name]
        names = [kind.field(i).name for i in range(kind.num_fields)]
        assert sorted(names) == sorted(fields["properties"])


def test_good_lines_go_in_around_a_bad_block(tmp_path: Path) -> None:
    """A value of the wrong type fails pyarrow's whole block; its good lines still go in."""
    good = {"id": "A1", "date_of_birth": "1990-01-01", "convictions": [], "custody": []}
    lines = [json.dumps({**good, "id": f"A{n}"}) for n in range(1, 8)]
    lines[3] = json.dumps({**good, "id": "A4", "mappa_level": "two"})
    path = tmp_path / "people.jsonl"
    path.write_text("\n".join(lines) + "\n")
    con, catalogue = connect(), load_catalogue()
    register_catalogue(con, catalogue)
    rejects = load_json_lines(con, path, catalogue)
    assert rejects == [(str(path), 4, "A4", "mappa_level", "'two' is not one of 0, 1, 2, 3, null")]
    ids = [row[0] for row in con.execute("SELECT id FROM raw_people ORDER BY line").fetchall()]
    assert ids == ["A1", "A2", "A3", "A5", "A6", "A7"]


def test_files_that_are_not_plain_json_lines_are_left_to_the_record_reader(
    tmp_path: Path,
) -> None:
    con, catalogue = connect(), load_catalogue()
    good = json.dumps({"id": "A1", "date_of_birth": "1990-01-01", "convictions": []})
    for name, text in {
        "array.jsonl": f"[{good}]",
        "blank-first.jsonl": f"\n{good}\n",
        "windows.jsonl": f"{good}\r\n{good}\r\n",
        "separator.jsonl": f"{good}\u2028\n{good}\n",
    }.items():
        path = tmp_path / name
        path.write_text(text, newline="")
        assert load_json_lines(con, path, catalogue) is None, name
