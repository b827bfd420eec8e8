"""Nottinghamshire YJS IOM scoring matrix (rules contract, section 3)."""

from __future__ import annotations

from datetime import date

from iom.rules.catalogue import Catalogue
from iom.rules.dates import nth_birthday, spoken
from iom.rules.model import JSON, Assessment, Conviction, Person, Reason
from iom.rules.parameters import NottinghamshireParameters
from iom.rules.policy import Policy


def conviction_points(
    conviction: Conviction, catalogue: Catalogue, params: NottinghamshireParameters
) -> tuple[int, str]:
    """Points for one conviction and the basis: the DA points replace the ordinary ones, never add."""
    if conviction.inchoate and not params.matrix_count_attempts:
        return 0, "attempt or conspiracy, not counted by this policy"
    offence = catalogue[conviction.offence_code]
    if conviction.domestic_abuse:
        da_points = offence.number(params.points_column_da)
        if da_points is not None:
            return int(da_points), "domestic abuse points"
    points = offence.number(params.points_column)
    return (0, "offence not in the matrix") if points is None else (int(points), "matrix points")


def assess_matrix(person: Person, policy: Policy, as_of: date, catalogue: Catalogue) -> Assessment:
    params = policy.parameters_on(as_of)
    assert isinstance(params, NottinghamshireParameters)
    start = params.lookback.before(as_of) if params.lookback is not None else date.min
    counted = person.convictions_between(start, as_of)

    scored = [(c, *conviction_points(c, catalogue, params)) for c in counted]
    score = sum(points for _, points, _ in scored)
    reasons = [_score_reason(scored, score, start, as_of, params, catalogue)]
    reasons += _referral_reasons(person, score, params)
    reasons += _age_reasons(person, as_of, params)
    return Assessment(
        person_id=person.id,
        policy=policy.id,
        as_of=as_of,
        matrix_score=score,
        refer_to_selection_meeting=score >= params.matrix_threshold
        or person.significant_intelligence,
        windows={"lookback_start": start} if params.lookback is not None else None,
        reasons=reasons,
        versions={"policy": policy.version_label, "offences": catalogue.version},
    )


def _score_reason(
    scored: list[tuple[Conviction, int, str]],
    score: int,
    start: date,
    as_of: date,
    params: NottinghamshireParameters,
    catalogue: Catalogue,
) -> Reason:
    span = (
        "every conviction up to " + as_of.isoformat()
        if params.lookback is None
        else (f"convictions from {start.isoformat()} to {as_of.isoformat()}")
    )
    said = (
        f"every conviction up to {spoken(as_of)}"
        if params.lookback is None
        else f"convictions from {spoken(start)} to {spoken(as_of)}"
    )
    scoring = [(c, p, basis) for c, p, basis in scored if p]
    evidence: JSON = {
        "matrix_score": score,
        "counted": span,
        "convictions": [
            {
                "id": c.id,
                "offence_code": c.offence_code,
                "conviction_date": c.conviction_date.isoformat(),
                "points": points,
                "basis": basis,
            }
            for c, points, basis in scored
        ],
    }
    listed = (
        "; ".join(
            f"{catalogue[c.offence_code].plain} on {spoken(c.conviction_date)} ({c.id}): "
            f"{p} {'point' if p == 1 else 'points'}"
            for c, p, _ in scoring
        )
        or "none scores points"
    )
    return Reason("MATRIX_SCORE", f"Matrix score {score} from {said}: {listed}.", evidence)


def _referral_reasons(
    person: Person, score: int, params: NottinghamshireParameters
) -> list[Reason]:
    threshold = params.matrix_threshold
    reasons = []
    if score >= threshold:
        reasons.append(
            Reason(
                "MATRIX_THRESHOLD_MET",
                f"Score {score} is at least {threshold}: refer to the IOM selection meeting.",
                {"matrix_score": score, "threshold": threshold},
            )
        )
    else:
        reasons.append(
            Reason(
                "MATRIX_THRESHOLD_NOT_MET",
                f"Score {score} is below {threshold}.",
                {"matrix_score": score, "threshold": threshold},
            )
        )
    if person.significant_intelligence:
        reasons.append(
            Reason(
                "SIGNIFICANT_INTELLIGENCE",
                "There is a significant intelligence picture: refer to the selection meeting whatever the score.",
                {"significant_intelligence": True},
            )
        )
    return reasons


def _age_reasons(person: Person, as_of: date, params: NottinghamshireParameters) -> list[Reason]:
    adult_on = nth_birthday(person.date_of_birth, params.adult_age)
    if as_of < adult_on:
        return [
            Reason(
                "YOUNG_PERSON",
                f"Under {params.adult_age}; turns {params.adult_age} on {spoken(adult_on)}, "
                "when the case is referred for adult consideration.",
                {
                    "date_of_birth": person.date_of_birth.isoformat(),
                    "turns_adult_on": adult_on.isoformat(),
                },
            )
        ]
    return []
