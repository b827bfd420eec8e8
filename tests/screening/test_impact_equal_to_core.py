"""`iom impact`'s batch path gives the pure core's episodes, whatever the input layout."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iom.impact import Membership, impact_parameters, measure
from iom.ingest.loading import connect
from iom.ingest.sources import load_checked
from iom.rules import Person, load_catalogue
from iom.screening.impact import measure_all
from tests.screening.helpers import write_jsonl, write_tables
from tests.strategies import populations


@st.composite
def with_memberships(draw: st.DrawFn) -> tuple[date, list[Person], list[Membership]]:
    as_of, people = draw(populations(max_size=12))
    memberships = []
    for person in people:
        for _ in range(draw(st.integers(0, 2))):
            start = as_of - timedelta(days=draw(st.integers(0, 1200)))
            stay = draw(st.none() | st.integers(0, 900))
            end = None if stay is None else start + timedelta(stay)
            cohort = draw(st.sampled_from(["fixed", "flex", None]))
            memberships.append(Membership(person.id, "derbyshire", cohort, "north", start, end))
    return as_of, people, memberships


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(with_memberships())
def test_batch_episodes_equal_the_core(drawn: tuple[date, list[Person], list[Membership]]) -> None:
    as_of, people, memberships = drawn
    catalogue, parameters = load_catalogue(), impact_parameters(as_of)
    by_id = {p.id: p for p in people}
    expected = [
        measure(
            m,
            by_id[m.person_id].convictions,
            by_id[m.person_id].custody,
            as_of,
            catalogue,
            parameters,
        ).to_json()
        for m in memberships
    ]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for source in (
            write_jsonl(people, folder / "people.jsonl"),
            write_tables(people, folder / "tables.parquet", "parquet"),
            write_tables(people, folder / "tables.csv", "csv"),
        ):
            con = connect()
            assert load_checked(con, source, catalogue) == []
            found = [e.to_json() for e in measure_all(con, memberships, as_of, parameters)]
            assert found == expected, source.name
