"""The rules contract's fixed-point windows, in SQL, for every person at once.

Iterating `start = base - held(start)` row by row would take as many passes as there are days of
custody across the start. Instead we use what the iteration converges to: the greatest fixed
point at or before the base. Every fixed point includes whole custody spans (or sentence groups)
counted back from the as-of date, so with the spans ranked latest first and `cum_k` the days
(or half-terms) of the latest k, the candidates are `base - cum_k`; a candidate is a fixed point
when it leaves span k inside and span k+1 outside, and the answer is the latest such candidate.
tests/screening/test_equal_to_core.py checks this against `iom.rules.windows` with hypothesis.
All dates here are whole days since 1970-01-01.
"""

from __future__ import annotations

import duckdb


def merge_custody(con: duckdb.DuckDBPyConnection, as_of: int) -> None:
    """`spans`: each person's custody before the as-of date as disjoint [s, e) day ranges.

    Spans that touch or overlap merge, as in `iom.rules.windows.merged_custody`.
    """
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE spans AS
        WITH clipped AS (
            SELECT person_id, start_d AS s, least(coalesce(end_d, {as_of}), {as_of}) AS e
            FROM custody WHERE start_d < least(coalesce(end_d, {as_of}), {as_of})
        ), marked AS (
            SELECT *, max(e) OVER (PARTITION BY person_id ORDER BY s, e
                                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
            FROM clipped
        ), grouped AS (
            SELECT *, sum(CASE WHEN reach IS NULL OR s > reach THEN 1 ELSE 0 END)
                      OVER (PARTITION BY person_id ORDER BY s, e ROWS UNBOUNDED PRECEDING) AS island
            FROM marked
        )
        SELECT person_id, min(s) AS s, max(e) AS e FROM grouped GROUP BY person_id, island
        """
    )


def at_liberty_sql(base: int) -> str:
    """Per person, the start of the at-liberty window whose calendar base is `base` (section 1)."""
    return f"""
        WITH ranked AS (
            SELECT person_id, s,
                   sum(e - s) OVER (PARTITION BY person_id ORDER BY s DESC ROWS UNBOUNDED PRECEDING) AS cum,
                   lead(e) OVER (PARTITION BY person_id ORDER BY s DESC) AS before_e
            FROM spans
        ), candidates AS (
            SELECT person_id, {base} - cum AS start FROM ranked
            WHERE {base} - cum <= s AND (before_e IS NULL OR before_e <= {base} - cum)
            UNION ALL
            SELECT person_id, {base} FROM spans GROUP BY person_id HAVING max(e) <= {base}
        )
        SELECT person_id, max(start) AS start FROM candidates GROUP BY person_id
    """


def half_sentence_sql(base: int, as_of: int) -> str:
    """Per person, the CSS window start under `half_sentence_term` (section 2)."""
    return f"""
        WITH sentences AS (
            SELECT person_id, start_d AS s,
                   sum(CASE WHEN sentence_days IS NOT NULL THEN sentence_days // 2
                            ELSE greatest(0, least(coalesce(end_d, {as_of}), {as_of}) - start_d) END) AS half
            FROM custody WHERE kind = 'sentence' AND start_d <= {as_of}
            GROUP BY person_id, start_d
        ), ranked AS (
            SELECT person_id, s,
                   sum(half) OVER (PARTITION BY person_id ORDER BY s DESC ROWS UNBOUNDED PRECEDING) AS cum,
                   lead(s) OVER (PARTITION BY person_id ORDER BY s DESC) AS before_s
            FROM sentences
        ), candidates AS (
            SELECT person_id, {base} - cum AS start FROM ranked
            WHERE {base} - cum <= s AND (before_s IS NULL OR before_s < {base} - cum)
            UNION ALL
            SELECT person_id, {base} FROM sentences GROUP BY person_id HAVING max(s) < {base}
        )
        SELECT person_id, max(start) AS start FROM candidates GROUP BY person_id
    """
