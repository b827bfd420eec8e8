"""The impact contract's section 1 for every episode at once, in DuckDB.

The same figures as `iom.impact.episodes.measure`, one episode at a time there, all together
here (tests/screening/test_impact_equal_to_core.py proves them equal with hypothesis). The
before period's start uses the greatest-fixed-point method of `iom.screening.windows`, with a
base per episode instead of one for everybody.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import duckdb
import pyarrow as pa

from iom.impact import Episode, ImpactParameters, Membership
from iom.impact.episodes import MEASURED, TOO_EARLY
from iom.rules.dates import EPOCH, days, epoch_days
from iom.screening.windows import merge_custody


def measure_all(
    con: duckdb.DuckDBPyConnection,
    memberships: Sequence[Membership],
    as_of: date,
    parameters: ImpactParameters,
) -> list[Episode]:
    """Every membership's episode, in the order given, from the typed tables of `con`.

    `con` holds the checked population (`iom.ingest.checks.check`) and the `catalogue` table.
    """
    a = epoch_days(as_of)
    con.register(
        "memberships_in",
        pa.table(
            {
                "i": pa.array(range(len(memberships)), pa.int64()),
                "person_id": [m.person_id for m in memberships],
                "j": pa.array([epoch_days(m.start) for m in memberships], pa.int32()),
                "x": pa.array(
                    [None if m.end is None else epoch_days(m.end) for m in memberships], pa.int32()
                ),
            }
        ),
    )
    merge_custody(con, a + 1)  # an open spell runs on to E, at most the day after the as-of date
    con.execute(EPISODES.format(a=a, least=parameters.impact_min_days_at_liberty))
    con.unregister("memberships_in")
    found = {
        i: row
        for i, *row in con.execute(
            "SELECT i, l, b, before_count, after_count, before_css, after_css FROM episode_figures"
        ).fetchall()
    }
    return [episode(m, *found[i], parameters) for i, m in enumerate(memberships)]


def episode(
    membership: Membership,
    at_liberty: int,
    start: int | None,
    before_count: int,
    after_count: int,
    before_css: float,
    after_css: float,
    parameters: ImpactParameters,
) -> Episode:
    if at_liberty < parameters.impact_min_days_at_liberty or start is None:
        return Episode(membership, TOO_EARLY, at_liberty)
    return Episode(
        membership,
        MEASURED,
        at_liberty,
        EPOCH + days(start),
        before_count,
        after_count,
        round(before_css, 2),
        round(after_css, 2),
    )


# Dates are whole days since 1970-01-01. `spans` holds each person's merged custody. DuckDB's
# least() and greatest() skip NULLs, hence the FILTER on the outer join.
EPISODES = """
CREATE OR REPLACE TEMP TABLE episode_figures AS
WITH ep AS (
    SELECT i, person_id, j, CASE WHEN x IS NOT NULL AND x <= {a} THEN x ELSE {a} + 1 END AS e
    FROM memberships_in
), liberty AS (
    SELECT ep.i, ep.person_id, ep.j, ep.e,
           greatest(0, (ep.e - ep.j) - coalesce(sum(least(s.e, ep.e) - greatest(s.s, ep.j))
                                   FILTER (WHERE s.person_id IS NOT NULL), 0))::INTEGER AS l
    FROM ep LEFT JOIN spans s ON s.person_id = ep.person_id AND s.s < ep.e AND s.e > ep.j
    GROUP BY ep.i, ep.person_id, ep.j, ep.e
), measured AS (
    SELECT *, j - l AS base FROM liberty WHERE l >= {least}
), before_spans AS (
    SELECT m.i, m.base, s.s, least(s.e, m.j) AS e
    FROM measured m JOIN spans s ON s.person_id = m.person_id AND s.s < m.j
), ranked AS (
    SELECT i, base, s,
           sum(e - s) OVER (PARTITION BY i ORDER BY s DESC ROWS UNBOUNDED PRECEDING) AS cum,
           lead(e) OVER (PARTITION BY i ORDER BY s DESC) AS before_e
    FROM before_spans
), candidates AS (
    SELECT i, base - cum AS start FROM ranked
    WHERE base - cum <= s AND (before_e IS NULL OR before_e <= base - cum)
    UNION ALL
    SELECT i, any_value(base) FROM before_spans GROUP BY i HAVING max(e) <= any_value(base)
), starts AS (
    SELECT m.i, m.person_id, m.j, m.e, m.l, coalesce(max(c.start), m.base)::INTEGER AS b
    FROM measured m LEFT JOIN candidates c USING (i)
    GROUP BY m.i, m.person_id, m.j, m.e, m.l, m.base
), offences AS (
    SELECT c.person_id, coalesce(c.offence_d, c.conviction_d) AS d,
           coalesce(cat.css_weight, 0) AS w
    FROM convictions c JOIN catalogue cat ON cat.code = c.offence_code
    WHERE c.conviction_d <= {a}
), counted AS (
    SELECT st.i,
           count(o.d) FILTER (WHERE o.d < st.j) AS before_count,
           count(o.d) FILTER (WHERE o.d >= st.j) AS after_count,
           coalesce(sum(o.w) FILTER (WHERE o.d < st.j), 0) AS before_css,
           coalesce(sum(o.w) FILTER (WHERE o.d >= st.j), 0) AS after_css
    FROM starts st LEFT JOIN offences o ON o.person_id = st.person_id AND o.d >= st.b AND o.d < st.e
    GROUP BY st.i
)
SELECT l.i, l.l, st.b, c.before_count, c.after_count, c.before_css, c.after_css
FROM liberty l LEFT JOIN starts st USING (i) LEFT JOIN counted c USING (i)
"""
