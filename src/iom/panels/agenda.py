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
from iom.panels.models import AgendaItem, Meeting
from iom.people.records import to_rules
from iom.referrals.models import Referral
from iom.rules import load_policy
from iom.rules.exits import custody_review, exit_schedule, remand_credit
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
        Membership.objects.current()
        .filter(scheme=meeting.scheme)
        .select_related("person")
        .order_by("person__family_name", "person__given_name")
    )
    policy = load_policy(meeting.scheme.policy_id)
    params = policy.parameters_on(meeting.held_on)
    for member in members:
        items += member_prompts(member, meeting, params)
    if isinstance(params, DerbyshireParameters):
        items += composition(members, params.fixed_min_share)
    return items


def member_prompts(member: Membership, meeting: Meeting, params: object) -> list[Item]:
    person, day = member.person, meeting.held_on
    rules_person = to_rules(person)
    items = []
    if person.area and not meeting.scheme.covers(person.area):
        items.append(
            Item(K.MOVED_AWAY, str(person), f"Recorded area: {person.area}", person_id=person.pk)
        )
    open_sentences = [
        c
        for c in rules_person.custody
        if c.kind == "sentence" and c.end is None and c.sentence_days
    ]
    if isinstance(params, DerbyshireParameters):
        for sentence in open_sentences:
            review = custody_review(
                sentence,
                day,
                params.custody_deselect_over,
                params.release_point,
                remand_credit(sentence, rules_person.custody),
            )
            if review.propose_deselection:
                items.append(
                    Item(K.CUSTODY, str(person), review.reasons[0].text, person_id=person.pk)
                )
            elif day <= review.expected_release <= day + RELEASE_WITHIN:
                items.append(
                    Item(
                        K.RELEASE,
                        str(person),
                        f"Expected release {review.expected_release:%-d %B %Y}",
                        person_id=person.pk,
                    )
                )
        if not open_sentences:
            schedule = exit_schedule(
                member.start,
                rules_person.convictions,
                day,
                params.exit_notice_after,
                params.exit_review_after,
                rules_person.custody,
            )
            if schedule.review_due:
                items.append(
                    Item(K.EXIT_REVIEW, str(person), schedule.reasons[0].text, person_id=person.pk)
                )
            elif schedule.notice_due:
                items.append(
                    Item(K.EXIT_NOTICE, str(person), schedule.reasons[0].text, person_id=person.pk)
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
