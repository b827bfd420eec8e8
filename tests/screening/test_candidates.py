"""The ranked candidate list: eligible by tier, CSS and OGRS, then Flex; those on the scheme left out."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from iom.rules import load_catalogue, load_policy
from iom.screening.run import screen
from tests.helpers import conviction, person
from tests.screening.helpers import write_jsonl

AS_OF = date(2025, 12, 31)


def recent(code: str, cid: str = "C1") -> list[dict]:
    return [conviction(cid, code, "2025-11-01")]


def test_candidates_are_ranked_and_filtered(tmp_path: Path) -> None:
    people = [
        person(
            id="TIER2_HIGH_CSS",
            ogrs={"score": 60},
            probation_current=True,
            convictions=[*recent("03900"), conviction("C2", "00501", "2024-01-01")],
        ),
        person(
            id="TIER1_LOW_CSS",
            ogrs={"score": 60},
            probation_current=True,
            convictions=recent("02803"),
        ),
        person(
            id="TIER1_HIGH_CSS",
            ogrs={"score": 60},
            probation_current=True,
            convictions=[*recent("03401"), conviction("C2", "02900", "2024-01-01")],
        ),
        person(
            id="TIER1_SAME_CSS_HIGHER_OGRS",
            ogrs={"score": 70},
            probation_current=True,
            convictions=recent("02803"),
        ),
        person(id="FLEX", ogrs={"score": 55}, convictions=recent("04600")),
        person(id="NOT_ELIGIBLE", ogrs={"score": 10}, convictions=recent("04600")),
        person(
            id="EXCLUDED",
            ogrs={"score": 60},
            probation_current=True,
            mappa_level=2,
            convictions=recent("02803"),
        ),
        person(
            id="ALREADY_ON", ogrs={"score": 95}, probation_current=True, convictions=recent("03401")
        ),
    ]
    source = write_jsonl(people, tmp_path / "people.jsonl")
    out = tmp_path / "candidates.jsonl"
    screen(
        source,
        load_policy("derbyshire-2021"),
        AS_OF,
        out,
        load_catalogue(),
        candidates=True,
        on_scheme={"ALREADY_ON"},
    )
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["person_id"] for r in rows] == [
        "TIER1_HIGH_CSS",
        "TIER1_SAME_CSS_HIGHER_OGRS",
        "TIER1_LOW_CSS",
        "TIER2_HIGH_CSS",
        "FLEX",
    ]
    assert [r["rank"] for r in rows] == [1, 2, 3, 4, 5]
    assert rows[-1]["outcome"] == "consider"


def test_matrix_candidates_are_referrals_by_score(tmp_path: Path) -> None:
    people = [
        person(id="LOW", convictions=recent("03401")),
        person(
            id="HIGH",
            convictions=[
                *recent("03401"),
                conviction("C2", "02900", "2025-01-01"),
                conviction("C3", "00501", "2025-02-01"),
            ],
        ),
        person(id="INTEL", significant_intelligence=True),
        person(
            id="MID",
            convictions=[
                *recent("03401"),
                conviction("C2", "02900", "2025-01-01"),
                conviction("C3", "03701", "2025-02-01"),
            ],
        ),
    ]
    source = write_jsonl(people, tmp_path / "people.jsonl")
    out = tmp_path / "candidates.jsonl"
    screen(
        source,
        load_policy("nottinghamshire-yjs-2022"),
        AS_OF,
        out,
        load_catalogue(),
        candidates=True,
    )
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["person_id"], r["matrix_score"]) for r in rows] == [
        ("HIGH", 21),
        ("MID", 17),
        ("INTEL", 0),
    ]
