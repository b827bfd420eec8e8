"""Life on the scheme, as state changes: admit, allocate, agree a plan, record contacts, consent,
pathways, requirements, enforcement and intelligence checks, give the notice, decide an exit.

Each change writes its access-log event in the same transaction; a change to the membership itself
also adds a dated `MemberEvent` (the member's timeline and field history).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from iom.audit.models import Operation
from iom.audit.service import listing, record
from iom.cases import models as cm
from iom.cases.pathways import PATHWAYS
from iom.errors import NotAllowed
from iom.notifications.services import notify
from iom.people import models as pm
from iom.people.records import convictions_of, custody_of
from iom.rules import Policy
from iom.rules.dates import spoken
from iom.rules.exits import NEXT_STEPS, NextStep, next_step

M = cm.Membership
CASE_MANAGERS = (cm.Allocation.Kind.OFFENDER_MANAGER, cm.Allocation.Kind.YJS_CASE_MANAGER)


def _event(
    membership: M, user: Any, on: date, text: str, field: str = "", old: Any = "", new: Any = ""
) -> cm.MemberEvent:
    return cm.MemberEvent.objects.create(
        membership=membership,
        on=on,
        text=text[:500],
        field=field,
        old=str(old)[:200],
        new=str(new)[:200],
        by=user,
    )


def _shown(field: str, value: Any) -> str:
    """A field's value as a person reads it in the history."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return f"{value:%-d %B %Y}"
    return str(dict(M._meta.get_field(field).choices or []).get(value, value))


def _change(membership: M, user: Any, on: date, field: str, new: Any, text: str) -> None:
    """Set one field of the membership and keep its old value in the history."""
    old = getattr(membership, field)
    if old == new:
        return
    setattr(membership, field, new)
    membership.save(update_fields=[field])
    _event(membership, user, on, text, field, _shown(field, old), _shown(field, new))


def _name(user: Any) -> str:
    return str(user.get_full_name() or user.username)


def _link(membership: M) -> str:
    return reverse("cases:detail", args=[membership.pk])


def _not_before_joining(membership: M, on: date, what: str) -> None:
    if on < membership.start:
        raise NotAllowed(
            f"{what}: the date is before the member joined ({membership.start:%-d %B %Y})."
        )
    if on > timezone.localdate():
        raise NotAllowed(f"{what}: the date is in the future.")


def _still_on(membership: M, what: str) -> None:
    if not membership.current:
        raise NotAllowed(f"{what}: the member left the scheme on {membership.end_on:%-d %B %Y}.")


def admit(user: Any, decision: Any, start: date) -> M:
    """The membership an acceptance makes; call inside the decision's transaction."""
    referral = decision.referral
    membership = M.objects.create(
        person=referral.person,
        scheme=referral.scheme,
        cohort=decision.cohort,
        start=start,
        decision=decision,
        exception=decision.exception,
        exception_rationale=decision.rationale if decision.exception else "",
        exception_agencies=decision.agreeing_agencies if decision.exception else [],
    )
    _event(
        membership,
        user,
        start,
        f"Joined {referral.scheme} in the {membership.get_cohort_display()} cohort",
        "status",
        "",
        _shown("status", membership.status),
    )
    record(
        user,
        Operation.COLLECTION,
        "membership",
        membership.pk,
        f"person {referral.person_id} joined {referral.scheme} ({membership.get_cohort_display()})",
    )
    return membership


@transaction.atomic
def allocate(user: Any, membership: M, kind: str, worker: Any, start: date) -> cm.Allocation:
    """Allocate a worker, ending whoever held that allocation before."""
    _still_on(membership, "Allocation")
    label = cm.Allocation.Kind(kind).label
    if kind in cm.Allocation.YOUTH_ONLY and not membership.scheme.youth:
        raise NotAllowed(f"{label}: only members of a youth scheme have this allocation.")
    name = _name(worker)
    if worker.role != cm.Allocation.ROLES[kind]:
        raise NotAllowed(f"{label}: {name} does not hold that role.")
    _not_before_joining(membership, start, label)
    previous = membership.allocations.filter(kind=kind, end__isnull=True).first()
    if previous is not None:
        if previous.worker_id == worker.pk:
            raise NotAllowed(f"{label}: {name} already holds this allocation.")
        previous.end = start
        previous.save(update_fields=["end"])
    allocation = cm.Allocation.objects.create(
        membership=membership, kind=kind, worker=worker, start=start, allocated_by=user
    )
    was = "" if previous is None else _name(previous.worker)
    _event(membership, user, start, f"{label}: {name}", kind, was, name)
    if kind == cm.Allocation.Kind.YJS_PCSO:
        _change(membership, user, start, "programme_marker", True, "IOM programme marker set")
    record(user, Operation.ALTERATION, "membership", membership.pk, f"allocated {label}")
    notify(worker, f"You have been allocated {membership.person} ({label})", _link(membership))
    return allocation


