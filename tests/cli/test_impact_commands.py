"""`iom impact` and `iom fairness`, run as a user would, against the contract in issue 10."""

from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path

from tests.helpers import conviction, record, run_iom

MEMBERSHIP_HEADER = "person_id,scheme,cohort,area,start,end,end_reason\n"
STAGE_HEADER = "person_id,ethnicity,sex,date_of_birth,stage\n"


def impact(tmp_path: Path, memberships: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return run_iom(
        "impact",
        "--input",
        str(people_file(tmp_path)),
        "--memberships",
        str(memberships),
        "--as-of",
        "2024-06-30",
        "--output",
        str(out),
    )


def fairness(stages: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return run_iom(
        "fairness", "--input", str(stages), "--as-of", "2024-06-30", "--output", str(out)
    )


def people_file(tmp_path: Path) -> Path:
    people = [
        record(
            id="A1",
            convictions=[
                {**conviction("B1", "02803", "2023-10-01"), "offence_date": "2023-09-10"},
                {**conviction("F1", "03900", "2024-04-01"), "offence_date": "2024-03-01"},
            ],
        ),
        record(id="A2", custody=[{"kind": "sentence", "start": "2024-05-01"}]),
        record(id="A3"),
    ]
    path = tmp_path / "people.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in people))
    return path


def test_impact_writes_episodes_and_groups_as_the_contract_says(tmp_path: Path) -> None:
    memberships = tmp_path / "memberships.csv"
    memberships.write_text(
        MEMBERSHIP_HEADER
        + "A1,derbyshire,fixed,north,2024-01-01,,\n"
        + "A2,derbyshire,flex,north,2024-01-01,,\n"
        + "A3,derbyshire,fixed,south,2024-04-03,,\n"
    )
    out = tmp_path / "out.json"
    result = impact(tmp_path, memberships, out)
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())
    assert set(data) == {"as_of", "episodes", "groups"}
    assert data["as_of"] == "2024-06-30"
    assert data["episodes"][0] == {
        "person_id": "A1",
        "scheme": "derbyshire",
        "cohort": "fixed",
        "area": "north",
        "start": "2024-01-01",
        "end": None,
        "status": "measured",
        "days_at_liberty": 182,
        "before_start": "2023-07-03",
        "before_count": 1,
        "after_count": 1,
        "before_css": 438.0,
        "after_css": 86.0,
    }
    assert data["episodes"][1]["days_at_liberty"] == 121  # in custody since 2024-05-01
    assert data["episodes"][2]["status"] == "too_early"  # 89 days
    assert data["episodes"][2]["before_count"] is None
    scheme = data["groups"][0]
    assert scheme == {
        "by": {"scheme": "derbyshire"},
        "episodes": 2,
        "too_early": 1,
        "before_count": 1,
        "after_count": 1,
        "before_css": 438.0,
        "after_css": 86.0,
        "days_at_liberty": 303,
        "no_offence_after": 1,
        "volume_change_pct": 0.0,
        "severity_change_pct": -80.4,
        "before_per_365": 1.2,
        "after_per_365": 1.2,
    }
    assert [g["by"] for g in data["groups"]] == [
        {"scheme": "derbyshire"},
        {"scheme": "derbyshire", "cohort": "fixed"},
        {"scheme": "derbyshire", "cohort": "flex"},
        {"scheme": "derbyshire", "area": "north"},
        {"scheme": "derbyshire", "area": "south"},
        {"scheme": "derbyshire", "cohort": "fixed", "area": "north"},
        {"scheme": "derbyshire", "cohort": "fixed", "area": "south"},
        {"scheme": "derbyshire", "cohort": "flex", "area": "north"},
    ]


def test_impact_reports_bad_rows_and_computes_the_rest(tmp_path: Path) -> None:
    memberships = tmp_path / "memberships.csv"
    memberships.write_text(
        MEMBERSHIP_HEADER
        + "A1,derbyshire,fixed,north,2024-01-01,,\n"
        + "ZZ,derbyshire,fixed,north,2024-01-01,,\n"
        + "A2,derbyshire,fixed,north,2024-02-30,,\n"
        + "A3,derbyshire,fixed,north,2024-01-01,,positive_progress\n"
        + "A4,derbyshire,fixed,north,2024-01-01\n"
        + "A5,derbyshire,fixed,north,2024-01-01,,,extra\n"
    )
    out = tmp_path / "out.json"
    result = impact(tmp_path, memberships, out)
    assert result.returncode == 2
    assert "5 rejected rows" in result.stderr
    assert [e["person_id"] for e in json.loads(out.read_text())["episodes"]] == ["A1"]
    with (tmp_path / "out.json.rejects.csv").open() as handle:
        rejects = list(csv.DictReader(handle))
    assert [(r["line"], r["person"], r["field"]) for r in rejects] == [
        ("3", "ZZ", "person_id"),
        ("4", "A2", "start"),
        ("5", "A3", "end_reason"),
        ("6", "A4", "row"),
        ("7", "A5", "row"),
    ]
    assert rejects[3]["reason"] == "5 cells where the header has 7"
    assert "is not a date" in rejects[1]["reason"]


def test_impact_refuses_a_memberships_file_with_the_wrong_columns(tmp_path: Path) -> None:
    memberships = tmp_path / "memberships.csv"
    memberships.write_text("person_id,scheme,joined\nA1,derbyshire,2024-01-01\n")
    result = impact(tmp_path, memberships, tmp_path / "out.json")
    assert result.returncode == 2
    assert "missing column 'start'" in result.stderr
    assert "unknown column 'joined'" in result.stderr
    assert "Traceback" not in result.stderr


def stages_file(tmp_path: Path, extra: str = "") -> Path:
    rows = []
    for i in range(10):  # White men aged 30: 10 screened, 5 candidates, 5 referred, 0 selected
        rows.append(f"W{i},White,M,1994-01-01,{'referred' if i < 5 else 'screened'}")
    for i in range(4):  # four Black women, all referred: suppressed everywhere
        rows.append(f"B{i},Black,F,2010-01-01,referred")
    path = tmp_path / "stages.csv"
    path.write_text(STAGE_HEADER + "\n".join(rows) + "\n" + extra)
    return path


def test_fairness_writes_rows_as_the_contract_says(tmp_path: Path) -> None:
    out = tmp_path / "fair.json"
    result = fairness(stages_file(tmp_path), out)
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())
    assert data["as_of"] == "2024-06-30"
    rows = {(r["characteristic"], r["group"], r["stage"]): r for r in data["rows"]}
    assert rows[("ethnicity", "White", "candidate")] == {
        "characteristic": "ethnicity",
        "group": "White",
        "stage": "candidate",
        "count": 5,
        "previous": 10,
        "rate": 0.5,
        "rri": 1.0,
        "ci_low": None,
        "ci_high": None,
        "significant": None,
        "status": "reference",
    }
    assert rows[("ethnicity", "White", "selected")]["status"] == "not_computable"
    assert rows[("ethnicity", "Black", "candidate")]["count"] == "<5"
    assert rows[("age_band", "under 18", "referred")]["status"] == "suppressed"
    assert len(data["rows"]) == 3 * 2 * 3  # 3 characteristics x 2 groups present x 3 stages


def test_fairness_reports_bad_rows(tmp_path: Path) -> None:
    out = tmp_path / "fair.json"
    bad = "W0,White,M,1994-01-01,screened\nQ1,Purple,M,1994-01-01,screened\nQ2,White,M,2030-01-01,screened\n"
    result = fairness(stages_file(tmp_path, bad), out)
    assert result.returncode == 2
    with (tmp_path / "fair.json.rejects.csv").open() as handle:
        rejects = list(csv.DictReader(handle))
    assert [(r["person"], r["field"]) for r in rejects] == [
        ("W0", "person_id"),
        ("Q1", "ethnicity"),
        ("Q2", "date_of_birth"),
    ]
    assert out.exists()
