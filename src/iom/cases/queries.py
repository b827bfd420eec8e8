"""Reading the cohort: members by filter, caseloads, what is due, contacts against plan, and the
morning intelligence list. Views, commands and the demo read through here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from iom.cases import models as cm
from iom.cases import schedule
from iom.cases.pathways import PATHWAYS
from iom.cases.services import step_for
from iom.people import models as pm
from iom.people.records import assessment_now
from iom.rules.exits import NextStep
from iom.schemes.models import Scheme

M = cm.Membership
# Next steps that ask someone to act (the rest say the member stays on).
ACTION_STEPS = (
    "transferred_out",
    "adult_referral",
    "custody_deselection",
    "exit_review",
    "exit_notice",
)


def with_related(members: QuerySet[M]) -> QuerySet[M]:
    return members.select_related("person", "scheme").prefetch_related(
        Prefetch(
            "allocations",
            queryset=cm.Allocation.objects.filter(end__isnull=True).select_related("worker"),
        ),
        "consents",
    )


def visible(user: Any, members: Iterable[M]) -> list[M]:
    return [m for m in members if user.has_perm("iom.view_cohort", m)]


def cohort(user: Any, filters: dict[str, Any]) -> list[M]:
    """Members matching the cohort page's filters (current members unless a status is chosen)."""
    members = with_related(M.objects.all()).order_by(
        "scheme__name", "person__family_name", "person__given_name"
    )
    status = filters.get("status")
    members = members.filter(status=status) if status else members.current()
    if filters.get("scheme"):
        members = members.filter(scheme=filters["scheme"])
    if filters.get("cohort"):
        members = members.filter(cohort=filters["cohort"])
    if filters.get("worker"):
        members = members.filter(
            allocations__worker=filters["worker"], allocations__end__isnull=True
        ).distinct()
    if filters.get("team"):
        members = members.filter(
            allocations__worker__agency=filters["team"], allocations__end__isnull=True
        ).distinct()
    if filters.get("unallocated"):
        held = cm.Allocation.objects.filter(end__isnull=True).values("membership")
        members = members.exclude(pk__in=held)
    return visible(user, members[:1000])


def caseload(user: Any) -> list[M]:
    """The members a worker holds an open allocation for."""
    members = for_steps(
        with_related(
            M.objects.current().filter(allocations__worker=user, allocations__end__isnull=True)
        ).distinct()
    )
    return visible(user, members.order_by("person__family_name", "person__given_name"))


def unseen_flags(user: Any, members: Iterable[M]) -> dict[int, list[cm.IntelligenceCheck]]:
    """Flags passed to these members' case managers and not yet marked seen, by membership."""
    checks = cm.IntelligenceCheck.objects.filter(
        membership__in=list(members), flagged=True, seen_at__isnull=True
    ).select_related("checked_by", "entry")
    found: dict[int, list[cm.IntelligenceCheck]] = {}
    for check in checks:
        found.setdefault(check.membership_id, []).append(check)
    return found


@dataclass(frozen=True)
class Due:
    membership: M
    step: NextStep


def for_steps(members: QuerySet[M]) -> QuerySet[M]:
    """Members with what `step_for` reads of each person fetched in a few queries for all."""
    return members.prefetch_related(
        "person__convictions",
        "person__custody",
        "person__movements",
        "exit_decisions",
    )


def steps(members: Iterable[M], as_of: date) -> dict[int, NextStep]:
    policies = Scheme.policies_in_force()
    return {m.pk: step_for(m, as_of, policies[m.scheme_id]) for m in members}


def due(user: Any, as_of: date) -> dict[str, Any]:
    """For the coordinator: consent not answered after 14 days, and next steps that need acting on."""
    members = visible(user, for_steps(with_related(M.objects.current())).order_by("start"))
    no_consent = [
        m for m in members if schedule.consent_overdue(m.start, bool(m.consents.all()), as_of)
    ]
    next_steps = steps(members, as_of)
    acting = [Due(m, s) for m in members if (s := next_steps[m.pk]).code in ACTION_STEPS]
    acting.sort(key=lambda d: (ACTION_STEPS.index(d.step.code), d.step.due_on or as_of))
    return {"no_consent": no_consent, "steps": acting}


@dataclass(frozen=True)
class ContactCheck:
    membership: M
    week: list[schedule.Shortfall]
    month: list[schedule.Shortfall]

    @property
    def short(self) -> bool:
        return any(s.missing for s in self.week + self.month)


