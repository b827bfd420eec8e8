"""`iom assess` and `iom policies`, run as a user would run them."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from tests.helpers import conviction, record, run_iom

SCHEMA = Path(__file__).parents[2] / "src/iom/rules/schemas/assessment.schema.json"
GOOD = [
    record(
        id="A1",
        ogrs={"score": 60},
        probation_current=True,
        convictions=[conviction("C1", "02803", "2024-03-01")],
    ),
    record(id="A2", convictions=[conviction("C1", "04600", "2024-03-01")]),
]


def iom(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return run_iom(*args, stdin=stdin)


def lines(result: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def assess_args(*extra: str, policy: str = "derbyshire-2021") -> list[str]:
    return ["assess", "--policy", policy, "--as-of", "2024-06-30", *extra]


@pytest.mark.parametrize(
    "text",
    [
        "\n".join(json.dumps(r) for r in GOOD) + "\n",  # JSON Lines
        json.dumps(GOOD, indent=2),  # array
    ],
    ids=["jsonl", "array"],
)
def test_assesses_every_person_in_input_order(tmp_path: Path, text: str) -> None:
    path = tmp_path / "people.json"
    path.write_text(text)
    result = iom(*assess_args(str(path)))
    assert result.returncode == 0, result.stderr
    out = lines(result)
    assert [o["person_id"] for o in out] == ["A1", "A2"]
    assert out[0]["outcome"] == "eligible"
    assert out[0]["cohort"] == "fixed"
    assert out[1]["outcome"] == "not_eligible"
    validator = Draft202012Validator(json.loads(SCHEMA.read_text()), format_checker=FormatChecker())
    for assessment in out:
        assert list(validator.iter_errors(assessment)) == []


def test_one_object_from_stdin_under_the_matrix() -> None:
    result = iom(
        *assess_args("-", policy="nottinghamshire-yjs-2022"), stdin=json.dumps(GOOD[0], indent=1)
    )
    assert result.returncode == 0, result.stderr
    [out] = lines(result)
    assert out["matrix_score"] == 5
    assert out["refer_to_selection_meeting"] is False
    assert out["policy"] == "nottinghamshire-yjs-2022"


def test_bad_records_are_reported_and_the_good_still_assessed(tmp_path: Path) -> None:
    bad_date = record(id="BAD2", date_of_birth="1990-13-45")
    bad_code = record(id="BAD3", convictions=[conviction("C9", "99999", "2024-01-01")])
    path = tmp_path / "mixed.jsonl"
    rows = [
        json.dumps(GOOD[0]),
        json.dumps(bad_date),
        "{not json",
        json.dumps(bad_code),
        json.dumps(GOOD[1]),
        json.dumps(GOOD[0]),
    ]
    path.write_text("\n".join(rows) + "\n")
    result = iom(*assess_args(str(path)))
    assert result.returncode == 2
    assert [o["person_id"] for o in lines(result)] == ["A1", "A2"]
    assert f"{path}: line 2: BAD2: date_of_birth: '1990-13-45' is not a date" in result.stderr
    assert f"{path}: line 3: not valid JSON" in result.stderr
    assert (
        "line 4: BAD3: convictions[0].offence_code: conviction C9: offence code '99999'"
        in result.stderr
    )
    assert "line 6: A1: id: 'A1' appears more than once (first at line 1)" in result.stderr
    assert "4 records were not assessed" in result.stderr


def test_explain_reads_as_prose() -> None:
    result = iom(*assess_args("--explain", "-"), stdin=json.dumps(GOOD[0]))
    assert result.returncode == 0, result.stderr
    assert "Eligible" in result.stdout
    assert "FIXED_NEIGHBOURHOOD_CRIME_MET" in result.stdout
    assert "current to probation" in result.stdout
    assert "on 30 June 2024" in result.stdout
    assert not re.search(r"\d{4}-\d{2}-\d{2}", result.stdout)  # one date format: 30 June 2024
    assert not result.stdout.lstrip().startswith("{")


def test_explain_names_an_exclusion_in_words() -> None:
    excluded = {**GOOD[0], "mappa_level": 2}
    result = iom(*assess_args("--explain", "-"), stdin=json.dumps(excluded))
    assert result.returncode == 0, result.stderr
    assert "Managed at MAPPA level 2 or 3" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["assess", "--policy", "kent-2020", "--as-of", "2024-06-30", "-"],
            "no policy 'kent-2020'",
        ),
        (["assess", "--policy", "derbyshire-2021", "--as-of", "2024-02-30", "-"], "is not a date"),
        (
            ["assess", "--policy", "derbyshire-2021", "--as-of", "2024-06-30", "/no/such/file"],
            "cannot read",
        ),
    ],
)
def test_usage_errors_are_plain_messages(args: list[str], message: str) -> None:
    result = iom(*args, stdin="")
    assert result.returncode == 2
    assert message in result.stderr


def test_unreadable_array_names_the_place() -> None:
    result = iom(*assess_args("-"), stdin='[{"id": "A"},\n  oops]')
    assert result.returncode == 2
    assert "not valid JSON at line 2" in result.stderr


def test_policies_lists_every_parameter() -> None:
    result = iom("policies")
    assert result.returncode == 0
    for text in (
        "derbyshire-2021",
        "nottinghamshire-yjs-2022",
        "fixed_min_ogrs",
        "matrix_threshold",
        "P12M",
    ):
        assert text in result.stdout
