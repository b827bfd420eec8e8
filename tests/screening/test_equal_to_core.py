"""The batch screen gives the rules core's decisions, person by person, whatever the input layout."""

from __future__ import annotations

import json
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from iom.rules import Person, load_catalogue, load_policy
from iom.rules.records import build_person
from iom.screening.render import Disagreement, assessment
from iom.synth import generate
from iom.synth.writers import write
from tests.screening.helpers import (
    POLICIES,
    assert_equal_to_core,
    core_rows,
    screened,
    write_jsonl,
    write_tables,
)
from tests.strategies import populations


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(populations())
def test_generated_populations_match_the_core(population: tuple[date, list[Person]]) -> None:
    as_of, people = population
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sources = [
            write_jsonl(people, folder / "people.jsonl"),
            write_tables(people, folder / "tables.parquet", "parquet"),
            write_tables(people, folder / "tables.csv", "csv"),
        ]
        for policy_id in POLICIES:
            in_words = core_rows(people, policy_id, as_of)
            for source in sources:
                out = f"{source.name}-{policy_id}"
                compact = screened(source, policy_id, as_of, folder / f"{out}.parquet")
                assert_equal_to_core(compact, people, policy_id, as_of)
                assert screened(source, policy_id, as_of, folder / f"{out}.jsonl") == in_words


@pytest.fixture(scope="module")
def synthetic_20k(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[Person]]:
    folder = tmp_path_factory.mktemp("synth")
    jsonl, tables = folder / "people.jsonl", folder / "people.parquet"
    write(generate(20_000, 42, date(2025, 12, 31)), jsonl)
    write(generate(20_000, 42, date(2025, 12, 31)), tables)
    people = [build_person(json.loads(line)) for line in jsonl.read_text().splitlines()]
    return jsonl, tables, people


@pytest.mark.parametrize("policy_id", POLICIES)
@pytest.mark.parametrize("as_of", [date(2025, 12, 31), date(2024, 2, 29)])
def test_20000_synthetic_people_field_by_field(
    synthetic_20k: tuple[Path, Path, list[Person]], policy_id: str, as_of: date, tmp_path: Path
) -> None:
    _jsonl, tables, people = synthetic_20k
    assert len(people) == 20_000
    rows = screened(tables, policy_id, as_of, tmp_path / "out.parquet")
    assert_equal_to_core(rows, people, policy_id, as_of)
    if policy_id == "derbyshire-2021":
        outcomes = {row["outcome"] for row in rows}
        assert outcomes == {"eligible", "consider", "excluded", "not_eligible"}


def test_jsonl_and_tables_give_identical_files(
    synthetic_20k: tuple[Path, Path, list[Person]], tmp_path: Path
) -> None:
    jsonl, tables, _ = synthetic_20k
    a = screened(jsonl, "derbyshire-2021", date(2025, 12, 31), tmp_path / "a.parquet")
    b = screened(tables, "derbyshire-2021", date(2025, 12, 31), tmp_path / "b.parquet")
    assert a == b


def test_a_row_that_disagrees_with_the_core_is_not_rendered(
    synthetic_20k: tuple[Path, Path, list[Person]], tmp_path: Path
) -> None:
    _jsonl, tables, people = synthetic_20k
    policy, catalogue = load_policy("derbyshire-2021"), load_catalogue()
    rows = screened(tables, policy.id, date(2025, 12, 31), tmp_path / "out.parquet")[:50]
    for row, person in zip(rows, people, strict=False):
        assert assessment(row, person, policy, catalogue)["reasons"][0]["code"] == "WINDOWS"
    codes = rows[0]["reason_codes"].split()
    swapped = {**rows[0], "reason_codes": " ".join([codes[1], codes[0], *codes[2:]])}
    with pytest.raises(Disagreement, match="reason_codes"):
        assessment(swapped, people[0], policy, catalogue)
    moved = {**rows[0], "css_score": rows[0]["css_score"] + 1}
    with pytest.raises(Disagreement, match="css_score"):
        assessment(moved, people[0], policy, catalogue)
