"""The governance figures read from the records, for the pure computations in `iom.impact`.

Episodes come from memberships (joined on the decision's date, left on the end date), stages
from the rules (screening), referrals and decisions, outcomes from pathway records, enforcement
and flow from the cohort. Only `episodes` carries person ids; the pages show aggregates.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, QuerySet

from iom.cases import models as cm
from iom.cases.pathways import PATHWAYS
from iom.impact import Episode, Membership, StagedPerson, impact_parameters, measure
from iom.impact.fairness import ethnic_group
from iom.people import models as pm
from iom.people.held import Screenings
from iom.people.models import ADULT_AGE
from iom.people.records import convictions_of, custody_of
from iom.referrals.models import Referral
from iom.rules import load_catalogue
from iom.rules.dates import is_under
from iom.schemes.models import Scheme

FIXED_SHARE_COHORTS = ("fixed", "flex", "free")
# Settled housing, education, training or work, and treatment: the outcomes the report follows.
TREND_PATHWAYS = ("accommodation", "ete", "drugs", "alcohol")


def schemes(slug: str | None = None) -> list[Scheme]:
    found = Scheme.objects.order_by("name")
    return list(found.filter(slug=slug) if slug else found)


def memberships(chosen: Sequence[Scheme]) -> QuerySet[cm.Membership]:
    return cm.Membership.objects.filter(scheme__in=chosen).select_related("person", "scheme")


def episodes(chosen: Sequence[Scheme], as_of: date) -> list[Episode]:
    """Every membership that began by `as_of`, measured before and after joining."""
    catalogue, parameters = load_catalogue(), impact_parameters(as_of)
    members = (
        memberships(chosen)
        .filter(start__lte=as_of)
        .prefetch_related("person__convictions", "person__custody")
        .order_by("start", "pk")
    )
    found = []
    for member in members:
        person = member.person
        episode = Membership(
            person.local_id,
            member.scheme.slug,
            member.cohort,
            person.area or None,
            member.start,
            member.end_on,
            member.end_reason or None,
        )
        found.append(
            measure(
                episode, convictions_of(person), custody_of(person), as_of, catalogue, parameters
            )
        )
    return found


def people_in_areas(scheme: Scheme) -> int:
    """How many people the scheme's areas hold: about how many its figures must screen."""
    return pm.Person.objects.filter(area__in=scheme.areas).count()


def staged_people(
    scheme: Scheme, as_of: date, screenings: Screenings | None = None
) -> list[StagedPerson]:
    """The scheme's screened population on `as_of`, each with the furthest stage reached:
    a candidate under the scheme's rules, referred (a referral submitted), selected (joined).
    `screenings` may hold the people already screened that day."""
    selected, referred = _selected_and_referred(scheme, as_of)
    known = selected | referred  # counted wherever they live now
    people = _in_areas_or(scheme, known)
    screened = (screenings or Screenings()).of(people, scheme.policy(), as_of, load_catalogue())
    candidates = {found.person for found in screened if found.is_candidate}
    staged = []
    held = people.order_by("pk").values_list("pk", "local_id", "ethnicity", "sex", "date_of_birth")
    for pk, local_id, ethnicity, sex, born in held:
        if scheme.youth and not is_under(ADULT_AGE, born, as_of) and pk not in known:
            continue
        if pk in selected:
            stage = "selected"
        elif pk in referred:
            stage = "referred"
        elif pk in candidates:
            stage = "candidate"
        else:
            stage = "screened"
        staged.append(StagedPerson(local_id, ethnic_group(ethnicity), sex or "U", born, stage))
    return staged


def staged_population(scheme: Scheme, as_of: date) -> QuerySet[pm.Person]:
    """Everyone the scheme's figures screen: those in its areas, and those referred to it or
    selected by `as_of` wherever they live now."""
    return _in_areas_or(scheme, set().union(*_selected_and_referred(scheme, as_of)))


def _in_areas_or(scheme: Scheme, known: set[int]) -> QuerySet[pm.Person]:
    return pm.Person.objects.filter(Q(area__in=scheme.areas) | Q(pk__in=known))


def _selected_and_referred(scheme: Scheme, as_of: date) -> tuple[set[int], set[int]]:
    """The people who joined the scheme by `as_of`, and those with a referral to it submitted."""
    selected = set(
        cm.Membership.objects.filter(scheme=scheme, start__lte=as_of).values_list(
            "person_id", flat=True
        )
    )
    referred = set(
        Referral.objects.filter(scheme=scheme, referred_on__lte=as_of)
        .filter(events__state=Referral.State.SUBMITTED)
        .values_list("person_id", flat=True)
    )
    return selected, referred


@dataclass(frozen=True)
class PathwayOutcome:
    """How many members with a record for a pathway were in a good place at joining and now."""

    label: str
    members: int
    positive_at_joining: int
    positive_now: int