@dataclass(frozen=True)
class PlanLineInput:
    kind: str
    times: int
    per: str


@transaction.atomic
def agree_plan(user: Any, membership: M, lines: list[PlanLineInput], on: date) -> None:
    """Replace the agreed contact level with these lines (the old ones are kept, ended)."""
    _still_on(membership, "Contact plan")
    _not_before_joining(membership, on, "Contact plan")
    if not lines:
        raise NotAllowed("Contact plan: give at least one kind of contact and how often.")
    membership.contact_plan.filter(ended_on__isnull=True).update(ended_on=on)
    made = [
        cm.ContactPlan.objects.create(
            membership=membership,
            kind=line.kind,
            times=line.times,
            per=line.per,
            agreed_on=on,
            agreed_by=user,
        )
        for line in lines
    ]
    words = "; ".join(str(p) for p in made)
    _event(membership, user, on, f"Contact plan agreed: {words}", "contact_plan", "", words)
    record(user, Operation.ALTERATION, "membership", membership.pk, "agreed the contact plan")


@transaction.atomic
def record_contact(user: Any, membership: M, **fields: Any) -> cm.Contact:
    """A contact by one of the member's workers: date, kind, outcome, statutory or not, note."""
    _still_on(membership, "Contact")
    _not_before_joining(membership, fields["on"], "Contact")
    requirement = fields.get("requirement")
    if requirement is not None and requirement.membership_id != membership.pk:
        raise NotAllowed("Contact: that requirement belongs to another membership.")
    contact = cm.Contact.objects.create(
        membership=membership, agency=user.agency, recorded_by=user, **fields
    )
    record(
        user,
        Operation.COLLECTION,
        "contact",
        contact.pk,
        f"recorded a contact with member {membership.pk}",
    )
    return contact


@transaction.atomic
def record_consent(user: Any, membership: M, answer: str, on: date, witness: str) -> cm.Consent:
    _not_before_joining(membership, on, "Consent")
    if answer == cm.Consent.Answer.WITHDRAWN:
        latest = membership.latest_consent()
        if latest is None or latest.answer != cm.Consent.Answer.GIVEN:
            raise NotAllowed("Consent: only consent that was given can be withdrawn.")
    consent = cm.Consent.objects.create(
        membership=membership, answer=answer, on=on, witness=witness, recorded_by=user
    )
    label = consent.get_answer_display()
    _event(membership, user, on, f"{label}" + (f", witnessed by {witness}" if witness else ""))
    record(user, Operation.COLLECTION, "consent", consent.pk, f"member {membership.pk}: {label}")
    return consent


@transaction.atomic
def record_pathway(
    user: Any, membership: M, pathway: str, status: str, on: date, note: str = ""
) -> cm.PathwayStatus:
    _still_on(membership, "Pathway")
    _not_before_joining(membership, on, "Pathway")
    if pathway not in PATHWAYS or status not in dict(PATHWAYS[pathway].statuses):
        raise NotAllowed(f"Pathway: {pathway!r} has no status {status!r}.")
    row = cm.PathwayStatus.objects.create(
        membership=membership, pathway=pathway, status=status, on=on, note=note, recorded_by=user
    )
    record(user, Operation.COLLECTION, "pathway", row.pk, f"member {membership.pk}: {pathway}")
    return row


@transaction.atomic
def add_requirement(
    user: Any, membership: M, kind: str, start: date, end: date | None
) -> cm.Requirement:
    _still_on(membership, "Requirement")
    if end is not None and end < start:
        raise NotAllowed("Requirement: it cannot end before it starts.")
    requirement = cm.Requirement.objects.create(
        membership=membership, kind=kind, start=start, end=end, recorded_by=user
    )
    _event(membership, user, start, f"{requirement} recorded")
    record(user, Operation.COLLECTION, "requirement", requirement.pk, f"member {membership.pk}")
    return requirement


@transaction.atomic
def record_enforcement(user: Any, membership: M, **fields: Any) -> cm.Enforcement:
    _not_before_joining(membership, fields["on"], "Enforcement")
    row = cm.Enforcement.objects.create(
        membership=membership, agency=user.agency, recorded_by=user, **fields
    )
    _event(membership, user, row.on, f"{row.get_kind_display()}: {row.outcome}")
    record(user, Operation.COLLECTION, "enforcement", row.pk, f"member {membership.pk}")
    return row


