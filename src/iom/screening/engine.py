"""Each policy engine of `iom.rules` as SQL over the typed tables (see iom.ingest.checks.typed_views).

The SQL mirrors the Python rules clause by clause. Each engine leaves a table `decided` (one row
per screened person: the decision fields, `line` for input order and what ranking needs) and
returns the SELECT list that turns it into assessment-schema rows, reasons included.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb

from iom.rules import Catalogue, Policy
from iom.rules.dates import epoch_days as days
from iom.rules.parameters import DerbyshireParameters, NottinghamshireParameters
from iom.screening.reasons import Alt, J, boolean, day, ids, number, reason, reasons_array
from iom.screening.windows import at_liberty_sql, half_sentence_sql, merge_custody


def as_date(days_sql: str) -> str:
    return f"(DATE '1970-01-01' + ({days_sql})::INTEGER)"


def sql_list(items: tuple[str, ...] | list[str]) -> str:
    return "[" + ", ".join(f"'{item}'" for item in items) + "]::VARCHAR[]"


def sql_text(words: str) -> str:
    return "'" + words.replace("'", "''") + "'"


def num(value: float) -> str:
    """A threshold as the rules' reasons print it (50, not 50.0)."""
    return str(int(value)) if float(value).is_integer() else str(value)


def turns_adult_sql(age: int) -> str:
    """The birthday at `age` (29 February falls on 1 March in a common year), as a DATE."""
    y = f"(year(date_of_birth) + {age})"
    leap = f"(({y} % 4 = 0 AND {y} % 100 <> 0) OR {y} % 400 = 0)"
    return (
        f"CASE WHEN month(date_of_birth) = 2 AND day(date_of_birth) = 29 AND NOT {leap} "
        f"THEN make_date({y}, 3, 1) ELSE make_date({y}, month(date_of_birth), day(date_of_birth)) END"
    )


def versions_sql(policy: Policy, catalogue: Catalogue) -> str:
    return (
        f"{{'policy': {sql_text(policy.version_label)}, 'offences': {sql_text(catalogue.version)}}}"
    )


# --- Derbyshire ----------------------------------------------------------------------------


def assess_cohorts(
    con: duckdb.DuckDBPyConnection, policy: Policy, as_of: date, catalogue: Catalogue
) -> list[str]:
    p = policy.parameters_on(as_of)
    assert isinstance(p, DerbyshireParameters)
    d = days(as_of)
    w12, w6, css = (
        days(p.w12_length.before(as_of)),
        days(p.w6_length.before(as_of)),
        days(p.css_length.before(as_of)),
    )
    merge_custody(con, d)
    css_sql = (
        half_sentence_sql(css, d)
        if p.css_custody_adjustment == "half_sentence_term"
        else at_liberty_sql(css)
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE win AS
        SELECT p.id AS person_id, coalesce(a.start, {w12}) AS w12_d, coalesce(b.start, {w6}) AS w6_d,
               coalesce(c.start, {css}) AS css_d
        FROM people p
        LEFT JOIN ({at_liberty_sql(w12)}) a ON a.person_id = p.id
        LEFT JOIN ({at_liberty_sql(w6)}) b ON b.person_id = p.id
        LEFT JOIN ({css_sql}) c ON c.person_id = p.id
        """
    )
    _derbyshire_facts(con, p, d)
    _derbyshire_decisions(con, p, as_of)
    return _derbyshire_columns(policy, p, as_of, catalogue, (w12, w6, css))


def _derbyshire_facts(con: duckdb.DuckDBPyConnection, p: DerbyshireParameters, d: int) -> None:
    """Per person: CSS, the recent Table 1 / supply / tier 1 convictions, and any conviction in W6."""
    weight = p.css_weight_column
    fixed, free, tier1 = (
        sql_list(p.fixed_offence_groups),
        sql_list(p.free_offence_groups),
        sql_list(p.tier1_offence_groups),
    )
    recent = "c.conviction_d >= w.w12_d"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE facts AS
        WITH counted AS (
            SELECT c.person_id, c.id, c.conviction_d, k.grp, k.{weight} AS weight
            FROM convictions c JOIN catalogue k ON k.code = c.offence_code
            WHERE c.conviction_d <= {d}
        )
        SELECT w.person_id,
               coalesce(sum(c.weight) FILTER (WHERE c.conviction_d >= w.css_d), 0)::DOUBLE AS css_total,
               count(*) FILTER (WHERE c.conviction_d >= w.css_d AND c.weight IS NULL) AS unweighted,
               list({{'d': c.conviction_d, 'id': c.id}}) FILTER (WHERE {recent} AND list_contains({fixed}, c.grp)) AS table1,
               list({{'d': c.conviction_d, 'id': c.id}}) FILTER (WHERE {recent} AND list_contains({free}, c.grp)) AS pwits,
               list({{'d': c.conviction_d, 'id': c.id}})
                   FILTER (WHERE {recent} AND list_contains({fixed}, c.grp) AND list_contains({tier1}, c.grp)) AS tier1,
               coalesce(bool_or(c.conviction_d >= w.w6_d), false) AS any_w6
        FROM win w
        LEFT JOIN counted c ON c.person_id = w.person_id AND c.conviction_d >= least(w.w12_d, w.w6_d, w.css_d)
        GROUP BY w.person_id
        """
    )


