"""Coded values in words: ethnicity by the 2021 census categories for England and Wales."""

from __future__ import annotations

import pytest

from iom.people.labels import ETHNICITY, ethnicity
from iom.synth.population import ETHNICITIES


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("W1", "White: English, Welsh, Scottish, Northern Irish or British"),
        ("A1", "Asian, Asian British or Asian Welsh: Indian"),
        ("b2", "Black, Black British, Black Welsh, Caribbean or African: Caribbean"),
        ("M3", "Mixed or multiple ethnic groups: White and Asian"),
        ("O1", "Other ethnic group: Arab"),
        ("", "Not stated"),
        (None, "Not stated"),
        ("NS", "Not stated"),
        ("Q7", "Recorded as Q7"),
    ],
)
def test_each_code_reads_as_its_census_category(code: str | None, words: str) -> None:
    assert ethnicity(code) == words


def test_every_code_the_synthetic_data_uses_has_words() -> None:
    assert set(ETHNICITIES[0]) <= set(ETHNICITY)


def test_exclusions_read_as_words() -> None:
    from iom.people.labels import exclusions

    assert exclusions(["MAPPA_LEVEL_2_3", "YOUTH"]) == "managed at MAPPA level 2 or 3 and under 18"
    assert exclusions([]) == "none"
