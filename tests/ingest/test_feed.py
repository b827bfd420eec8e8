"""The feed's fingerprint of a person: exact, blind to the order of lists, alive to every field."""

from __future__ import annotations

import dataclasses
import tempfile
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iom.ingest.feed import digests, read_feed
from iom.rules import Conviction, CustodyPeriod, Ogrs, Person, load_catalogue
from tests.screening.helpers import write_jsonl, write_tables
from tests.strategies import populations

CONVICTIONS = tuple(
    Conviction(f"C{n}", "02803", date(2020, 1, 1 + n), date(2019, 12, 1 + n), description=None)
    for n in range(30)
)
PERSON = Person(
    id="P1",
    date_of_birth=date(1990, 1, 1),
    convictions=CONVICTIONS,
    custody=(
        CustodyPeriod("remand", date(2021, 1, 1), date(2021, 2, 1)),
        CustodyPeriod("sentence", date(2021, 2, 1), date(2021, 8, 1), 365),
    ),
    pnc_id="2001/0012345A",
    given_name="Sam",
    ogrs=Ogrs(51.5, date(2024, 1, 1), "OGRS4"),
    needs=("alcohol", "finance"),
)


def fingerprint(person: Person) -> str:
    return digests([person])[person.id]


@settings(max_examples=10, deadline=None)
@given(st.permutations(CONVICTIONS), st.permutations(PERSON.custody), st.permutations(PERSON.needs))
def test_the_order_of_lists_does_not_matter(
    convictions: list[Conviction], custody: list[CustodyPeriod], needs: list[str]
) -> None:
    """The sums are exact: summed as floating point, 30 md5 halves came out differently in
    another order (a million-person rerun reported 7 unchanged people as updated)."""
    shuffled = dataclasses.replace(
        PERSON, convictions=tuple(convictions), custody=tuple(custody), needs=tuple(needs)
    )
    assert fingerprint(shuffled) == fingerprint(PERSON)


def test_every_field_counts() -> None:
    first, *rest = CONVICTIONS
    changes = [
        dataclasses.replace(PERSON, given_name="Sal"),
        dataclasses.replace(PERSON, pnc_id=None),
        dataclasses.replace(PERSON, ogrs=Ogrs(51.6, date(2024, 1, 1), "OGRS4")),
        dataclasses.replace(PERSON, needs=("alcohol",)),
        dataclasses.replace(PERSON, probation_current=True),
        dataclasses.replace(PERSON, custody=PERSON.custody[:1]),
        dataclasses.replace(PERSON, custody=(*PERSON.custody, PERSON.custody[0])),
        *(
            dataclasses.replace(PERSON, convictions=(changed, *rest))
            for changed in (
                dataclasses.replace(first, offence_code="03401"),
                dataclasses.replace(first, offence_date=None),
                dataclasses.replace(first, domestic_abuse=True),
                dataclasses.replace(first, description="Took a bicycle"),
            )
        ),
        dataclasses.replace(PERSON, convictions=tuple(rest)),
    ]
    seen = {fingerprint(PERSON), *map(fingerprint, changes)}
    assert len(seen) == 1 + len(changes)


def test_optional_text_given_empty_is_none() -> None:
    """The app holds none as "", so a feed giving "" must fingerprint as one giving nothing."""
    blank = dataclasses.replace(
        PERSON,
        area="",
        ogrs=Ogrs(51.5, date(2024, 1, 1), ""),
        convictions=(dataclasses.replace(CONVICTIONS[0], description=""), *CONVICTIONS[1:]),
    )
    given = dataclasses.replace(PERSON, ogrs=Ogrs(51.5, date(2024, 1, 1), None))
    assert fingerprint(blank) == fingerprint(given)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(populations(max_size=6))
def test_every_layout_gives_the_same_fingerprints(population: tuple[date, list[Person]]) -> None:
    """A force moving its feed from JSON Lines to Parquet or CSV must not find everyone changed."""
    _as_of, people = population
    expected = digests(people)
    with tempfile.TemporaryDirectory() as folder:
        sources = [
            write_jsonl(people, Path(folder) / "people.jsonl"),
            write_tables(people, Path(folder) / "parquet", "parquet"),
            write_tables(people, Path(folder) / "csv", "csv"),
        ]
        for source in sources:
            feed, problems = read_feed(source, load_catalogue(), {"people": {"id": 64}}, 1000)
            assert problems == []
            read = {p.id: p.digest for b in range(feed.batches) for p in feed.people(b)}
            assert read == expected, source.name
