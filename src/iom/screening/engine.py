"""Each policy engine of `iom.rules` as SQL over the typed tables (see iom.ingest.checks.typed_views).

The SQL mirrors the Python rules clause by clause. Each engine leaves a table `decided` (one row
per screened person: the decision fields, `line` for input order and what ranking needs) and
returns the SELECT list that turns it into assessment-schema rows, with the reasons as their
codes and an `evidence` column (see iom.screening.reasons).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import duckdb

from iom.rules import Catalogue, Policy
from iom.rules.dates import epoch_days as days
from iom.rules.dates import is_under
from iom.rules.parameters import DerbyshireParameters, NottinghamshireParameters
from iom.screening.reasons import codes, either, only_if, sql_text
from iom.screening.windows import at_liberty_sql, half_sentence_sql, merge_custody


def as_date(days_sql: str) -> str:
    return f"(DATE '1970-01-01' + ({days_sql})::INTEGER)"


def sql_list(items: tuple[str, ...] | list[str]) -> str:
    return "[" + ", ".join(f"'{item}'" for item in items) + "]::VARCHAR[]"


def turns_adult_sql(age: int) -> str:
    """The birthday at `age` (29 February falls on 1 March in a common year), as a DATE."""
    y = f"(year(date_of_birth) + {age})"
    leap = f"(({y} % 4 = 0 AND {y} % 100 <> 0) OR {y} % 400 = 0)"
    return (
        f"CASE WHEN month(date_of_birth) = 2 AND day(date_of_birth) = 29 AND NOT {leap} "
        f"THEN make_date({y}, 3, 1) ELSE make_date({y}, month(date_of_birth), day(date_of_birth)) END"
    )


def young_sql(age: int, as_of: date) -> str:
    """Whether the person is under `age` on `as_of`: born after the last birth date that is not.

    One comparison a row; the birthday itself (`turns_adult_sql`) is worked out only where shown.
    """
    born = date(as_of.year - age, as_of.month, 1) + timedelta(days=as_of.day + 3)
    while is_under(age, born, as_of):
        born -= timedelta(days=1)
    return f"date_of_birth > DATE '{born.isoformat()}'"


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
        SELECT k.person_id, a.start::INTEGER AS w12_d, b.start::INTEGER AS w6_d,
               c.start::INTEGER AS css_d
        FROM (SELECT DISTINCT person_id FROM custody) k
        LEFT JOIN ({at_liberty_sql(w12)}) a ON a.person_id = k.person_id
        LEFT JOIN ({at_liberty_sql(w6)}) b ON b.person_id = k.person_id
        LEFT JOIN ({css_sql}) c ON c.person_id = k.person_id
        """
    )
    starts = Starts(w12, w6, css)
    _derbyshire_facts(con, p, d, starts)
    _derbyshire_decisions(con, p, as_of, starts)
    return _derbyshire_columns(policy, p, as_of, catalogue)


@dataclass(frozen=True)
class Starts:
    """Each window's start on the calendar; `win` holds only the people custody moves it for."""

    w12: int
    w6: int
    css: int

    def sql(self, alias: str) -> str:
        return (
            f"coalesce({alias}.w12_d, {self.w12}) AS w12_d, coalesce({alias}.w6_d, {self.w6}) AS w6_d, "
            f"coalesce({alias}.css_d, {self.css}) AS css_d"
        )


