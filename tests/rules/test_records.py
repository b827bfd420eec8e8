"""Input validation: every problem names the person, the field path and what is wrong."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings

from iom.rules import InvalidRecord, Person, check_person, load_catalogue, person_from_json
from tests.helpers import conviction, record
from tests.strategies import cases


def problems(data: Any) -> list[str]:
    return [str(e) for e in check_person(data, load_catalogue(), "line 3")]


def test_a_good_record_has_no_problems_and_builds_a_person() -> None:
    data = record(
        ogrs={"score": 55, "assessed_on": "2024-01-01", "version": "OGRS3"},
        needs=["accommodation"],
        convictions=[conviction("C1", "02803", "2024-03-01", attempt=True)],
        custody=[{"kind": "sentence", "start": "2020-01-01", "end": None, "sentence_days": 10}],
    )
    assert problems(data) == []
    person = person_from_json(data, load_catalogue())
    assert person.ogrs is not None
    assert person.ogrs.score == 55
    assert person.convictions[0].attempt
    assert person.custody[0].end is None


def test_bad_date_names_person_and_field() -> None:
    assert problems(record(id="BAD2", date_of_birth="1990-13-45")) == [
        "BAD2: date_of_birth: '1990-13-45' is not a date"
    ]


def test_loose_date_forms_are_refused() -> None:
    assert problems(record(date_of_birth="19900101")) == [
        "P1: date_of_birth: '19900101' is not a date"
    ]


def test_nested_paths() -> None:
    data = record(
        convictions=[conviction("C1", "02803", "2024-02-30"), {"id": "C2", "offence_code": "02803"}]
    )
    assert problems(data) == [
        "P1: convictions[0].conviction_date: '2024-02-30' is not a date",
        "P1: convictions[1].conviction_date: is required but missing",
    ]


def test_unknown_field_is_named() -> None:
    assert problems(record(colour="red")) == ["P1: colour: unknown field"]
    data = record(convictions=[{**conviction("C1", "02803", "2024-01-01"), "court": "Derby"}])
    assert problems(data) == ["P1: convictions[0].court: unknown field"]


def test_unknown_offence_code_names_person_conviction_and_code() -> None:
    data = record(id="X9", convictions=[conviction("C7", "99999", "2024-01-01")])
    assert problems(data) == [
        "X9: convictions[0].offence_code: conviction C7: offence code '99999' is not in the offence catalogue"
    ]


def test_wrong_types_and_enums() -> None:
    assert problems(record(probation_current="yes")) == [
        "P1: probation_current: 'yes' should be true or false"
    ]
    assert problems(record(mappa_level=4)) == ["P1: mappa_level: 4 is not one of 0, 1, 2, 3, null"]
    assert problems(record(ogrs={"score": 101})) == [
        "P1: ogrs.score: 101 is greater than the maximum of 100"
    ]


def test_missing_id_is_named_by_position() -> None:
    data = record()
    del data["id"]
    assert problems(data) == ["line 3: id: is required but missing"]


def test_not_an_object() -> None:
    assert problems(["a list"]) == ["line 3: (record): ['a list'] should be an object"]


def test_custody_ending_before_it_starts() -> None:
    data = record(custody=[{"kind": "remand", "start": "2024-02-01", "end": "2024-01-01"}])
    assert problems(data) == ["P1: custody[0].end: '2024-01-01' is before the start '2024-02-01'"]


def test_an_ogrs_score_of_nan_is_not_a_number() -> None:
    """Python's JSON reader takes NaN, and no bound refuses it: every comparison is false."""
    assert problems(record(ogrs={"score": float("nan")})) == ["P1: ogrs.score: NaN is not a number"]


def test_duplicate_conviction_ids() -> None:
    data = record(
        convictions=[
            conviction("C1", "02803", "2024-01-01"),
            conviction("C1", "03401", "2024-01-02"),
        ]
    )
    assert problems(data) == ["P1: convictions[1].id: conviction id 'C1' is used twice"]


def test_person_from_json_raises_with_every_error() -> None:
    with pytest.raises(InvalidRecord) as raised:
        person_from_json(record(date_of_birth="x", sex="Q"), load_catalogue())
    assert len(raised.value.errors) == 2


@settings(max_examples=100, deadline=None)
@given(cases())
def test_typed_rows_make_the_same_person_as_the_record_path(case: tuple[date, Person]) -> None:
    """The import's fast path (typed rows straight to a Person) equals rows -> record -> Person."""
    from iom.ingest.tables import person_from_rows, person_record, person_rows
    from iom.rules.records import build_person

    _, someone = case
    rows = person_rows(someone)
    fast = person_from_rows(rows["people"][0], rows["convictions"], rows["custody"])
    assert fast == build_person(
        person_record(rows["people"][0], rows["convictions"], rows["custody"])
    )