@transaction.atomic
def record_intelligence(
    user: Any, person: pm.Person, text: str, source: str, grading: str, restricted: bool
) -> pm.IntelligenceFlag:
    entry = pm.IntelligenceFlag.objects.create(
        person=person,
        text=text,
        source=source,
        grading=grading,
        restricted=restricted,
        agency=user.agency,
        recorded_by=user,
    )
    record(user, Operation.COLLECTION, "intelligence", entry.pk, f"about person {person.pk}")
    return entry


@transaction.atomic
def check_intelligence(
    user: Any, membership: M, entry: pm.IntelligenceFlag, flagged: bool, note: str
) -> cm.IntelligenceCheck:
    """Mark an entry checked; a flagged one goes to the member's case manager with the note."""
    if entry.person_id != membership.person_id:
        raise NotAllowed("Intelligence check: that entry is about someone else.")
    if membership.intelligence_checks.filter(entry=entry).exists():
        raise NotAllowed("Intelligence check: this entry has already been checked.")
    if flagged and not note.strip():
        raise NotAllowed("Intelligence check: say what the case manager needs to know.")
    check = cm.IntelligenceCheck.objects.create(
        membership=membership, entry=entry, checked_by=user, flagged=flagged, note=note
    )
    record(user, Operation.CONSULTATION, "intelligence", entry.pk, "checked")
    if flagged:
        record(user, Operation.DISCLOSURE, "intelligence", entry.pk, "flagged to the case manager")
        for worker in case_managers(membership):
            notify(worker, f"Intelligence flagged about {membership.person}", _link(membership))
    return check


def case_managers(membership: M) -> list[Any]:
    """Who a flag goes to: the case manager (YJS or probation), else every allocated worker."""
    open_allocations = list(
        membership.allocations.filter(end__isnull=True).select_related("worker")
    )
    managers = [a.worker for a in open_allocations if a.kind in CASE_MANAGERS]
    return managers or [a.worker for a in open_allocations]


@transaction.atomic
def mark_seen(user: Any, check: cm.IntelligenceCheck) -> None:
    if check.seen_at is None:
        check.seen_by, check.seen_at = user, timezone.now()
        check.save(update_fields=["seen_by", "seen_at"])
        record(user, Operation.CONSULTATION, "intelligence", check.entry_id, "flag seen")


@transaction.atomic
def give_notice(user: Any, membership: M, on: date) -> None:
    """Record that the member was told deselection is being considered: the exit period begins."""
    _still_on(membership, "Notice")
    _not_before_joining(membership, on, "Notice")
    step = step_for(membership, on)
    if step.code != "exit_notice":
        raise NotAllowed(f"Notice: not due on {on:%-d %B %Y} ({NEXT_STEPS[step.code]}).")
    _change(membership, user, on, "notice_given_on", on, "Told deselection is being considered")
    _change(membership, user, on, "status", M.Status.EXIT_PERIOD, "Exit period began")
    record(user, Operation.ALTERATION, "membership", membership.pk, "gave the 3-month notice")


@dataclass(frozen=True)
class ExitInput:
    outcome: str
    reason: str
    intelligence_supports_staying: bool
    rationale: str
    ongoing_plan: str
    on: date
    meeting: Any = None


@transaction.atomic
def decide_exit(user: Any, membership: M, given: ExitInput) -> cm.ExitDecision:
    """A panel decides: deselect (the membership ends) or stay on."""
    _still_on(membership, "Exit decision")
    _not_before_joining(membership, given.on, "Exit decision")
    deselect = given.outcome == cm.ExitDecision.Outcome.DESELECT
    if deselect and not given.reason:
        raise NotAllowed("Exit decision: say why the member leaves.")
    if (
        deselect
        and given.reason == M.EndReason.POSITIVE_PROGRESS
        and given.intelligence_supports_staying
    ):
        raise NotAllowed(
            "Exit decision: a member is not deselected for positive progress while police "
            "intelligence supports keeping them on."
        )
    if given.meeting is not None and given.meeting.scheme_id != membership.scheme_id:
        raise NotAllowed("Exit decision: that meeting belongs to another scheme.")
    decision = cm.ExitDecision.objects.create(
        membership=membership,
        meeting=given.meeting,
        outcome=given.outcome,
        reason=given.reason if deselect else "",
        intelligence_supports_staying=given.intelligence_supports_staying,
        rationale=given.rationale,
        ongoing_plan=given.ongoing_plan,
        on=given.on,
        recorded_by=user,
    )
    if deselect:
        end(user, membership, given.on, given.reason, given.rationale, given.ongoing_plan)
    else:
        _event(membership, user, given.on, f"The panel kept the member on: {given.rationale}")
        if membership.status == M.Status.EXIT_PERIOD:
            _change(membership, user, given.on, "status", M.Status.ACTIVE, "Exit period ended")
    record(
        user, Operation.ALTERATION, "membership", membership.pk, f"exit decision: {given.outcome}"
    )
    return decision