def pathway_outcomes(chosen: Sequence[Scheme], as_of: date) -> list[PathwayOutcome]:
    """Per pathway, over members on the scheme on `as_of`: the first status recorded (at joining)
    against the latest recorded by `as_of` (now)."""
    on_scheme = (
        memberships(chosen)
        .filter(start__lte=as_of)
        .filter(Q(end_on__isnull=True) | Q(end_on__gt=as_of))
    )
    statuses = cm.PathwayStatus.objects.filter(membership__in=on_scheme, on__lte=as_of).order_by(
        "membership_id", "pathway", "on", "pk"
    )
    first: dict[tuple[int, str], str] = {}
    latest: dict[tuple[int, str], str] = {}
    for row in statuses.values("membership_id", "pathway", "status"):
        key = (row["membership_id"], row["pathway"])
        first.setdefault(key, row["status"])
        latest[key] = row["status"]
    outcomes = []
    for code, pathway in PATHWAYS.items():
        keys = [k for k in first if k[1] == code]
        outcomes.append(
            PathwayOutcome(
                pathway.label,
                len(keys),
                sum(first[k] in pathway.positive for k in keys),
                sum(latest[k] in pathway.positive for k in keys),
            )
        )
    return outcomes


@dataclass(frozen=True)
class PathwayTrend:
    """A pathway's share of members in a good place at each date (of those with a record then)."""

    label: str
    points: list[tuple[date, int, int]]  # (date, in a good place, members with a record)


def pathway_trends(
    chosen: Sequence[Scheme], dates: Sequence[date], codes: Sequence[str] = TREND_PATHWAYS
) -> list[PathwayTrend]:
    """For members on the scheme at each date, the latest status recorded by then."""
    spans = {
        pk: (start, end)
        for pk, start, end in cm.Membership.objects.filter(scheme__in=chosen).values_list(
            "pk", "start", "end_on"
        )
    }
    records = list(
        cm.PathwayStatus.objects.filter(membership_id__in=spans, pathway__in=codes)
        .order_by("on", "pk")
        .values_list("membership_id", "pathway", "status", "on")
    )
    trends = []
    for code in codes:
        pathway, points = PATHWAYS[code], []
        for day in dates:
            latest: dict[int, str] = {}
            for member, path, status, on in records:
                start, end = spans[member]
                if path == code and on <= day and start <= day and (end is None or end > day):
                    latest[member] = status
            good = sum(status in pathway.positive for status in latest.values())
            points.append((day, good, len(latest)))
        trends.append(PathwayTrend(pathway.label, points))
    return trends


def enforcement(chosen: Sequence[Scheme], start: date, end: date) -> list[tuple[str, int]]:
    """Warnings, breaches, recalls and arrests of members recorded in `[start, end]`."""
    counts = Counter(
        cm.Enforcement.objects.filter(
            membership__scheme__in=chosen, on__gte=start, on__lte=end
        ).values_list("kind", flat=True)
    )
    return [(str(label), counts.get(kind, 0)) for kind, label in cm.Enforcement.Kind.choices]


@dataclass(frozen=True)
class Quarter:
    start: date
    end: date
    joined: int
    left: dict[str, int]  # end reason label -> how many

    @property
    def label(self) -> str:
        return f"{self.start:%b} to {self.end:%b %Y}"

    @property
    def left_total(self) -> int:
        return sum(self.left.values())


def quarters_to(end: date, count: int) -> list[tuple[date, date]]:
    """The `count` calendar quarters up to the one holding `end`, oldest first."""
    first_month = (end.month - 1) // 3 * 3 + 1
    spans = []
    start = date(end.year, first_month, 1)
    for _ in range(count):
        next_start = date(start.year + (start.month + 2) // 12, (start.month + 2) % 12 + 1, 1)
        spans.append((start, next_start - timedelta(days=1)))
        start = date(start.year - (start.month == 1), (start.month - 4) % 12 + 1, 1)
    return spans[::-1]


def flow(chosen: Sequence[Scheme], end: date, count: int = 8) -> list[Quarter]:
    members = list(memberships(chosen).values("start", "end_on", "end_reason"))
    reasons = dict(cm.Membership.EndReason.choices)
    found = []
    for q_start, q_end in quarters_to(end, count):
        left = Counter(
            str(reasons.get(m["end_reason"], "Other reason"))
            for m in members
            if m["end_on"] and q_start <= m["end_on"] <= q_end
        )
        joined = sum(q_start <= m["start"] <= q_end for m in members)
        found.append(Quarter(q_start, q_end, joined, dict(sorted(left.items()))))
    return found


@dataclass(frozen=True)
class Composition:
    by_cohort: dict[str, int]
    fixed_share: float | None  # of the adult cohorts (Fixed, Flex, Free)
    fixed_min_share: float | None  # what the policy asks for, where it sets one


def composition(chosen: Sequence[Scheme], on: date) -> Composition:
    current = (
        memberships(chosen).filter(start__lte=on).filter(Q(end_on__isnull=True) | Q(end_on__gt=on))
    )
    by_cohort = Counter(current.values_list("cohort", flat=True))
    labels = dict(cm.Cohort.choices)
    adult = sum(by_cohort.get(c, 0) for c in FIXED_SHARE_COHORTS)
    minimums = [getattr(s.policy().parameters_on(on), "fixed_min_share", None) for s in chosen]
    return Composition(
        {str(labels[c]): by_cohort[c] for c in labels if by_cohort.get(c)},
        round(by_cohort.get("fixed", 0) / adult, 3) if adult else None,
        next((m for m in minimums if m is not None), None),
    )
