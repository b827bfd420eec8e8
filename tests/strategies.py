"""Hypothesis strategies for people, with the edges the rules care about close at hand."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

from iom.rules import Conviction, CustodyPeriod, Ogrs, Person
from iom.rules.dates import Duration

CODES = [
    "02803",
    "02900",
    "03002",
    "03401",
    "03900",
    "04801",
    "09270",
    "09231",  # Table 1 and supply
    "00806",
    "00801",
    "10501",
    "00808",
    "03701",
    "04600",
    "04400",
    "00408",
    "09261",  # others
]
AS_OF = st.dates(min_value=date(2016, 1, 1), max_value=date(2030, 12, 31))
LENGTHS = st.sampled_from(
    [Duration(months=6), Duration(months=12), Duration(years=5), Duration(days=30)]
)


@st.composite
def custody_periods(draw: st.DrawFn, as_of: date) -> CustodyPeriod:
    start = as_of - timedelta(days=draw(st.integers(-30, 3000)))
    open_ended = draw(st.booleans().filter(lambda b: b) | st.just(False))
    length = draw(st.integers(1, 1500))
    return CustodyPeriod(
        kind=draw(st.sampled_from(["sentence", "remand"])),
        start=start,
        end=None if open_ended and draw(st.integers(0, 9)) == 0 else start + timedelta(days=length),
        sentence_days=draw(st.none() | st.integers(1, 4000)),
    )


@st.composite
def convictions(draw: st.DrawFn, as_of: date, cid: str) -> Conviction:
    convicted = as_of - timedelta(days=draw(st.integers(-60, 3500)))
    return Conviction(
        id=cid,
        offence_code=draw(st.sampled_from(CODES)),
        conviction_date=convicted,
        offence_date=draw(st.none() | st.integers(0, 400).map(lambda n: convicted - timedelta(n))),
        attempt=draw(st.booleans()),
        domestic_abuse=draw(st.booleans()),
    )


@st.composite
def people(draw: st.DrawFn, as_of: date, pid: str = "P1") -> Person:
    count = draw(st.integers(0, 12))
    return Person(
        id=pid,
        date_of_birth=as_of - timedelta(days=draw(st.integers(12 * 365, 60 * 365))),
        convictions=tuple(draw(convictions(as_of, f"C{i}")) for i in range(count)),
        custody=tuple(draw(st.lists(custody_periods(as_of), max_size=4))),
        ogrs=draw(
            st.none()
            | st.builds(
                Ogrs,
                st.integers(0, 100).map(float)
                | st.sampled_from([49.9, 50.0, 50.1, 74.5, 75.0, 89.99, 90.0]),
            )
        ),
        probation_current=draw(st.booleans()),
        mappa_level=draw(st.sampled_from([None, 0, 1, 2, 3])),
        sex_offender_current=draw(st.integers(0, 9)) == 0,
        em_acquisitive_tag=draw(st.integers(0, 5)) == 0,
        significant_intelligence=draw(st.booleans()),
        needs=tuple(
            draw(st.lists(st.sampled_from(["accommodation", "mentoring", "alcohol"]), unique=True))
        ),
    )


@st.composite
def cases(draw: st.DrawFn) -> tuple[date, Person]:
    as_of = draw(AS_OF)
    return as_of, draw(people(as_of))


@st.composite
def populations(draw: st.DrawFn, max_size: int = 25) -> tuple[date, list[Person]]:
    """An as-of date and a few people, birthdays near 18 and 29 February among them."""
    as_of = draw(AS_OF)
    size = draw(st.integers(1, max_size))
    people = [draw(people_near_edges(as_of, f"P{n}")) for n in range(size)]
    return as_of, people


@st.composite
def people_near_edges(draw: st.DrawFn, as_of: date, pid: str) -> Person:
    person = draw(people(as_of, pid))
    edge = draw(st.integers(0, 5))
    if edge == 0:  # the 18th birthday within a day of the as-of date
        born = (
            as_of.replace(year=as_of.year - 18)
            if (as_of.month, as_of.day) != (2, 29)
            else date(as_of.year - 18, 2, 28)
        )
        born += timedelta(days=draw(st.integers(-1, 1)))
        return Person(**{**person.__dict__, "date_of_birth": born})
    if edge == 1:  # born on 29 February
        year = draw(st.sampled_from([1996, 2000, 2004, 2008]))
        return Person(**{**person.__dict__, "date_of_birth": date(year, 2, 29)})
    return person