def _derbyshire_facts(
    con: duckdb.DuckDBPyConnection, p: DerbyshireParameters, d: int, starts: Starts
) -> None:
    """Per person with a conviction in a window: CSS, how many recent Table 1 / supply / tier 1
    convictions, and whether any is in W6."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE offences AS
        SELECT code, {p.css_weight_column} AS weight,
               coalesce(list_contains({sql_list(p.fixed_offence_groups)}, grp), false) AS table1,
               coalesce(list_contains({sql_list(p.free_offence_groups)}, grp), false) AS supply,
               coalesce(list_contains({sql_list(p.tier1_offence_groups)}, grp), false) AS serious
        FROM catalogue
        """
    )
    recent = "conviction_d >= w12_d"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE facts AS
        WITH counted AS (
            SELECT c.person_id, c.conviction_d, k.weight, k.table1, k.supply, k.serious,
                   {starts.sql("w")}
            FROM convictions c JOIN offences k ON k.code = c.offence_code
            LEFT JOIN win w ON w.person_id = c.person_id
            WHERE c.conviction_d <= {d}
        )
        SELECT person_id,
               coalesce(sum(weight) FILTER (WHERE conviction_d >= css_d), 0)::DOUBLE AS css_total,
               count(*) FILTER (WHERE conviction_d >= css_d AND weight IS NULL) AS unweighted,
               count(*) FILTER (WHERE {recent} AND table1) AS table1,
               count(*) FILTER (WHERE {recent} AND supply) AS supply,
               count(*) FILTER (WHERE {recent} AND table1 AND serious) AS serious,
               coalesce(bool_or(conviction_d >= w6_d), false) AS any_w6
        FROM counted
        WHERE conviction_d >= least(w12_d, w6_d, css_d)
        GROUP BY person_id
        """
    )


def _derbyshire_decisions(
    con: duckdb.DuckDBPyConnection, p: DerbyshireParameters, as_of: date, starts: Starts
) -> None:
    mappa = ", ".join(str(level) for level in p.excluded_mappa_levels) or "NULL"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE decided AS
        WITH judged AS (
            SELECT p.line, p.id AS person_id, p.ogrs, p.probation_current, p.mappa_level, p.sex_offender_current,
                   p.em_acquisitive_tag AS fixed_em, p.needs, {starts.sql("w")},
                   coalesce(f.css_total, 0) AS css_total, coalesce(f.unweighted, 0) AS unweighted,
                   coalesce(f.any_w6, false) AS any_w6, coalesce(f.table1, 0) AS table1,
                   coalesce(f.supply, 0) AS supply, coalesce(f.serious, 0) AS serious,
                   p.date_of_birth, {young_sql(p.adult_age, as_of)} AS youth
            FROM people p LEFT JOIN win w ON w.person_id = p.id LEFT JOIN facts f ON f.person_id = p.id
        ), tested AS (
            SELECT *,
                   coalesce(table1 > 0 AND ogrs >= {p.fixed_min_ogrs} AND probation_current, false) AS fixed_nc,
                   coalesce(supply > 0 AND ogrs > {p.free_ogrs_exceeds}, false) AS free_met,
                   coalesce(ogrs >= {p.ogrs_indicator_min}, false) AS ogrs_indicator,
                   css_total >= {p.css_indicator_threshold} AS css_indicator
            FROM judged
        ), criteria AS (
            SELECT *,
                   NOT (fixed_em OR fixed_nc OR free_met) AND NOT youth
                     AND (ogrs_indicator OR css_indicator OR table1 + supply > 0) AS flex_met,
                   coalesce(mappa_level IN ({mappa}), false) AS excluded_mappa,
                   sex_offender_current AS excluded_sex_offender,
                   NOT any_w6 AS excluded_no_recent_conviction
            FROM tested
        ), cohorts AS (
            SELECT *,
                   CASE WHEN fixed_em OR fixed_nc THEN 'fixed' WHEN free_met THEN 'free'
                        WHEN flex_met THEN 'flex' END AS cohort,
                   {" OR ".join(column for _, column in EXCLUSIONS)} AS excluded
            FROM criteria
        )
        SELECT * EXCLUDE (needs), {_needs_flags(p)},
               CASE WHEN cohort IS NULL THEN 'not_eligible' WHEN excluded THEN 'excluded'
                    WHEN cohort = 'flex' THEN 'consider' ELSE 'eligible' END AS outcome,
               (CASE WHEN cohort IN ('fixed', 'free') THEN
                    CASE WHEN coalesce(ogrs >= {p.tier1_min_ogrs}, false) OR serious > 0 THEN 1 ELSE 2 END
                END)::INTEGER AS priority_tier,
               round(css_total, 2) AS css_score
        FROM cohorts
        """
    )


# Each exclusion's code and the `decided` column that says it applies, in the core's order.
EXCLUSIONS = (
    ("MAPPA_LEVEL_2_3", "excluded_mappa"),
    ("SEX_OFFENDER", "excluded_sex_offender"),
    ("NO_CONVICTION_6M", "excluded_no_recent_conviction"),
    ("YOUTH", "youth"),
)


def _needs_flags(p: DerbyshireParameters) -> str:
    """One flag a need the indicators show: `decided` holds no lists, so it sorts quickly."""
    return ", ".join(
        f"list_contains(needs, '{need}') AS need_{n}" for n, need in enumerate(p.indicator_needs)
    )


def listed(*items: tuple[str, str]) -> str:
    """A list of the names whose condition holds, in order: (name, condition) pairs."""
    return (
        "list_filter(["
        + ", ".join(f"CASE WHEN {condition} THEN '{name}' END" for name, condition in items)
        + "], x -> x IS NOT NULL)"
    )


