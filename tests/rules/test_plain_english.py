"""Every reason a person reads is plain English: dates as 30 June 2024, no "(s)", offences named."""

from __future__ import annotations

import re
from datetime import date

from hypothesis import given, settings

from iom.rules import Person, assess, load_catalogue, load_policy
from iom.rules.dates import spoken
from tests.helpers import conviction, person
from tests.strategies import cases

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@settings(max_examples=150, deadline=None)
@given(cases())
def test_no_reason_text_has_an_iso_date_or_a_bracketed_plural(case: tuple[date, Person]) -> None:
    as_of, someone = case
    for policy in ("derbyshire-2021", "nottinghamshire-yjs-2022"):
        for reason in assess(someone, load_policy(policy), as_of, load_catalogue()).reasons:
            assert not ISO_DATE.search(reason.text), reason.text
            assert "(s)" not in reason.text, reason.text


def test_the_matrix_names_each_scoring_offence_in_words() -> None:
    someone = person(convictions=[conviction("C1", "02800", "2024-03-01")])
    text = (
        assess(
            someone, load_policy("nottinghamshire-yjs-2022"), date(2024, 6, 30), load_catalogue()
        )
        .reasons[0]
        .text
    )
    assert "Burglary in a dwelling on 1 March 2024 (C1): 5 points" in text
    assert "[" not in text


def test_offence_descriptions_lose_coding_guidance_and_the_closing_stop() -> None:
    catalogue = load_catalogue()
    assert catalogue["02800"].plain == "Burglary in a dwelling"
    assert catalogue["02803"].plain == "Other burglary in a dwelling"


def test_dates_are_spoken_with_no_leading_zero() -> None:
    assert spoken(date(2024, 6, 3)) == "3 June 2024"