def against_plan(members: Iterable[M], as_of: date) -> list[ContactCheck]:
    """Each member's contacts this week and this month against their agreed plan."""
    members = list(members)
    first = min(schedule.week_of(as_of)[0], as_of.replace(day=1))
    plans: dict[int, list[schedule.PlanLine]] = {}
    for line in cm.ContactPlan.objects.filter(membership__in=members, ended_on__isnull=True):
        plans.setdefault(line.membership_id, []).append(
            schedule.PlanLine(line.kind, line.times, line.per)
        )
    done: dict[int, list[schedule.ContactDone]] = {}
    contacts = cm.Contact.objects.filter(membership__in=members, on__gte=first, on__lte=as_of)
    for c in contacts:
        done.setdefault(c.membership_id, []).append(
            schedule.ContactDone(c.kind, c.on, c.outcome == cm.Contact.Outcome.ATTENDED)
        )
    checks = []
    for m in members:
        if m.pk in plans:
            counted = schedule.this_week_and_month(plans[m.pk], done.get(m.pk, []), as_of)
            checks.append(ContactCheck(m, counted["week"], counted["month"]))
    return checks


@dataclass
class CheckRow:
    membership: M
    entries: list[pm.IntelligenceFlag] = field(default_factory=list)


def intelligence_to_check(as_of: date, user: Any = None) -> dict[str, list[CheckRow]]:
    """By scheme: current members with intelligence entries recorded since joining, up to the end
    of `as_of`, not yet checked for that membership. With a user, only what they may see."""
    end_of_day = timezone.make_aware(datetime.combine(as_of, time.max))
    members = (
        M.objects.current()
        .select_related("person", "scheme")
        .order_by("scheme__name", "person__family_name", "person__given_name")
    )
    if user is not None:
        members = [m for m in members if user.has_perm("iom.check_intelligence", m)]
    by_person: dict[int, list[M]] = {}
    for m in members:
        by_person.setdefault(m.person_id, []).append(m)
    entries = pm.IntelligenceFlag.objects.filter(
        person_id__in=list(by_person), recorded_at__lte=end_of_day
    ).select_related("agency", "recorded_by")
    checked = set(
        cm.IntelligenceCheck.objects.filter(membership__in=members).values_list(
            "membership_id", "entry_id"
        )
    )
    rows: dict[int, CheckRow] = {}
    for entry in entries.order_by("recorded_at", "id"):
        if user is not None and not entry.visible_to(user):
            continue
        for m in by_person[entry.person_id]:
            joined = timezone.make_aware(datetime.combine(m.start, time.min))
            if entry.recorded_at >= joined and (m.pk, entry.pk) not in checked:
                rows.setdefault(m.pk, CheckRow(m)).entries.append(entry)
    listing: dict[str, list[CheckRow]] = {}
    for m in members:
        if m.pk in rows:
            listing.setdefault(str(m.scheme), []).append(rows[m.pk])
    return listing


def pathway_history(membership: cm.Membership) -> list[dict[str, Any]]:
    """Each pathway with a status recorded: the latest first, then the earlier ones."""
    rows: dict[str, list[cm.PathwayStatus]] = {}
    for row in membership.pathways.select_related("recorded_by").order_by("-on", "-id"):
        rows.setdefault(row.pathway, []).append(row)
    return [{"pathway": PATHWAYS[code], "history": rows[code]} for code in PATHWAYS if code in rows]


def member_record(membership: cm.Membership, user: Any) -> dict[str, Any]:
    """Everything the member page and the case review PDF show."""
    today = timezone.localdate()
    person = membership.person
    step = step_for(membership, today) if membership.current else None
    flags = [f for f in person.flags.select_related("agency", "recorded_by") if f.visible_to(user)]
    checks = {c.entry_id: c for c in membership.intelligence_checks.select_related("checked_by")}
    contact_check = against_plan([membership], today)
    return {
        "membership": membership,
        "person": person,
        "today": today,
        "step": step,
        "allocations": membership.allocations.select_related("worker", "worker__agency"),
        "plan": membership.contact_plan.select_related("agreed_by").order_by("ended_on", "kind"),
        "against_plan": contact_check[0] if contact_check else None,
        "contacts": membership.contacts.select_related("agency", "recorded_by", "requirement")[:50],
        "consents": membership.consents.select_related("recorded_by"),
        "consent_overdue": schedule.consent_overdue(
            membership.start, membership.consents.exists(), today
        ),
        "pathways": pathway_history(membership),
        "requirements": membership.requirements.annotate(
            attended=Count("attendance", filter=Q(attendance__outcome=cm.Contact.Outcome.ATTENDED)),
            appointments=Count("attendance"),
        ),
        "enforcement": membership.enforcement.select_related("agency"),
        "flags": [(f, checks.get(f.pk)) for f in flags],
        "exit_decisions": membership.exit_decisions.select_related("meeting", "recorded_by"),
        "events": membership.events.select_related("by")[:100],
        "assessment": assessment_now(person, membership.scheme, today),
        "service_name": settings.IOM_SERVICE_NAME,
        "partnership": settings.IOM_PARTNERSHIP_NAME,
    }
