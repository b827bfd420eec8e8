"""Bad rows are reported with file, line and field, kept aside, and the rest is screened."""

from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path

import pytest

from tests.helpers import run_iom

PEOPLE = """id,date_of_birth,ogrs_score,probation_current,needs
P1,1990-01-01,60,true,accommodation
P2,1990-13-45,60,true,
P3,1985-05-05,70,true,
P4,1992-02-02,55,yes,
P5,1993-03-03,,false,gardening
P1,1991-01-01,,false,
P6,1994-04-04,80,true,
"""
CONVICTIONS = """person_id,id,offence_code,conviction_date,domestic_abuse
P1,C1,02803,2025-06-01,false
P3,C1,99999,2025-06-01,false
P9,C1,02803,2025-06-01,false
P6,C1,03401,2025-07-01,false
P6,C2,03401,2025-02-30,false
"""
CUSTODY = """person_id,kind,start,end,sentence_days
P3,sentence,2024-01-01,2023-12-01,100
P1,parole,2020-01-01,2020-02-01,
"""


@pytest.fixture
def extract(tmp_path: Path) -> Path:
    folder = tmp_path / "extract.csv"
    folder.mkdir()
    (folder / "people.csv").write_text(PEOPLE)
    (folder / "convictions.csv").write_text(CONVICTIONS)
    (folder / "custody.csv").write_text(CUSTODY)
    return folder