def _derbyshire_columns(
    policy: Policy,
    p: DerbyshireParameters,
    as_of: date,
    catalogue: Catalogue,
) -> list[str]:
    bands = p.ogrs_bands
    needs = listed(*((need, f"need_{n}") for n, need in enumerate(p.indicator_needs)))
    criteria = listed(("fixed", "fixed_em OR fixed_nc"), ("free", "free_met"), ("flex", "flex_met"))
    return [
        "person_id",
        f"{sql_text(policy.id)} AS policy",
        f"DATE '{as_of.isoformat()}' AS as_of",
        f"{{'w12_start': {as_date('w12_d')}, 'w6_start': {as_date('w6_d')}, 'css_start': {as_date('css_d')}}} AS windows",
        "css_score",
        f"{criteria} AS criteria_met",
        "cohort",
        f"{listed(*EXCLUSIONS)} AS exclusions",
        "outcome",
        "priority_tier",
        f"CASE WHEN ogrs IS NULL THEN NULL WHEN ogrs >= {bands['very_high']} THEN 'very_high' "
        f"WHEN ogrs >= {bands['high']} THEN 'high' WHEN ogrs >= {bands['medium']} THEN 'medium' ELSE 'low' END AS ogrs_band",
        f"{{'ogrs_50_plus': ogrs_indicator, 'css_1500_plus': css_indicator, 'needs': {needs}}} AS indicators",
        f"CASE WHEN youth THEN {turns_adult_sql(p.adult_age)} END AS turns_18_on",
        "{'recent_table1_convictions': table1, 'recent_supply_convictions': supply, "
        "'recent_tier1_convictions': serious, 'unweighted_convictions': unweighted} AS evidence",
        f"{derbyshire_codes()} AS reason_codes",
        f"{versions_sql(policy, catalogue)} AS versions",
    ]


def derbyshire_codes() -> str:
    """The codes of iom.rules.cohorts.assess_cohorts, in its order."""
    earlier = "fixed_em OR fixed_nc OR free_met"
    return codes(
        "'WINDOWS CSS_SCORE'",
        only_if("ogrs IS NULL", "OGRS_MISSING"),
        either("fixed_em", "FIXED_EM_TAG_MET", "FIXED_EM_TAG_NOT_MET"),
        either("fixed_nc", "FIXED_NEIGHBOURHOOD_CRIME_MET", "FIXED_NEIGHBOURHOOD_CRIME_NOT_MET"),
        either("free_met", "FREE_PWITS_MET", "FREE_PWITS_NOT_MET"),
        f"CASE WHEN {earlier} THEN 'FLEX_NOT_APPLICABLE' WHEN flex_met THEN 'FLEX_MET' "
        "ELSE 'FLEX_NOT_MET' END",
        *(only_if(column, code) for code, column in EXCLUSIONS),
        "'OUTCOME_' || upper(outcome)",
        "CASE priority_tier WHEN 1 THEN 'PRIORITY_TIER_1' WHEN 2 THEN 'PRIORITY_TIER_2' END",
        "'INDICATORS'",
    )


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
        SELECT p.line, p.id AS person_id, p.ogrs, p.significant_intelligence,
               {young_sql(p.adult_age, as_of)} AS youth,
               coalesce(s.score, 0) AS matrix_score, coalesce(s.scoring, 0) AS scoring_convictions,
               coalesce(s.score, 0) >= {p.matrix_threshold} OR p.significant_intelligence AS refer_to_selection_meeting
        FROM people p LEFT JOIN scored s ON s.person_id = p.id
        """
    )
    reason_codes = codes(
        "'MATRIX_SCORE'",
        either(
            f"matrix_score >= {p.matrix_threshold}",
            "MATRIX_THRESHOLD_MET",
            "MATRIX_THRESHOLD_NOT_MET",
        ),
        only_if("significant_intelligence", "SIGNIFICANT_INTELLIGENCE"),
        only_if("youth", "YOUNG_PERSON"),
    )
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
        "{'scoring_convictions': scoring_convictions} AS evidence",
        f"{reason_codes} AS reason_codes",
        f"{versions_sql(policy, catalogue)} AS versions",
    ]


ENGINES = {"derbyshire_cohorts": assess_cohorts, "nottinghamshire_matrix": assess_matrix}

# Each engine's headline figures in `decided`, by the same names: under the matrix the outcome
# is whether to refer to the selection meeting, and nobody is placed in a cohort.
HEADLINES = {
    "derbyshire_cohorts": {
        "outcome": "outcome",
        "cohort": "cohort",
        "priority_tier": "priority_tier",
        "css_score": "css_score",
        "ogrs": "ogrs",
        "matrix_score": "NULL::INTEGER",
    },
    "nottinghamshire_matrix": {
        "outcome": "CASE WHEN refer_to_selection_meeting THEN 'refer' ELSE 'do_not_refer' END",
        "cohort": "NULL::VARCHAR",
        "priority_tier": "NULL::INTEGER",
        "css_score": "NULL::DOUBLE",
        "ogrs": "ogrs",
        "matrix_score": "matrix_score",
    },
}
# The outcomes that make someone a candidate to refer (Flex is the only cohort to consider).
CANDIDATE_OUTCOMES = ("eligible", "consider", "refer")
