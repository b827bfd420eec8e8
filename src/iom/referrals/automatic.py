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

The held people are screened in bulk by the SQL engine of `iom screen` (`iom.people.held`), so a
force of a million is screened in seconds, not read person by person. Each screening draft keeps
what the latest run said of its person (`Screening`): the start page ranks the drafts by it.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from django.db.models import Q, QuerySet

from iom.cases.models import Membership
from iom.people import models as pm
from iom.people.held import Screened, Screenings
from iom.referrals.models import Referral
from iom.referrals.queries import latest_adult_birth
from iom.referrals.services import Due, open_automatic, record_screening
from iom.rules import load_catalogue
from iom.rules.exits import adult_referral, arrived
from iom.schemes.models import Scheme

SOON = timedelta(days=28)
T = Referral.Trigger


def open_due(as_of: date, screenings: Screenings | None = None) -> Counter[str]:
    """Open every referral due on `as_of`; how many of each trigger were opened. `screenings`
    may hold the people already screened that day (see `screened_population`)."""
    opened: Counter[str] = Counter()
    catalogue, screenings = load_catalogue(), screenings or Screenings()
    for scheme in Scheme.objects.all():
        policy, scope = scheme.policy(), _scope(scheme, as_of)
        screened = screenings.of(pm.Person.objects.filter(scope), policy, as_of, catalogue)
        blocked = _blocked(scheme, as_of)
        fresh = []
        for due in _due(scheme, as_of, screened):
            if due.person not in blocked:
                blocked.add(due.person)
                fresh.append(due)
        open_automatic(scheme, fresh, as_of)
        left = screenings.of(_drafted_out_of(scope, scheme), policy, as_of, catalogue)
        record_screening(scheme, screened + left, as_of)
        opened.update(str(T(due.trigger).label) for due in fresh)
    return opened


def _scope(scheme: Scheme, as_of: date) -> Q:
    """The people a scheme screens: those in its areas; for a youth scheme, the under-18s."""
    scope = Q(area__in=scheme.areas)
    if scheme.youth:
        scope &= Q(date_of_birth__gt=latest_adult_birth(as_of))
    return scope


def screened_population(scheme: Scheme, as_of: date) -> QuerySet[pm.Person]:
    """Everyone `open_due` screens for the scheme: those in scope, and those drafted out of it."""
    scope = _scope(scheme, as_of)
    return pm.Person.objects.filter(scope) | _drafted_out_of(scope, scheme)


def _drafted_out_of(scope: Q, scheme: Scheme) -> QuerySet[pm.Person]:
    """People with a screening draft to the scheme who have left its scope (moved away, turned
    18): their drafts still show on the start page, so their screening is kept current too."""
    drafts = Referral.objects.filter(scheme=scheme, state=Referral.State.DRAFT, trigger=T.SCREENING)
    return pm.Person.objects.filter(pk__in=drafts.values("person")).exclude(scope)


def in_scope(scheme: Scheme, as_of: date) -> QuerySet[pm.Person]:
    return pm.Person.objects.filter(_scope(scheme, as_of))


def _due(scheme: Scheme, as_of: date, screened: list[Screened]) -> list[Due]:
    """What the people in scope are due: a screening candidate's referral, or else one for a
    release on the GPS tag; then arrivals and young members turning adult."""
    tagged = set() if scheme.youth else _released_on_tag(scheme, as_of)
    due = []
    for found in screened:
        if found.is_candidate:
            due.append(Due(found.person, T.SCREENING, _candidate_detail(found, as_of)))
        elif found.person in tagged:
            detail = "Released on the acquisitive crime GPS tag to an address in the area"
            due.append(Due(found.person, T.GPS_TAG, detail))
    if not scheme.youth:
        due += _arrived(scheme, as_of)
        due += _turning_adult(scheme, as_of)
    return due


def _blocked(scheme: Scheme, as_of: date) -> set[int]:
    """Who may not be referred to the scheme now: its members, whoever has an open referral to
    it, and whoever was referred to it within its look-back."""
    since = as_of - timedelta(days=scheme.referral_lookback_days)
    members = Membership.objects.current().filter(scheme=scheme).values_list("person", flat=True)
    earlier = Referral.objects.filter(scheme=scheme).filter(
        Q(state__in=Referral.OPEN) | Q(referred_on__gte=since)
    )
    return set(members) | set(earlier.values_list("person", flat=True))


def _arrived(scheme: Scheme, as_of: date) -> list[Due]:
    """People recorded as arriving in the scheme's areas from PPO or IOM elsewhere, recently."""
    due = []
    moves = pm.Movement.objects.filter(
        kind=pm.Movement.Kind.ARRIVED,
        on__gte=as_of - SOON,
        on__lte=as_of,
        person__area__in=scheme.areas,
    )
    for move in moves:
        trigger = arrived(move.on, move.previous_scheme or None)
        if trigger.action == "REFER_FOR_CONSIDERATION":
            due.append(Due(move.person_id, T.ARRIVED, trigger.reasons[0].text))
    return due


def _candidate_detail(found: Screened, as_of: date) -> str:
    if found.matrix_score is not None:
        return f"Matrix score {found.matrix_score} on {as_of:%-d %B %Y}"
    verdict = "to consider for" if found.outcome == "consider" else f"{found.outcome} for"
    return f"Screening on {as_of:%-d %B %Y}: {verdict} the {found.cohort.capitalize()} cohort"


def _released_on_tag(scheme: Scheme, as_of: date) -> set[int]:
    """People in the scheme's areas on the acquisitive crime GPS tag, out of custody within 28 days."""
    released = pm.CustodyPeriod.objects.filter(
        person__area__in=scheme.areas,
        person__em_acquisitive_tag=True,
        end__gte=as_of - SOON,
        end__lte=as_of,
    )
    return set(released.values_list("person", flat=True))


def _turning_adult(adult_scheme: Scheme, as_of: date) -> list[Due]:
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
            due.append(Due(member.person_id, T.TURNING_ADULT, why))
    return due