def iom_screen(source: Path, output: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    args = [
        "screen",
        "--policy",
        "derbyshire-2021",
        "--as-of",
        "2025-12-31",
        "--input",
        str(source),
        "--output",
        str(output),
    ]
    return run_iom(*args, *extra)


def rejects_of(path: Path) -> list[dict[str, str]]:
    with path.open() as handle:
        return list(csv.DictReader(handle))


def test_each_bad_row_is_named_and_kept_aside(extract: Path, tmp_path: Path) -> None:
    output = tmp_path / "out.jsonl"
    result = iom_screen(extract, output)
    assert result.returncode == 2
    people_csv, convictions_csv, custody_csv = (
        str(extract / f"{n}.csv") for n in ("people", "convictions", "custody")
    )
    found = {
        (r["file"], r["line"], r["person"], r["field"], r["reason"])
        for r in rejects_of(Path(str(output) + ".rejects.csv"))
    }
    assert found == {
        (people_csv, "3", "P2", "date_of_birth", "'1990-13-45' is not a date"),
        (people_csv, "5", "P4", "probation_current", "'yes' should be true or false"),
        (people_csv, "6", "P5", "needs", "has an unknown need: gardening"),
        (people_csv, "7", "P1", "id", "'P1' appears more than once (first at line 2)"),
        (
            convictions_csv,
            "3",
            "P3",
            "offence_code",
            "conviction C1: offence code '99999' is not in the offence catalogue",
        ),
        (
            convictions_csv,
            "4",
            "P9",
            "person_id",
            "'P9' is not a person in the people table (conviction for an unknown person)",
        ),
        (convictions_csv, "6", "P6", "conviction_date", "'2025-02-30' is not a date"),
        (custody_csv, "2", "P3", "end", "'2023-12-01' is before the start '2024-01-01'"),
        (custody_csv, "3", "P1", "kind", "'parole' is not one of 'sentence', 'remand'"),
    }
    # everyone with a rejected row is held back; nobody else is
    assert [json.loads(line)["person_id"] for line in output.read_text().splitlines()] == []
    assert "9 rejected rows" in result.stderr
    assert "6 people held back" in result.stderr


def test_good_people_are_still_screened(extract: Path, tmp_path: Path) -> None:
    (extract / "people.csv").write_text(PEOPLE + "P7,1980-01-01,90,true,\n")
    (extract / "convictions.csv").write_text(CONVICTIONS + "P7,C1,03401,2025-11-01,false\n")
    output = tmp_path / "out.jsonl"
    assert iom_screen(extract, output).returncode == 2
    [row] = [json.loads(line) for line in output.read_text().splitlines()]
    assert row["person_id"] == "P7"
    assert row["outcome"] == "eligible"


def test_a_rerun_gives_identical_files(extract: Path, tmp_path: Path) -> None:
    (extract / "people.csv").write_text(PEOPLE + "P7,1980-01-01,90,true,\n")
    (extract / "convictions.csv").write_text(CONVICTIONS + "P7,C1,03401,2025-11-01,false\n")
    for suffix in (".jsonl", ".csv", ".parquet"):
        first, second = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
        iom_screen(extract, first)
        iom_screen(extract, second)
        assert first.read_bytes() == second.read_bytes()
        assert (
            Path(str(first) + ".rejects.csv").read_bytes()
            == Path(str(second) + ".rejects.csv").read_bytes()
        )


def test_bad_jsonl_records_read_as_iom_assess_reports_them(tmp_path: Path) -> None:
    source = tmp_path / "people.jsonl"
    good = {
        "id": "G1",
        "date_of_birth": "1990-01-01",
        "convictions": [{"id": "C1", "offence_code": "02803", "conviction_date": "2025-06-01"}],
    }
    bad = {"id": "BAD2", "date_of_birth": "1990-13-45", "convictions": []}
    source.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\nnot json\n")
    output = tmp_path / "out.csv"
    assert iom_screen(source, output).returncode == 2
    found = [
        (r["line"], r["person"], r["field"], r["reason"])
        for r in rejects_of(Path(str(output) + ".rejects.csv"))
    ]
    assert found == [
        ("2", "BAD2", "date_of_birth", "'1990-13-45' is not a date"),
        ("3", "", "", "not valid JSON: Expecting value at column 1"),
    ]
    assert output.read_text().count("\n") == 2  # header and G1


def test_records_the_tables_cannot_hold_are_rejects_not_a_failed_run(tmp_path: Path) -> None:
    """The core takes them, but DuckDB cannot hold them: before, the whole screen failed."""
    source = tmp_path / "people.jsonl"
    lines = [
        '{"id": "S1", "given_name": "\\ud800", "date_of_birth": "1990-01-01", "convictions": []}',
        json.dumps(
            {
                "id": "S2",
                "date_of_birth": "1990-01-01",
                "convictions": [],
                "custody": [{"kind": "sentence", "start": "2020-01-01", "sentence_days": 2**40}],
            }
        ),
        '{"id": "S3", "date_of_birth": "1990-01-01", "convictions": [], "ogrs": {"score": NaN}}',
        json.dumps({"id": "G1", "date_of_birth": "1990-01-01", "convictions": []}),
    ]
    source.write_text("\n".join(lines) + "\n")
    output = tmp_path / "out.csv"
    assert iom_screen(source, output).returncode == 2
    found = [
        (r["person"], r["field"], r["reason"])
        for r in rejects_of(Path(str(output) + ".rejects.csv"))
    ]
    assert found == [
        ("S1", "given_name", "contains a character that is not text (a lone surrogate)"),
        (
            "S2",
            "custody[0].sentence_days",
            "1099511627776 is more days than can be held (at most 2,147,483,647)",
        ),
        ("S3", "ogrs.score", "NaN is not a number"),
    ]
    assert output.read_text().count("\n") == 2  # header and G1


def test_an_unreadable_input_is_one_plain_error(tmp_path: Path) -> None:
    folder = tmp_path / "empty.parquet"
    folder.mkdir()
    result = iom_screen(folder, tmp_path / "out.csv")
    assert result.returncode == 2
    assert "needs people.parquet or people.csv" in result.stderr


def test_unknown_column_is_refused(extract: Path, tmp_path: Path) -> None:
    (extract / "people.csv").write_text("id,date_of_birth,shoe_size\nP1,1990-01-01,9\n")
    result = iom_screen(extract, tmp_path / "out.csv")
    assert result.returncode == 2
    assert "unknown column 'shoe_size'" in result.stderr


def test_csv_cells_that_would_run_as_formulas_are_defused(tmp_path: Path) -> None:
    """Finding 12: a spreadsheet opening the results or the rejects runs no formula from the feed."""
    folder = tmp_path / "extract"
    folder.mkdir()
    (folder / "people.csv").write_text(
        "id,date_of_birth,area,ogrs_score\n"
        '"=HYPERLINK(""http://example.invalid"",""x"")",1990-01-01,+area,60\n'
        "@SUM(1),1990-13-45,-area,60\n"
        '"\tTAB",1990-01-01,Derby City,-1\n'
    )
    (folder / "convictions.csv").write_text("person_id,id,offence_code,conviction_date\n")
    (folder / "custody.csv").write_text("person_id,kind,start\n")
    output = tmp_path / "out.csv"
    iom_screen(folder, output)
    results = output.read_text()
    rejects = Path(f"{output}.rejects.csv").read_text()
    for text in (results, rejects):
        for row in csv.reader(text.splitlines()):
            assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in row), row
    assert "'=HYPERLINK" in results
    assert "'@SUM(1)" in rejects