def _ordered_ids(column: str) -> str:
    """Conviction ids in the rules' order (date, then id)."""
    return f"coalesce(list_transform(list_sort({column}), x -> x.id), [])"


def _derbyshire_decisions(
    con: duckdb.DuckDBPyConnection, p: DerbyshireParameters, as_of: date
) -> None:
    mappa = ", ".join(str(level) for level in p.excluded_mappa_levels) or "NULL"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE decided AS
        WITH judged AS (
            SELECT p.line, p.id AS person_id, p.ogrs, p.probation_current, p.mappa_level, p.sex_offender_current,
                   p.em_acquisitive_tag AS fixed_em, p.needs, w.w12_d, w.w6_d, w.css_d, f.css_total, f.unweighted,
                   f.any_w6, {_ordered_ids("f.table1")} AS table1_ids, {_ordered_ids("f.pwits")} AS pwits_ids,
                   {_ordered_ids("f.tier1")} AS tier1_ids, {turns_adult_sql(p.adult_age)} AS adult_on
            FROM people p JOIN win w ON w.person_id = p.id JOIN facts f ON f.person_id = p.id
        ), tested AS (
            SELECT *,
                   DATE '{as_of.isoformat()}' < adult_on AS youth,
                   coalesce(len(table1_ids) > 0 AND ogrs >= {p.fixed_min_ogrs} AND probation_current, false) AS fixed_nc,
                   coalesce(len(pwits_ids) > 0 AND ogrs > {p.free_ogrs_exceeds}, false) AS free_met,
                   coalesce(ogrs >= {p.ogrs_indicator_min}, false) AS ogrs_indicator,
                   css_total >= {p.css_indicator_threshold} AS css_indicator
            FROM judged
        ), criteria AS (
            SELECT *,
                   NOT (fixed_em OR fixed_nc OR free_met) AND NOT youth
                     AND (ogrs_indicator OR css_indicator OR len(table1_ids) + len(pwits_ids) > 0) AS flex_met,
                   list_filter([
                       CASE WHEN mappa_level IN ({mappa}) THEN 'MAPPA_LEVEL_2_3' END,
                       CASE WHEN sex_offender_current THEN 'SEX_OFFENDER' END,
                       CASE WHEN NOT any_w6 THEN 'NO_CONVICTION_6M' END,
                       CASE WHEN youth THEN 'YOUTH' END
                   ], x -> x IS NOT NULL) AS exclusions
            FROM tested
        ), cohorts AS (
            SELECT *,
                   list_filter([CASE WHEN fixed_em OR fixed_nc THEN 'fixed' END, CASE WHEN free_met THEN 'free' END,
                                CASE WHEN flex_met THEN 'flex' END], x -> x IS NOT NULL) AS criteria_met,
                   CASE WHEN fixed_em OR fixed_nc THEN 'fixed' WHEN free_met THEN 'free'
                        WHEN flex_met THEN 'flex' END AS cohort
            FROM criteria
        )
        SELECT *,
               CASE WHEN cohort IS NULL THEN 'not_eligible' WHEN len(exclusions) > 0 THEN 'excluded'
                    WHEN cohort = 'flex' THEN 'consider' ELSE 'eligible' END AS outcome,
               (CASE WHEN cohort IN ('fixed', 'free') THEN
                    CASE WHEN coalesce(ogrs >= {p.tier1_min_ogrs}, false) OR len(tier1_ids) > 0 THEN 1 ELSE 2 END
                END)::INTEGER AS priority_tier,
               round(css_total, 2) AS css_score
        FROM cohorts
        """
    )


def _derbyshire_columns(
    policy: Policy,
    p: DerbyshireParameters,
    as_of: date,
    catalogue: Catalogue,
    bases: tuple[int, int, int],
) -> list[str]:
    bands = p.ogrs_bands
    needs = f"list_filter({sql_list(p.indicator_needs)}, n -> list_contains(needs, n))"
    return [
        "person_id",
        f"{sql_text(policy.id)} AS policy",
        f"DATE '{as_of.isoformat()}' AS as_of",
        f"{{'w12_start': {as_date('w12_d')}, 'w6_start': {as_date('w6_d')}, 'css_start': {as_date('css_d')}}} AS windows",
        "css_score",
        "criteria_met",
        "cohort",
        "exclusions",
        "outcome",
        "priority_tier",
        f"CASE WHEN ogrs IS NULL THEN NULL WHEN ogrs >= {bands['very_high']} THEN 'very_high' "
        f"WHEN ogrs >= {bands['high']} THEN 'high' WHEN ogrs >= {bands['medium']} THEN 'medium' ELSE 'low' END AS ogrs_band",
        f"{{'ogrs_50_plus': ogrs_indicator, 'css_1500_plus': css_indicator, 'needs': {needs}}} AS indicators",
        "CASE WHEN youth THEN adult_on END AS turns_18_on",
        f"{reasons_array(derbyshire_reasons(p, as_of, bases))} AS reasons",
        f"{versions_sql(policy, catalogue)} AS versions",
    ]


def derbyshire_reasons(
    p: DerbyshireParameters, as_of: date, bases: tuple[int, int, int]
) -> list[str]:
    """The same codes, in the same order, as iom.rules.cohorts.assess_cohorts; the figures in evidence."""
    w12_words, w6_words = (
        f"{p.w12_length.describe()} at liberty",
        f"{p.w6_length.describe()} at liberty",
    )
    w12, w6, css = bases
    base_dates = {
        name: J((date(1970, 1, 1) + timedelta(days=n)).isoformat())
        for name, n in zip(("w12_start", "w6_start", "css_start"), bases, strict=True)
    }
    any_met = "fixed_em OR fixed_nc OR free_met"
    tier1 = f"coalesce(ogrs >= {p.tier1_min_ogrs}, false) OR len(tier1_ids) > 0"
    windows_words = f"Windows ending {as_of.isoformat()}: recent offending ({w12_words}), six-month check ({w6_words}) and CSS."
    css_words = f"Crime Severity Score over the CSS window; the indicator is {num(p.css_indicator_threshold)}+ and never decides on its own."
    no_w6 = f"Normally excluded: no conviction in the last {w6_words}."
    outcomes = (
        [
            Alt(
                f"outcome = 'excluded' AND cohort = '{c}'",
                "OUTCOME_EXCLUDED",
                f"Excluded: meets the {c} criterion but an exclusion applies.",
                {"cohort": J(c)},
            )
            for c in ("fixed", "free", "flex")
        ]
        + [
            Alt(
                f"outcome = 'eligible' AND cohort = '{c}'",
                "OUTCOME_ELIGIBLE",
                f"Eligible: {c} cohort and no exclusion applies.",
                {"cohort": J(c)},
            )
            for c in ("fixed", "free")
        ]
        + [
            Alt(
                "outcome = 'consider'",
                "OUTCOME_CONSIDER",
                "Consider: flex cohort, for the panel's professional judgement.",
                {"cohort": J("flex")},
            ),
            Alt(
                "true",
                "OUTCOME_NOT_ELIGIBLE",
                "Not eligible: no cohort criterion is met.",
                {"cohort": J(None)},
            ),
        ]
    )
    return [
        reason(
            Alt(
                f"w12_d = {w12} AND w6_d = {w6} AND css_d = {css}",
                "WINDOWS",
                windows_words,
                dict(base_dates),
            ),
            Alt(
                "true",
                "WINDOWS",
                windows_words,
                {
                    "w12_start": day(as_date("w12_d")),
                    "w6_start": day(as_date("w6_d")),
                    "css_start": day(as_date("css_d")),
                },
            ),
        ),
        reason(
            Alt(
                "css_total = 0 AND unweighted = 0",
                "CSS_SCORE",
                css_words,
                {"css_score": J(0), "unweighted": J(0)},
            ),
            Alt(
                "true",
                "CSS_SCORE",
                css_words,
                {"css_score": number("css_score"), "unweighted": number("unweighted")},
            ),
        ),
        reason(
            Alt(
                "ogrs IS NULL",
                "OGRS_MISSING",
                "OGRS needed from probation: the Fixed (neighbourhood crime) and Free criteria cannot be met without it.",
                {"ogrs": J(None)},
            )
        ),
        reason(
            Alt(
                "fixed_em",
                "FIXED_EM_TAG_MET",
                "Fixed: on the acquisitive crime electronic monitoring project.",
                {"em_acquisitive_tag": J(True)},
            ),
            Alt(
                "true",
                "FIXED_EM_TAG_NOT_MET",
                "Not fixed by electronic monitoring.",
                {"em_acquisitive_tag": J(False)},
            ),
        ),
        reason(
            Alt(
                "fixed_nc",
                "FIXED_NEIGHBOURHOOD_CRIME_MET",
                f"Fixed: neighbourhood crime conviction in the last {w12_words}, OGRS {num(p.fixed_min_ogrs)}+ and current to probation.",
                {"table1_convictions": ids("table1_ids")},
            ),
            Alt(
                "len(table1_ids) = 0",
                "FIXED_NEIGHBOURHOOD_CRIME_NOT_MET",
                f"Not fixed by neighbourhood crime: no Table 1 conviction in the last {w12_words}.",
                {"table1_convictions": J([])},
            ),
            Alt(
                "true",
                "FIXED_NEIGHBOURHOOD_CRIME_NOT_MET",
                f"Not fixed by neighbourhood crime: OGRS missing or below {num(p.fixed_min_ogrs)}, or not current to probation.",
                {
                    "table1_convictions": ids("table1_ids"),
                    "probation_current": boolean("probation_current"),
                },
            ),
        ),
        reason(
            Alt(
                "free_met",
                "FREE_PWITS_MET",
                f"Free: supply or intent-to-supply conviction in the last {w12_words} and OGRS above {num(p.free_ogrs_exceeds)}.",
                {"pwits_convictions": ids("pwits_ids")},
            ),
            Alt(
                "len(pwits_ids) = 0",
                "FREE_PWITS_NOT_MET",
                f"Not free: no supply conviction in the last {w12_words}.",
                {"pwits_convictions": J([])},
            ),
            Alt(
                "true",
                "FREE_PWITS_NOT_MET",
                f"Not free: OGRS missing or not above {num(p.free_ogrs_exceeds)}.",
                {"pwits_convictions": ids("pwits_ids")},
            ),
        ),
        reason(
            Alt(
                any_met,
                "FLEX_NOT_APPLICABLE",
                "Flex does not apply: a Fixed or Free criterion is met.",
            ),
            Alt(
                "flex_met",
                "FLEX_MET",
                "Flex, for professional judgement at panel.",
                {
                    "ogrs_indicator": boolean("ogrs_indicator"),
                    "css_indicator": boolean("css_indicator"),
                },
            ),
            Alt(
                "youth",
                "FLEX_NOT_MET",
                f"Not flex: under {p.adult_age}, so not in the adult scheme.",
                {"adult": J(False)},
            ),
            Alt("true", "FLEX_NOT_MET", "Not flex: no indicator.", {"adult": J(True)}),
        ),
        reason(
            Alt(
                "list_contains(exclusions, 'MAPPA_LEVEL_2_3') AND mappa_level = 2",
                "MAPPA_LEVEL_2_3",
                "Normally excluded: managed at MAPPA level 2.",
                {"mappa_level": J(2)},
            ),
            Alt(
                "list_contains(exclusions, 'MAPPA_LEVEL_2_3')",
                "MAPPA_LEVEL_2_3",
                "Normally excluded: managed at MAPPA level 3.",
                {"mappa_level": number("mappa_level")},
            ),
        ),
        reason(
            Alt(
                "sex_offender_current",
                "SEX_OFFENDER",
                "Normally excluded: a current sex offender.",
                {"sex_offender_current": J(True)},
            )
        ),
        reason(
            Alt(
                f"NOT any_w6 AND w6_d = {w6}",
                "NO_CONVICTION_6M",
                no_w6,
                {"w6_start": base_dates["w6_start"]},
            ),
            Alt("NOT any_w6", "NO_CONVICTION_6M", no_w6, {"w6_start": day(as_date("w6_d"))}),
        ),
        reason(
            Alt(
                "youth",
                "YOUTH",
                f"Under {p.adult_age}: considered for the adult scheme on turning {p.adult_age}.",
                {"turns_18_on": day("adult_on")},
            )
        ),
        reason(*outcomes),
        reason(
            Alt(
                f"cohort IN ('fixed', 'free') AND ({tier1})",
                "PRIORITY_TIER_1",
                f"Priority tier 1: OGRS {num(p.tier1_min_ogrs)}+ or robbery or burglary in the recent window.",
                {"tier1_convictions": ids("tier1_ids")},
            ),
            Alt(
                "cohort IN ('fixed', 'free')",
                "PRIORITY_TIER_2",
                "Priority tier 2.",
                {"tier1_convictions": J([])},
            ),
        ),
        reason(
            *[
                Alt(
                    f"ogrs_indicator = {str(o).lower()} AND css_indicator = {str(c).lower()}",
                    "INDICATORS",
                    "Indicators (never decisive).",
                    {"ogrs_50_plus": J(o), "css_1500_plus": J(c)},
                )
                for o in (True, False)
                for c in (True, False)
            ]
        ),
    ]


# --- Nottinghamshire -----------------------------------------------------------------------


def assess_matrix(
    con: duckdb.DuckDBPyConnection, policy: Policy, as_of: date, catalogue: Catalogue
) -> list[str]:
    p = policy.parameters_on(as_of)
    assert isinstance(p, NottinghamshireParameters)
    d = days(as_of)
    start = days(p.lookback.before(as_of)) if p.lookback is not None else None
    lower = f"AND c.conviction_d >= {start}" if start is not None else ""
    points = (
        f"CASE WHEN c.inchoate AND NOT {str(p.matrix_count_attempts).lower()} THEN 0 "
        f"WHEN c.domestic_abuse AND k.{p.points_column_da} IS NOT NULL THEN k.{p.points_column_da} "
        f"ELSE coalesce(k.{p.points_column}, 0) END"
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE decided AS
        WITH scored AS (
            SELECT c.person_id, sum({points})::INTEGER AS score,
                   count(*) FILTER (WHERE ({points}) > 0) AS scoring
            FROM convictions c JOIN catalogue k ON k.code = c.offence_code
            WHERE c.conviction_d <= {d} {lower}
            GROUP BY c.person_id
        )
        SELECT p.line, p.id AS person_id, p.ogrs, p.significant_intelligence, {turns_adult_sql(p.adult_age)} AS adult_on,
               coalesce(s.score, 0) AS matrix_score, coalesce(s.scoring, 0) AS scoring_convictions,
               coalesce(s.score, 0) >= {p.matrix_threshold} OR p.significant_intelligence AS refer_to_selection_meeting
        FROM people p LEFT JOIN scored s ON s.person_id = p.id
        """
    )
    threshold = p.matrix_threshold
    reasons = [
        reason(
            Alt(
                "matrix_score = 0",
                "MATRIX_SCORE",
                "Matrix score 0: no conviction scores points.",
                {"matrix_score": J(0), "scoring_convictions": J(0)},
            ),
            # a count, not the ids: lists over every conviction of 13M people do not fit in memory
            Alt(
                "true",
                "MATRIX_SCORE",
                "Matrix score from the points of each conviction; `iom assess` lists them.",
                {
                    "matrix_score": number("matrix_score"),
                    "scoring_convictions": number("scoring_convictions"),
                },
            ),
        ),
        reason(
            Alt(
                f"matrix_score >= {threshold}",
                "MATRIX_THRESHOLD_MET",
                f"Score at least {threshold}: refer to the IOM selection meeting.",
                {"threshold": J(threshold)},
            ),
            Alt(
                "true",
                "MATRIX_THRESHOLD_NOT_MET",
                f"Score below {threshold}.",
                {"threshold": J(threshold)},
            ),
        ),
        reason(
            Alt(
                "significant_intelligence",
                "SIGNIFICANT_INTELLIGENCE",
                "There is a significant intelligence picture: refer to the selection meeting whatever the score.",
                {"significant_intelligence": J(True)},
            )
        ),
        reason(
            Alt(
                f"DATE '{as_of.isoformat()}' < adult_on",
                "YOUNG_PERSON",
                f"Under {p.adult_age}: referred for adult consideration on turning {p.adult_age}.",
                {"turns_adult_on": day("adult_on")},
            )
        ),
    ]
    columns = [
        "person_id",
        f"{sql_text(policy.id)} AS policy",
        f"DATE '{as_of.isoformat()}' AS as_of",
    ]
    if start is not None:
        columns.append(f"{{'lookback_start': {as_date(str(start))}}} AS windows")
    return [
        *columns,
        "matrix_score",
        "refer_to_selection_meeting",
        f"{reasons_array(reasons)} AS reasons",
        f"{versions_sql(policy, catalogue)} AS versions",
    ]


ENGINES = {"derbyshire_cohorts": assess_cohorts, "nottinghamshire_matrix": assess_matrix}
