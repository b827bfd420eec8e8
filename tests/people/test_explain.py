"""A rule's evidence as a panel member reads it (iom.people.explain)."""

from __future__ import annotations

from iom.people.explain import evidence_rows, words


def test_windows_and_convictions_read_in_words() -> None:
    evidence = {
        "w12": {"start": "2025-11-27", "end": "2026-11-27", "custody_days_added": 30},
        "convictions": [
            {"id": "C1", "offence_code": "02803", "conviction_date": "2026-11-01", "weight": 438.0}
        ],
        "probation_current": True,
        "ogrs": 66.0,
    }
    assert evidence_rows(evidence) == [
        (
            "Recent offending window",
            "27 November 2025 to 27 November 2026, lengthened by 30 days in custody",
        ),
        (
            "Convictions",
            "C1: Other burglary in a dwelling (02803), convicted 1 November 2026, weight 438",
        ),
        ("Current to probation", "yes"),
        ("OGRS", "66"),
    ]


def test_matrix_points_and_an_unknown_offence_keep_their_code() -> None:
    assert words({"id": "C2", "offence_code": "99999", "points": 7}) == "C2: 99999, 7 points"
    assert words([]) == "none"
    assert words("2024-06-30") == "30 June 2024"


def test_needs_read_as_words() -> None:
    assert words({"needs": ["substance_misuse", "mental_health"]}) == (
        "Needs that count: substance misuse, mental health"
    )


def test_an_outcomes_cohort_criteria_and_exclusions_read_as_words() -> None:
    evidence = {"cohort": "flex", "criteria_met": ["fixed", "free"], "exclusions": ["YOUTH"]}
    assert evidence_rows(evidence) == [
        ("Cohort", "Flex"),
        ("Criteria met", "Fixed, Free"),
        ("Exclusions", "under 18"),
    ]
