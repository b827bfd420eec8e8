"""The agenda built for a meeting: referrals to decide, critical cases, releases, exit prompts, cohort mix.

Exit prompts and releases come from `iom.rules.exits` with the scheme policy's parameters on the
meeting's date, so the agenda says what the rules contract says (section 5).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from iom.accounts.permissions import may_see_youth_referrals
from iom.cases.models import Cohort, Membership
from iom.cases.queries import for_steps
from iom.cases.services import step_for
from iom.panels.models import AgendaItem, Meeting
from iom.referrals.models import Referral
from iom.rules import Policy
from iom.rules.parameters import DerbyshireParameters

RELEASE_WITHIN = timedelta(days=28)
K = AgendaItem.Kind


@dataclass(frozen=True)
class Item:
    kind: str
    title: str
    detail: str = ""
    referral: Referral | None = None
    person_id: int | None = None
    warning: bool = False


def visible_items(meeting: Meeting, user: Any) -> list[AgendaItem]:
    """The agenda as this user may read it: an item about a child only for the roles that read
    referrals about children (the meeting itself is checked by the view)."""
    items = meeting.agenda.select_related("referral", "person")
    return [
        i
        for i in items
        if i.person is None or not i.person.is_youth() or may_see_youth_referrals(user.role)
    ]


def referrals_to_decide(meeting: Meeting) -> list[Referral]:
    """Listed referrals of the scheme not yet on another meeting, and deferrals now due."""
    if not meeting.kind.decides_referrals:
        return []
    listed = Referral.objects.filter(scheme=meeting.scheme, state=Referral.State.LISTED)
    deferred = Referral.objects.filter(
        scheme=meeting.scheme,
        state=Referral.State.DEFERRED,
        decisions__defer_to__lte=meeting.held_on,
    )
    found = (listed | deferred).filter(meeting__isnull=True) | Referral.objects.filter(
        meeting=meeting
    )
    return list(
        found.distinct().select_related("person").order_by("-critical", "referred_on", "pk")
    )


def build(meeting: Meeting) -> list[Item]:
    items = [
        Item(
            K.REFERRAL,
            str(r.person),
            f"{r.get_trigger_display()}, {r.referred_on:%-d %B %Y}"
            + (f". Cohort sought: {r.get_cohort_sought_display()}" if r.cohort_sought else "")
            + (". Flagged critical" if r.critical else ""),
            referral=r,
            person_id=r.person_id,
            warning=r.critical,
        )
        for r in referrals_to_decide(meeting)
    ]
    members = list(
        for_steps(
            Membership.objects.current()
            .filter(scheme=meeting.scheme, start__lte=meeting.held_on)
            .select_related("person")
            .order_by("person__family_name", "person__given_name")
        )
    )
    policy = meeting.scheme.policy()
    params = policy.parameters_on(meeting.held_on)
    for member in members:
        items += member_prompts(member, meeting, policy)
    if isinstance(params, DerbyshireParameters):
        items += composition(members, params.fixed_min_share)
    return items


STEP_ITEMS = {
    "transferred_out": K.MOVED_AWAY,
    "custody_deselection": K.CUSTODY,
    "exit_review": K.EXIT_REVIEW,
    "exit_notice": K.EXIT_NOTICE,
}


def member_prompts(member: Membership, meeting: Meeting, policy: Policy) -> list[Item]:
    """What the exit rules (`cases.services.step_for`, on the meeting's date) ask of the panel."""
    person, day = member.person, meeting.held_on
    items = []
    if person.area and not meeting.scheme.covers(person.area):
        items.append(
            Item(K.MOVED_AWAY, str(person), f"Recorded area: {person.area}", person_id=person.pk)
        )
    step = step_for(member, day, policy)
    text = step.reasons[0].text if step.reasons else ""
    if step.code in STEP_ITEMS and not (step.code == "transferred_out" and items):
        items.append(Item(STEP_ITEMS[step.code], str(person), text, person_id=person.pk))
    elif step.code == "in_custody" and step.due_on and day <= step.due_on <= day + RELEASE_WITHIN:
        items.append(
            Item(
                K.RELEASE,
                str(person),
                f"Expected release {step.due_on:%-d %B %Y}",
                person_id=person.pk,
            )
        )
    return items


def composition(members: list[Membership], fixed_min_share: float) -> list[Item]:
    if not members:
        return [Item(K.COMPOSITION, "No members yet")]
    counts = Counter(m.cohort for m in members)
    share = counts[Cohort.FIXED] / len(members)
    parts = ", ".join(
        f"{label} {counts[value]}" for value, label in Cohort.choices if counts[value]
    )
    detail = f"{len(members)} members: {parts}. Fixed is {share:.0%} of members."
    low = share < fixed_min_share
    if low:
        detail += f" This is below the {fixed_min_share:.0%} the strategy expects (4.1)."
    return [Item(K.COMPOSITION, "Cohort composition", detail, warning=low)]
