"""Properties the impact contract implies, on generated episodes (hypothesis)."""

from __future__ import annotations

import math
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from iom.impact import Membership, group, impact_parameters, measure
from iom.impact.groups import GROUPINGS
from iom.rules import load_catalogue
from iom.rules.windows import days_held, merged_custody
from tests.strategies import convictions, custody_periods

AS_OF = date(2024, 6, 30)
PARAMETERS = impact_parameters(AS_OF)


@st.composite
def episodes(draw: st.DrawFn, person: int) -> tuple[Membership, list, list]:
    start = AS_OF - timedelta(days=draw(st.integers(0, 1500)))
    end = draw(st.none() | st.integers(1, 1600).map(lambda n: start + timedelta(days=n)))
    membership = Membership(
        f"P{person}",
        draw(st.sampled_from(["derbyshire", "county"])),
        draw(st.sampled_from(["fixed", "flex", "free", None])),
        draw(st.sampled_from(["north", "south", None])),
        start,
        end,
    )
    custody = draw(st.lists(custody_periods(start), max_size=4))
    found = draw(st.lists(convictions(start, "c"), max_size=8))
    return membership, found, custody


@settings(max_examples=300, deadline=None)
@given(episodes(1))
def test_the_before_period_holds_exactly_the_after_periods_days_at_liberty(drawn) -> None:
    membership, found, custody = drawn
    episode = measure(membership, found, custody, AS_OF, load_catalogue(), PARAMETERS)
    if not episode.measured:
        assert episode.days_at_liberty < PARAMETERS.impact_min_days_at_liberty
        return
    assert episode.before_start is not None
    spans = merged_custody(custody, membership.start)
    held = days_held(spans, episode.before_start, membership.start)
    assert (membership.start - episode.before_start).days - held == episode.days_at_liberty


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(0, 10**6), min_size=1, max_size=12).flatmap(
        lambda ids: st.tuples(*(episodes(i) for i in ids))
    )
)
def test_group_sums_equal_episode_sums(drawn) -> None:
    measured = [measure(m, c, k, AS_OF, load_catalogue(), PARAMETERS) for m, c, k in drawn]
    groups = group(measured)
    assert len({tuple(g.by) for g in groups}) == len(GROUPINGS)
    for fields in GROUPINGS:
        at_this_level = [g for g in groups if tuple(g.by) == fields]
        assert sum(g.episodes + g.too_early for g in at_this_level) == len(measured)
        done = [e for e in measured if e.measured]
        assert sum(g.episodes for g in at_this_level) == len(done)
        assert sum(g.before_count for g in at_this_level) == sum(e.before_count for e in done)
        assert sum(g.after_count for g in at_this_level) == sum(e.after_count for e in done)
        assert sum(g.days_at_liberty for g in at_this_level) == sum(e.days_at_liberty for e in done)
        assert sum(g.no_offence_after for g in at_this_level) == sum(
            e.after_count == 0 for e in done
        )
        for name in ("before_css", "after_css"):
            assert math.isclose(
                sum(getattr(g, name) for g in at_this_level),
                sum(getattr(e, name) for e in done),
                abs_tol=0.005,
            )
