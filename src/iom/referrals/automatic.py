"""Automatic referrals: the triggers the schemes name, run daily (`iom referrals auto --as-of DATE`).

- screening candidates: people in a scheme's areas whom its rules select (Derbyshire: eligible,
  or Flex to consider; Nottinghamshire: a matrix score for the selection meeting);
- release on the acquisitive crime GPS tag to an address in the area (strategy 11): an EM tag and
  custody that ended in the last 28 days;
- people who arrived in the last 28 days from an area where they were on PPO or IOM (strategy 6);
- young people on a youth scheme who turn 18 within 28 days, or have moved to adult services
  (strategy 5), referred to the adult scheme covering their area.

Arrivals and moves to adult services are not in the PNC-style feed: staff record them on the
person's page (`people.Movement`).

Nobody gets a second open referral to the same scheme, nor a new one within the scheme's look-back
after an earlier referral, nor one while a member, so a rerun opens nothing new.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from iom.cases.models import Membership
from iom.people import models as pm
from iom.people.records import to_rules
from iom.referrals.models import Referral
from iom.referrals.services import open_automatic
from iom.rules import Assessment, assess, load_catalogue
from iom.rules.exits import adult_referral, arrived
from iom.schemes.models import Scheme

SOON = timedelta(days=28)
T = Referral.Trigger


def open_due(as_of: date) -> Counter[str]:
    """Open every referral due on `as_of`; how many of each trigger were opened."""
    opened: Counter[str] = Counter()
    for scheme in Scheme.objects.all():
        for person, trigger, detail in _due(scheme, as_of):
            if _may_open(person, scheme, as_of):
                open_automatic(person, scheme, trigger, detail, as_of)
                opened[str(T(trigger).label)] += 1
    return opened


def _due(scheme: Scheme, as_of: date) -> list[tuple[pm.Person, str, str]]:
    due = []
    policy = scheme.policy()
    catalogue = load_catalogue()
    people = pm.Person.objects.filter(area__in=scheme.areas).prefetch_related(
        "convictions", "custody", "needs", "ogrs_entries"
    )
    for person in people:
        if scheme.youth and not person.is_youth(as_of):
            continue
        assessment = assess(to_rules(person), policy, as_of, catalogue)
        if is_candidate(assessment):
            due.append((person, T.SCREENING, _candidate_detail(assessment)))
        elif not scheme.youth and _released_on_tag(person, as_of):
            due.append(
                (
                    person,
                    T.GPS_TAG,
                    "Released on the acquisitive crime GPS tag to an address in the area",
                )
            )
    if not scheme.youth:
        due += _arrived(scheme, as_of)
        due += _turning_adult(scheme, as_of)
    return due


def _arrived(scheme: Scheme, as_of: date) -> list[tuple[pm.Person, str, str]]:
    """People recorded as arriving in the scheme's areas from PPO or IOM elsewhere, recently."""
    due = []
    moves = pm.Movement.objects.filter(
        kind=pm.Movement.Kind.ARRIVED,
        on__gte=as_of - SOON,
        on__lte=as_of,
        person__area__in=scheme.areas,
    ).select_related("person")
    for move in moves:
        trigger = arrived(move.on, move.previous_scheme or None)
        if trigger.action == "REFER_FOR_CONSIDERATION":
            due.append((move.person, T.ARRIVED, trigger.reasons[0].text))
    return due


def is_candidate(assessment: Assessment) -> bool:
    """A screening candidate: eligible, or Flex to consider; under a matrix, to refer."""
    if assessment.refer_to_selection_meeting is not None:
        return assessment.refer_to_selection_meeting
    return assessment.outcome == "eligible" or (
        assessment.outcome == "consider" and assessment.cohort == "flex"
    )


def _candidate_detail(assessment: Assessment) -> str:
    if assessment.matrix_score is not None:
        return f"Matrix score {assessment.matrix_score} on {assessment.as_of:%-d %B %Y}"
    cohort = assessment.cohort.capitalize() if assessment.cohort else "no cohort"
    return f"Screening on {assessment.as_of:%-d %B %Y}: {assessment.outcome}, {cohort}"


def _released_on_tag(person: pm.Person, as_of: date) -> bool:
    if not person.em_acquisitive_tag:
        return False
    return any(k.end is not None and as_of - SOON <= k.end <= as_of for k in person.custody.all())


def _turning_adult(adult_scheme: Scheme, as_of: date) -> list[tuple[pm.Person, str, str]]:
    """Members of a youth scheme who live in this scheme's areas and turn 18 within 28 days."""
    due = []
    youth_members = (
        Membership.objects.current()
        .filter(scheme__youth=True, person__area__in=adult_scheme.areas)
        .select_related("person", "scheme")
    )
    for member in youth_members:
        adult_age = member.scheme.policy().parameters_on(as_of).adult_age
        moved = member.person.movements.filter(
            kind=pm.Movement.Kind.ADULT_SERVICES, on__lte=as_of
        ).first()
        trigger = adult_referral(
            member.person.date_of_birth, as_of + SOON, adult_age, moved.on if moved else None
        )
        if trigger.action == "REFER_TO_ADULT_SCHEME" and trigger.effective_on is not None:
            on = f"{trigger.effective_on:%-d %B %Y}"
            by_move = moved is not None and moved.on == trigger.effective_on
            why = f"Moved to adult services on {on}" if by_move else f"Turns {adult_age} on {on}"
            due.append((member.person, T.TURNING_ADULT, why))
    return due


def _may_open(person: pm.Person, scheme: Scheme, as_of: date) -> bool:
    if Membership.objects.current().filter(person=person, scheme=scheme).exists():
        return False
    since = as_of - timedelta(days=scheme.referral_lookback_days)
    earlier = Referral.objects.filter(person=person, scheme=scheme)
    return not (
        earlier.filter(state__in=Referral.OPEN).exists()
        or earlier.filter(referred_on__gte=since).exists()
    )
