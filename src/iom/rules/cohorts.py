"""Derbyshire Fixed, Flex and Free cohorts, exclusions, outcome and priority (rules contract, section 4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from iom.rules.catalogue import Catalogue
from iom.rules.css import CssScore, css_score
from iom.rules.dates import is_under, nth_birthday, spoken
from iom.rules.model import JSON, Assessment, Conviction, Person, Reason
from iom.rules.parameters import DerbyshireParameters
from iom.rules.policy import Policy
from iom.rules.windows import Window, at_liberty_window, css_window

GROUP_COLUMN = "derbyshire_group"


@dataclass(frozen=True)
class Facts:
    """What the criteria are tested against, worked out once per person and date."""

    person: Person
    as_of: date
    params: DerbyshireParameters
    w12: Window
    w6: Window
    css: CssScore
    table1_recent: list[Conviction]
    pwits_recent: list[Conviction]
    youth: bool
    catalogue: Catalogue

    @property
    def ogrs(self) -> float | None:
        return self.person.ogrs_score

    def refs(self, convictions: list[Conviction]) -> list[JSON]:
        return [conviction_ref(c, self.catalogue) for c in convictions]


@dataclass(frozen=True)
class Criterion:
    cohort: str
    met: bool
    reason: Reason


def conviction_ref(conviction: Conviction, catalogue: Catalogue) -> JSON:
    ref: JSON = {
        "id": conviction.id,
        "offence_code": conviction.offence_code,
        "conviction_date": conviction.conviction_date.isoformat(),
    }
    group = catalogue[conviction.offence_code].text(GROUP_COLUMN)
    if group:
        ref["group"] = group
    if conviction.inchoate:
        ref["inchoate"] = "attempt" if conviction.attempt else "conspiracy"
    return ref


def gather_facts(
    person: Person, params: DerbyshireParameters, as_of: date, catalogue: Catalogue
) -> Facts:
    w12 = at_liberty_window(as_of, params.w12_length, person.custody)
    css_win = css_window(as_of, params.css_length, person.custody, params.css_custody_adjustment)
    recent = person.convictions_between(w12.start, as_of)

    def in_groups(groups: tuple[str, ...]) -> list[Conviction]:
        return [c for c in recent if catalogue[c.offence_code].text(GROUP_COLUMN) in groups]

    return Facts(
        person=person,
        as_of=as_of,
        params=params,
        w12=w12,
        w6=at_liberty_window(as_of, params.w6_length, person.custody),
        css=css_score(list(person.convictions), css_win, catalogue, params.css_weight_column),
        table1_recent=in_groups(params.fixed_offence_groups),
        pwits_recent=in_groups(params.free_offence_groups),
        youth=is_under(params.adult_age, person.date_of_birth, as_of),
        catalogue=catalogue,
    )


# --- the four cohort criteria, in the order the contract tests them -------------------------


def fixed_by_em_tag(f: Facts) -> Criterion:
    if f.person.em_acquisitive_tag:
        text = "Fixed: on the serious acquisitive crime electronic monitoring (GPS tag) project."
        return Criterion(
            "fixed", True, Reason("FIXED_EM_TAG_MET", text, {"em_acquisitive_tag": True})
        )
    text = "Not fixed by electronic monitoring: not on the acquisitive crime tagging project."
    return Criterion(
        "fixed", False, Reason("FIXED_EM_TAG_NOT_MET", text, {"em_acquisitive_tag": False})
    )


def fixed_by_neighbourhood_crime(f: Facts) -> Criterion:
    p = f.params
    missing = []
    if not f.table1_recent:
        missing.append(
            f"no neighbourhood crime (Table 1) conviction in the last {_at_liberty(f.w12)}"
        )
    if f.ogrs is None:
        missing.append("no OGRS recorded")
    elif f.ogrs < p.fixed_min_ogrs:
        missing.append(f"OGRS {_num(f.ogrs)} is below {_num(p.fixed_min_ogrs)}")
    if not f.person.probation_current:
        missing.append("not current to probation")
    evidence: JSON = {
        "window": f.w12.evidence(),
        "table1_convictions": f.refs(f.table1_recent),
        "ogrs": f.ogrs,
        "fixed_min_ogrs": p.fixed_min_ogrs,
        "probation_current": f.person.probation_current,
    }
    if missing:
        text = "Not fixed by neighbourhood crime: " + "; ".join(missing) + "."
        return Criterion(
            "fixed", False, Reason("FIXED_NEIGHBOURHOOD_CRIME_NOT_MET", text, evidence)
        )
    ids = ", ".join(c.id for c in f.table1_recent)
    text = (
        f"Fixed: neighbourhood crime conviction in the last {_at_liberty(f.w12)} ({ids}), "
        f"OGRS {_num(f.ogrs)} is at least {_num(p.fixed_min_ogrs)}, and current to probation."
    )
    return Criterion("fixed", True, Reason("FIXED_NEIGHBOURHOOD_CRIME_MET", text, evidence))


def free_by_supply(f: Facts) -> Criterion:
    p = f.params
    missing = []
    if not f.pwits_recent:
        missing.append(f"no supply or intent-to-supply conviction in the last {_at_liberty(f.w12)}")
    if f.ogrs is None:
        missing.append("no OGRS recorded")
    elif not f.ogrs > p.free_ogrs_exceeds:
        missing.append(f"OGRS {_num(f.ogrs)} does not exceed {_num(p.free_ogrs_exceeds)}")
    evidence: JSON = {
        "window": f.w12.evidence(),
        "pwits_convictions": f.refs(f.pwits_recent),
        "ogrs": f.ogrs,
        "free_ogrs_exceeds": p.free_ogrs_exceeds,
    }
    if missing:
        text = "Not free: " + "; ".join(missing) + "."
        return Criterion("free", False, Reason("FREE_PWITS_NOT_MET", text, evidence))
    ids = ", ".join(c.id for c in f.pwits_recent)
    text = (
        f"Free: supply or intent-to-supply conviction in the last {_at_liberty(f.w12)} ({ids}) "
        f"and OGRS {_num(f.ogrs)} exceeds {_num(p.free_ogrs_exceeds)}."
    )
    return Criterion("free", True, Reason("FREE_PWITS_MET", text, evidence))


def flex_by_judgement(f: Facts, earlier_met: bool) -> Criterion:
    p = f.params
    indicators = flex_indicators(f)
    evidence: JSON = {
        "indicators": indicators,
        "adult": not f.youth,
        "other_criterion_met": earlier_met,
    }
    if earlier_met:
        text = "Flex does not apply: a Fixed or Free criterion is met."
        return Criterion("flex", False, Reason("FLEX_NOT_APPLICABLE", text, evidence))
    if f.youth:
        text = f"Not flex: under {p.adult_age}, so not in the adult scheme."
        return Criterion("flex", False, Reason("FLEX_NOT_MET", text, evidence))
    if not indicators:
        text = (
            f"Not flex: no indicator (OGRS {_num(p.ogrs_indicator_min)}+, CSS "
            f"{_num(p.css_indicator_threshold)}+, or a neighbourhood crime or supply conviction "
            f"in the last {_at_liberty(f.w12)})."
        )
        return Criterion("flex", False, Reason("FLEX_NOT_MET", text, evidence))
    text = "Flex, for professional judgement at panel: " + "; ".join(indicators.values()) + "."
    return Criterion("flex", True, Reason("FLEX_MET", text, evidence))


def flex_indicators(f: Facts) -> dict[str, str]:
    p = f.params
    found = {}
    if f.ogrs is not None and f.ogrs >= p.ogrs_indicator_min:
        found["ogrs"] = f"OGRS {_num(f.ogrs)} is at least {_num(p.ogrs_indicator_min)}"
    if f.css.total >= p.css_indicator_threshold:
        found["css"] = f"CSS {f.css.reported:.2f} is at least {_num(p.css_indicator_threshold)}"
    recent = sorted(f.table1_recent + f.pwits_recent, key=lambda c: (c.conviction_date, c.id))
    if recent:
        ids = ", ".join(c.id for c in recent)
        found["recent_offence"] = (
            f"neighbourhood crime or supply conviction in the last {_at_liberty(f.w12)} ({ids})"
        )
    return found


def judge_criteria(f: Facts) -> list[Criterion]:
    criteria = [fixed_by_em_tag(f), fixed_by_neighbourhood_crime(f), free_by_supply(f)]
    criteria.append(flex_by_judgement(f, earlier_met=any(c.met for c in criteria)))
    return criteria


# --- exclusions, outcome, priority, indicators ---------------------------------------------


def exclusions(f: Facts) -> list[Reason]:
    p, person = f.params, f.person
    found = []
    if person.mappa_level in p.excluded_mappa_levels:
        found.append(
            Reason(
                "MAPPA_LEVEL_2_3",
                f"Normally excluded: managed at MAPPA level {person.mappa_level}.",
                {
                    "mappa_level": person.mappa_level,
                    "excluded_levels": list(p.excluded_mappa_levels),
                },
            )
        )
    if person.sex_offender_current:
        found.append(
            Reason(
                "SEX_OFFENDER",
                "Normally excluded: a current sex offender.",
                {"sex_offender_current": True},
            )
        )
    if not f.person.convictions_between(f.w6.start, f.as_of):
        found.append(
            Reason(
                "NO_CONVICTION_6M",
                f"Normally excluded: no conviction in the last {_at_liberty(f.w6)}.",
                {"window": f.w6.evidence()},
            )
        )
    if f.youth:
        adult_on = nth_birthday(person.date_of_birth, p.adult_age)
        found.append(
            Reason(
                "YOUTH",
                f"Under {p.adult_age}: young people are watched, and considered for the adult scheme "
                f"on turning {p.adult_age} on {spoken(adult_on)}.",
                {
                    "date_of_birth": person.date_of_birth.isoformat(),
                    "turns_18_on": adult_on.isoformat(),
                },
            )
        )
    return found


def outcome_of(cohort: str | None, excluded: bool) -> tuple[str, str]:
    if cohort is None:
        return "not_eligible", "Not eligible: no cohort criterion is met."
    if excluded:
        return "excluded", (
            f"Excluded: meets the {cohort} criterion but an exclusion applies; only a recorded "
            "multi-agency agreement can make an exception."
        )
    if cohort == "flex":
        return "consider", "Consider: flex cohort, for the panel's professional judgement."
    return "eligible", f"Eligible: {cohort} cohort and no exclusion applies."


def ogrs_band(score: float | None, bands: dict[str, float]) -> str | None:
    if score is None:
        return None
    for band in ("very_high", "high", "medium"):
        if score >= bands[band]:
            return band
    return "low"


def priority(f: Facts, cohort: str | None) -> tuple[int | None, Reason | None]:
    """Tier inside Fixed and Free: 1 for OGRS 75+ or a robbery or burglary in the recent window."""
    if cohort not in ("fixed", "free"):
        return None, None
    p = f.params
    serious = [
        c
        for c in f.table1_recent
        if f.catalogue[c.offence_code].text(GROUP_COLUMN) in p.tier1_offence_groups
    ]
    grounds = []
    if f.ogrs is not None and f.ogrs >= p.tier1_min_ogrs:
        grounds.append(f"OGRS {_num(f.ogrs)} is at least {_num(p.tier1_min_ogrs)}")
    if serious:
        grounds.append(
            "robbery or burglary in the recent window (" + ", ".join(c.id for c in serious) + ")"
        )
    evidence: JSON = {
        "ogrs": f.ogrs,
        "tier1_min_ogrs": p.tier1_min_ogrs,
        "tier1_convictions": f.refs(serious),
        "css_score": f.css.reported,
        "order_within_tier": "higher CSS first, then higher OGRS",
    }
    if grounds:
        return 1, Reason(
            "PRIORITY_TIER_1", "Priority tier 1: " + "; ".join(grounds) + ".", evidence
        )
    text = f"Priority tier 2: OGRS below {_num(p.tier1_min_ogrs)} and no robbery or burglary in the recent window."
    return 2, Reason("PRIORITY_TIER_2", text, evidence)


def indicators(f: Facts) -> JSON:
    p = f.params
    return {
        "ogrs_50_plus": f.ogrs is not None and f.ogrs >= p.ogrs_indicator_min,
        "css_1500_plus": f.css.total >= p.css_indicator_threshold,
        "needs": [need for need in p.indicator_needs if need in f.person.needs],
    }


# --- the assessment -------------------------------------------------------------------------


def assess_cohorts(person: Person, policy: Policy, as_of: date, catalogue: Catalogue) -> Assessment:
    params = policy.parameters_on(as_of)
    assert isinstance(params, DerbyshireParameters)
    f = gather_facts(person, params, as_of, catalogue)

    criteria = judge_criteria(f)
    met = [c.cohort for c in criteria if c.met]
    criteria_met: list[str] = [name for name in ("fixed", "free", "flex") if name in met]
    cohort = criteria_met[0] if criteria_met else None
    excluded = exclusions(f)
    outcome, outcome_text = outcome_of(cohort, bool(excluded))
    tier, tier_reason = priority(f, cohort)
    shown = indicators(f)

    reasons = [windows_reason(f), css_reason(f)]
    if f.ogrs is None:
        reasons.append(
            Reason(
                "OGRS_MISSING",
                "OGRS needed from probation: the Fixed (neighbourhood crime) "
                "and Free criteria cannot be met without it.",
                {"ogrs": None},
            )
        )
    reasons += [c.reason for c in criteria]
    reasons += excluded
    reasons.append(
        Reason(
            f"OUTCOME_{outcome.upper()}",
            outcome_text,
            {
                "cohort": cohort,
                "criteria_met": criteria_met,
                "exclusions": [r.code for r in excluded],
            },
        )
    )
    if tier_reason is not None:
        reasons.append(tier_reason)
    reasons.append(indicators_reason(shown, f))

    return Assessment(
        person_id=person.id,
        policy=policy.id,
        as_of=as_of,
        windows={"w12_start": f.w12.start, "w6_start": f.w6.start, "css_start": f.css.window.start},
        css_score=f.css.reported,
        criteria_met=criteria_met,
        cohort=cohort,
        exclusions=[r.code for r in excluded],
        outcome=outcome,
        priority_tier=tier,
        ogrs_band=ogrs_band(f.ogrs, params.ogrs_bands),
        indicators=shown,
        turns_18_on=nth_birthday(person.date_of_birth, params.adult_age) if f.youth else None,
        reasons=reasons,
        versions={"policy": policy.version_label, "offences": catalogue.version},
    )


def windows_reason(f: Facts) -> Reason:
    parts = [
        f"recent offending from {spoken(f.w12.start)} ({_at_liberty(f.w12)})",
        f"six-month check from {spoken(f.w6.start)} ({_at_liberty(f.w6)})",
        f"CSS from {spoken(f.css.window.start)}",
    ]
    evidence = {"w12": f.w12.evidence(), "w6": f.w6.evidence(), "css": f.css.window.evidence()}
    return Reason(
        "WINDOWS", f"Windows ending {spoken(f.as_of)}: " + "; ".join(parts) + ".", evidence
    )


def css_reason(f: Facts) -> Reason:
    p = f.params
    weighted = len(f.css.weighted)
    text = (
        f"Crime Severity Score {f.css.reported:.2f} from {weighted} weighted "
        f"{'conviction' if weighted == 1 else 'convictions'} since {spoken(f.css.window.start)}"
    )
    if f.css.window.added_days:
        text += f" (window extended by {f.css.window.added_days} days for custody)"
    if f.css.unweighted:
        n = len(f.css.unweighted)
        text += (
            f"; {n} {'conviction has' if n == 1 else 'convictions have'} no CSS weight in the "
            f"catalogue and {'adds' if n == 1 else 'add'} 0"
        )
    text += f"; the indicator is {_num(p.css_indicator_threshold)}+ and never decides on its own."
    return Reason("CSS_SCORE", text, f.css.evidence(f.catalogue, p.css_weight_column))


def indicators_reason(shown: JSON, f: Facts) -> Reason:
    ogrs, css = _num(f.params.ogrs_indicator_min), _num(f.params.css_indicator_threshold)
    parts = [
        f"OGRS {ogrs}+" if shown["ogrs_50_plus"] else f"OGRS not {ogrs}+",
        f"CSS {css}+" if shown["css_1500_plus"] else f"CSS below {css}",
        ("needs: " + ", ".join(n.replace("_", " ") for n in shown["needs"]))
        if shown["needs"]
        else "no indicator needs",
    ]
    return Reason(
        "INDICATORS", "Indicators (never decisive): " + "; ".join(parts) + ".", dict(shown)
    )


def _at_liberty(window: Window) -> str:
    return f"{window.length.describe()} at liberty"


def _num(value: float | None) -> str:
    if value is None:
        return "none"
    return str(int(value)) if float(value).is_integer() else str(value)
