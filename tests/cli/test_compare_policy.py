"""`iom screen --compare-policy FILE`: who would change outcome or cohort under a new version."""

from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path

from iom.rules.policy import policies_folder
from tests.helpers import conviction, record, run_iom


def compare(source: Path, proposed: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return run_iom(
        "screen",
        "--policy",
        "derbyshire-2021",
        "--as-of",
        "2024-06-30",
        "--input",
        str(source),
        "--output",
        str(out),
        "--compare-policy",
        str(proposed),
    )


def test_a_lower_css_indicator_brings_one_person_in_for_consideration(tmp_path: Path) -> None:
    # CSS 1,092 (death by dangerous driving) + 127 (ABH) = 1,219: below the strategy's 1,500, at
    # or above a proposed 1,200. No OGRS and no Table 1 or supply offence, so the CSS indicator is
    # the only way to Flex; the ABH in May keeps W6 met: consider, Flex.
    people = [
        record(
            id="CSS",
            convictions=[
                conviction("C1", "00404", "2023-03-01"),
                conviction("C2", "00806", "2024-05-01"),
            ],
        ),
        record(id="LOW", convictions=[conviction("C1", "00806", "2024-05-01")]),
    ]
    source = tmp_path / "people.jsonl"
    source.write_text("".join(json.dumps(p) + "\n" for p in people))
    text = (policies_folder() / "derbyshire-2021.yaml").read_text()
    proposed = tmp_path / "derbyshire-css-1200.yaml"
    proposed.write_text(
        text.replace('version: "1"', 'version: "2"').replace(
            'values: {"2021-08-01": 1500}', 'values: {"2021-08-01": 1500, "2024-06-01": 1200}'
        )
    )
    out = tmp_path / "changes.csv"
    result = compare(source, proposed, out)
    assert result.returncode == 0, result.stderr
    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    assert rows == [
        {
            "person_id": "CSS",
            "outcome_before": "not_eligible",
            "outcome_after": "consider",
            "cohort_before": "",
            "cohort_after": "flex",
        }
    ]
    assert "1 would change" in result.stderr
    assert "consider: 0 now, 1 under the new policy (1 in, 0 out)" in result.stderr


def test_a_broken_policy_file_is_refused_with_its_problem(tmp_path: Path) -> None:
    source = tmp_path / "people.jsonl"
    source.write_text(json.dumps(record(id="A")) + "\n")
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: x\n")
    result = compare(source, broken, tmp_path / "out.csv")
    assert result.returncode == 2
    assert "broken.yaml" in result.stderr
    assert "Traceback" not in result.stderr
