"""Synthetic populations: deterministic, valid, and shaped like an offender population."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path
from statistics import median

import pyarrow.parquet as pq
import pytest

from iom.rules import load_catalogue
from iom.rules.records import check_person
from iom.synth import CHUNK_SIZE, generate
from iom.synth.writers import write

UNTIL = date(2025, 12, 31)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    path = tmp_path_factory.mktemp("synth") / "people.jsonl"
    write(generate(20_000, 3, UNTIL), path)
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_same_seed_same_bytes_other_seed_other_people(tmp_path: Path) -> None:
    runs = {name: tmp_path / f"{name}.csv" for name in ("a", "b", "c")}
    for name, seed in (("a", 9), ("b", 9), ("c", 10)):
        write(generate(CHUNK_SIZE + 10, seed, UNTIL), runs[name])  # more than one chunk
    for table in ("people", "convictions", "custody"):
        first, again, other = ((runs[n] / f"{table}.csv").read_bytes() for n in ("a", "b", "c"))
        assert first == again
        assert first != other
    assert len((runs["a"] / "people.csv").read_text().splitlines()) == CHUNK_SIZE + 10 + 1


def test_jsonl_is_deterministic_too(tmp_path: Path) -> None:
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    write(generate(500, 9, UNTIL), a)
    write(generate(500, 9, UNTIL), b)
    assert a.read_bytes() == b.read_bytes()


def test_every_record_is_valid_input(sample: list[dict]) -> None:
    catalogue = load_catalogue()
    problems = [str(e) for record in sample for e in check_person(record, catalogue)]
    assert problems == []
    assert len({r["id"] for r in sample}) == len(sample)


def test_tables_hold_the_same_population(tmp_path: Path, sample: list[dict]) -> None:
    folder = tmp_path / "pop.parquet"
    counts = write(generate(20_000, 3, UNTIL), folder)
    assert counts["people"] == pq.read_metadata(folder / "people.parquet").num_rows == 20_000
    assert counts["convictions"] == sum(len(r["convictions"]) for r in sample)
    assert counts["custody"] == sum(len(r["custody"]) for r in sample)


def age(record: dict) -> float:
    return (UNTIL - date.fromisoformat(record["date_of_birth"])).days / 365.25


def test_shaped_like_an_offender_population(sample: list[dict]) -> None:
    n = len(sample)
    sexes = Counter(r["sex"] for r in sample)
    assert 0.83 < sexes["M"] / n < 0.87
    ages = [age(r) for r in sample]
    assert 0.04 < sum(a < 18 for a in ages) / n < 0.08
    by_band = Counter(int(a // 5) * 5 for a in ages if a >= 18)
    assert by_band.most_common(1)[0][0] in (20, 25)  # the peak is in the early twenties
    assert 22 < median(ages) < 35
    assert Counter(r["ethnicity"] for r in sample).most_common(1)[0][0] == "W1"
    assert len({r["ethnicity"] for r in sample}) >= 15


def test_offences_and_repeat_offending(sample: list[dict]) -> None:
    codes = Counter(c["offence_code"] for r in sample for c in r["convictions"])
    top = [code for code, _ in codes.most_common(4)]
    assert "04600" in top
    assert "10501" in top
    catalogue = load_catalogue()
    groups = Counter(catalogue[code].text("derbyshire_group") for code in codes.elements())
    total = sum(groups.values())
    assert 0.03 < groups["burglary"] / total < 0.10
    assert 0.005 < groups["robbery"] / total < 0.03
    counts = sorted((len(r["convictions"]) for r in sample), reverse=True)
    assert 8 < sum(counts) / len(counts) < 12  # about ten convictions a person
    assert sum(counts[: len(counts) // 10]) / sum(counts) > 0.35  # a prolific few


def test_custody_ogrs_and_rare_statuses(sample: list[dict]) -> None:
    n = len(sample)
    spells = [k for r in sample for k in r["custody"]]
    assert any(k["end"] is None for k in spells)  # some are still inside
    assert any(k["kind"] == "remand" for k in spells)
    assert all(
        k["sentence_days"] is None or k["sentence_days"] >= 14
        for k in spells
        if k["kind"] == "sentence"
    )
    with_ogrs = [r for r in sample if r["ogrs"]]
    assert 0.5 < len(with_ogrs) / n < 0.8
    prolific = [r["ogrs"]["score"] for r in with_ogrs if len(r["convictions"]) >= 20]
    occasional = [r["ogrs"]["score"] for r in with_ogrs if len(r["convictions"]) <= 2]
    assert median(prolific) > median(occasional) + 10  # OGRS follows the record
    assert sum(r["mappa_level"] in (2, 3) for r in sample) / n < 0.03
    assert 0 < sum(r["sex_offender_current"] for r in sample) / n < 0.03
    assert 0 < sum(r["em_acquisitive_tag"] for r in sample) / n < 0.01
    assert sum(bool(r["needs"]) for r in sample) / n > 0.5


def test_children_are_never_on_probation() -> None:
    """Young people are supervised by the youth justice service (issue 12, item 8)."""
    import json
    import tempfile
    from datetime import date
    from pathlib import Path

    from iom.rules.dates import is_under
    from iom.synth import generate
    from iom.synth.writers import write

    until = date(2025, 12, 31)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "people.jsonl"
        write(generate(3000, 5, until), path)
        people = [json.loads(line) for line in path.read_text().splitlines()]
    young = [p for p in people if is_under(18, date.fromisoformat(p["date_of_birth"]), until)]
    assert young
    assert not any(p.get("probation_current") for p in young)
