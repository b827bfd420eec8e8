"""Properties the rules must have whatever the input (hypothesis)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from iom.rules import CustodyPeriod, Person, assess, load_catalogue, load_policy
from iom.rules.dates import Duration
from iom.rules.windows import at_liberty_window, css_window
from tests.strategies import LENGTHS, cases, convictions, custody_periods


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
        (None, False): "not_eligible",
        (None, True): "not_eligible",
        ("flex", False): "consider",
        ("flex", True): "excluded",
        ("fixed", False): "eligible",
        ("fixed", True): "excluded",
        ("free", False): "eligible",
        ("free", True): "excluded",
    }
    assert result.outcome == expected[(result.cohort, bool(result.exclusions))]
    assert (result.priority_tier is not None) == (result.cohort in ("fixed", "free"))
    assert (result.turns_18_on is not None) == ("YOUTH" in (result.exclusions or []))
    assert result.criteria_met is not None
    assert result.cohort == (result.criteria_met[0] if result.criteria_met else None)