def end(user: Any, membership: M, on: date, reason: str, note: str, plan: str = "") -> None:
    """End the membership (inside the caller's transaction); allocations end with it.

    One event on the history: the status change, with the reason and note in its text (the end
    fields had no earlier value to keep).
    """
    label = M.EndReason(reason).label
    membership.end_on, membership.end_reason = on, reason
    membership.end_note, membership.ongoing_plan = note, plan
    membership.save(update_fields=["end_on", "end_reason", "end_note", "ongoing_plan"])
    text = f"Left the scheme: {label}" + (f". {note}" if note else "")
    _change(membership, user, on, "status", M.Status.ENDED, text)
    membership.allocations.filter(end__isnull=True).update(end=on)
    membership.contact_plan.filter(ended_on__isnull=True).update(ended_on=on)


def step_for(membership: M, as_of: date, policy: Policy | None = None) -> NextStep:
    """What the exit rules say is next for this member on `as_of`.

    Lists pass the scheme's `policy` (from `Scheme.policies_in_force`) and prefetch the person's
    records (`cases.queries.for_steps`), so each member costs no query of its own.
    """
    person = membership.person
    moved = sorted(person.movements.all(), key=lambda m: m.on)
    moves = {m.kind: m.on for m in moved if m.on >= membership.start}
    kept_on = max(
        (
            decision.on
            for decision in membership.exit_decisions.all()
            if decision.outcome == cm.ExitDecision.Outcome.STAY and decision.on <= as_of
        ),
        default=None,
    )
    params = (policy or membership.scheme.policy()).parameters_on(as_of)
    return next_step(
        membership.start,
        convictions_of(person),
        custody_of(person),
        as_of,
        params,
        date_of_birth=person.date_of_birth,
        youth_scheme=membership.scheme.youth,
        notice_given_on=membership.notice_given_on,
        kept_on=kept_on,
        transferred_out_on=moves.get(pm.Movement.Kind.TRANSFERRED_OUT),
        moved_to_adult_services_on=moves.get(pm.Movement.Kind.ADULT_SERVICES),
    )


def bring_all_up_to_date(as_of: date, user: Any = None) -> list[tuple[M, NextStep]]:
    """The daily run for every current member (`bring_up_to_date`), logged as one consultation
    naming them: each member with their next step."""
    members = list(M.objects.current().select_related("person", "scheme").order_by("pk"))
    ids = listing(m.person_id for m in members)
    record(
        user,
        Operation.CONSULTATION,
        "cohort",
        "",
        f"the daily run as of {spoken(as_of)}",
        details=ids,
    )
    return [(member, bring_up_to_date(member, as_of, user)) for member in members]


@transaction.atomic
def bring_up_to_date(membership: M, as_of: date, user: Any = None) -> NextStep:
    """The daily run for one member: status follows custody, a transfer out ends the membership.

    Returns the next step; a rerun on the same day changes nothing.
    """
    step = step_for(membership, as_of)
    if step.code == "transferred_out" and membership.current:
        end(
            user,
            membership,
            step.due_on or as_of,
            M.EndReason.TRANSFERRED_OUT,
            step.reasons[0].text,
        )
        record(user, Operation.ALTERATION, "membership", membership.pk, "ended: transferred out")
        return step
    in_custody = step.code in ("in_custody", "custody_deselection")
    if in_custody and membership.status != M.Status.IN_CUSTODY:
        _change(membership, user, as_of, "status", M.Status.IN_CUSTODY, "Went into custody")
    elif not in_custody and membership.status == M.Status.IN_CUSTODY:
        after = M.Status.EXIT_PERIOD if step.code == "exit_period" else M.Status.ACTIVE
        _change(membership, user, as_of, "status", after, "Released from custody")
    elif step.code in ("stay", "exit_notice") and membership.status == M.Status.EXIT_PERIOD:
        _change(
            membership, user, as_of, "status", M.Status.ACTIVE, "Exit period ended: new offence"
        )
    return step
