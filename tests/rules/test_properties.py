"""Properties the rules must have whatever the input (hypothesis)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from iom.rules import Conviction, CustodyPeriod, Ogrs, Person, assess, load_catalogue, load_policy
from iom.rules.dates import Duration
from iom.rules.windows import at_liberty_window, css_window

CODES = [
    "02803", "02900", "03002", "03401", "03900", "04801", "09270", "09231",  # Table 1 and supply
    "00806", "00801", "10501", "00808", "03701", "04600", "04400", "00408", "09261",  # others
]  # fmt: skip
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
    return Conviction(
        id=cid,
        offence_code=draw(st.sampled_from(CODES)),
        conviction_date=as_of - timedelta(days=draw(st.integers(-60, 3500))),
        attempt=draw(st.booleans()),
        domestic_abuse=draw(st.booleans()),
    )


@st.composite
def people(draw: st.DrawFn, as_of: date) -> Person:
    count = draw(st.integers(0, 12))
    return Person(
        id="P1",
        date_of_birth=as_of - timedelta(days=draw(st.integers(12 * 365, 60 * 365))),
        convictions=tuple(draw(convictions(as_of, f"C{i}")) for i in range(count)),
        custody=tuple(draw(st.lists(custody_periods(as_of), max_size=4))),
        ogrs=draw(st.none() | st.builds(Ogrs, st.integers(0, 100).map(float))),
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


def in_custody(day: date, custody: tuple[CustodyPeriod, ...], as_of: date) -> bool:
    return any(p.start <= day < p.end_or(as_of) for p in custody)


def walk_back(as_of: date, length: Duration, custody: tuple[CustodyPeriod, ...]) -> date:
    """The latest start whose window holds `length` of days at liberty, found one day at a time."""
    wanted = (as_of - length.before(as_of)).days
    day, at_liberty = as_of, 0
    while at_liberty < wanted:
        day -= timedelta(days=1)
        if not in_custody(day, custody, as_of):
            at_liberty += 1
    return day


@settings(max_examples=150, deadline=None)
@given(cases(), LENGTHS)
def test_window_holds_exactly_its_length_at_liberty(
    case: tuple[date, Person], length: Duration
) -> None:
    as_of, person = case
    window = at_liberty_window(as_of, length, person.custody)
    days = [window.start + timedelta(days=n) for n in range((as_of - window.start).days)]
    at_liberty = sum(not in_custody(day, person.custody, as_of) for day in days)
    assert at_liberty == (as_of - length.before(as_of)).days


@settings(max_examples=150, deadline=None)
@given(cases(), LENGTHS)
def test_fixed_point_equals_walking_back_day_by_day(
    case: tuple[date, Person], length: Duration
) -> None:
    as_of, person = case
    assert at_liberty_window(as_of, length, person.custody).start == walk_back(
        as_of, length, person.custody
    )


@settings(max_examples=150, deadline=None)
@given(cases(), st.data())
def test_adding_custody_never_moves_a_window_later(
    case: tuple[date, Person], data: st.DataObject
) -> None:
    as_of, person = case
    extra = data.draw(custody_periods(as_of))
    more = (*person.custody, extra)
    for length in (Duration(months=6), Duration(months=12)):
        assert (
            at_liberty_window(as_of, length, more).start
            <= at_liberty_window(as_of, length, person.custody).start
        )
    for mode in ("half_sentence_term", "actual_custody"):
        before = css_window(as_of, Duration(years=5), person.custody, mode).start
        assert css_window(as_of, Duration(years=5), more, mode).start <= before


@settings(max_examples=150, deadline=None)
@given(cases(), st.data())
def test_adding_a_conviction_never_lowers_a_score(
    case: tuple[date, Person], data: st.DataObject
) -> None:
    as_of, person = case
    extra = data.draw(convictions(as_of, "EXTRA"))
    more = replace(person, convictions=(*person.convictions, extra))
    catalogue = load_catalogue()
    derbyshire, notts = load_policy("derbyshire-2021"), load_policy("nottinghamshire-yjs-2022")
    before = assess(person, derbyshire, as_of, catalogue).css_score
    after = assess(more, derbyshire, as_of, catalogue).css_score
    assert before is not None
    assert after is not None
    assert after >= before
    before_matrix = assess(person, notts, as_of, catalogue).matrix_score
    after_matrix = assess(more, notts, as_of, catalogue).matrix_score
    assert before_matrix is not None
    assert after_matrix is not None
    assert after_matrix >= before_matrix


@settings(max_examples=150, deadline=None)
@given(cases(), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_record_order(
    case: tuple[date, Person], rng: random.Random
) -> None:
    as_of, person = case
    convictions_shuffled = list(person.convictions)
    custody_shuffled = list(person.custody)
    rng.shuffle(convictions_shuffled)
    rng.shuffle(custody_shuffled)
    shuffled = replace(
        person, convictions=tuple(convictions_shuffled), custody=tuple(custody_shuffled)
    )
    for policy_id in ("derbyshire-2021", "nottinghamshire-yjs-2022"):
        policy = load_policy(policy_id)
        assert assess(shuffled, policy, as_of).to_json() == assess(person, policy, as_of).to_json()


@settings(max_examples=200, deadline=None)
@given(cases())
def test_outcome_agrees_with_cohort_and_exclusions(case: tuple[date, Person]) -> None:
    as_of, person = case
    result = assess(person, load_policy("derbyshire-2021"), as_of)
    expected = {
        (None, False): "not_eligible", (None, True): "not_eligible",
        ("flex", False): "consider", ("flex", True): "excluded",
        ("fixed", False): "eligible", ("fixed", True): "excluded",
        ("free", False): "eligible", ("free", True): "excluded",
    }  # fmt: skip
    assert result.outcome == expected[(result.cohort, bool(result.exclusions))]
    assert (result.priority_tier is not None) == (result.cohort in ("fixed", "free"))
    assert (result.turns_18_on is not None) == ("YOUTH" in (result.exclusions or []))
    assert result.criteria_met is not None
    assert result.cohort == (result.criteria_met[0] if result.criteria_met else None)
