"""Meeting state changes: plan, build the agenda, record attendance, decide, raise and update actions.

A decision is recorded only when the meeting type's quorum of agencies is present, the chair holds
the role the type asks for, and (to accept) attendees of each agency kind the type names agree.
Accepting a person an exclusion applies to is an exception: it needs a rationale and the agencies
that agreed (strategy 4.3). Accepting makes the membership and tells the offender manager and the
referrer. Each change is written to the access log in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from iom.accounts.models import Agency, Role, User
from iom.audit.models import Operation
from iom.audit.service import listing, record
from iom.cases.models import Cohort
from iom.cases.services import admit
from iom.errors import NotAllowed
from iom.notifications.services import notify
from iom.panels import agenda
from iom.panels.models import Action, ActionUpdate, AgendaItem, Attendance, Decision, Meeting
from iom.people.labels import exclusions as exclusions_in_words
from iom.people.records import assessment_now
from iom.referrals.models import Referral, ReferralEvent, StoredAssessment
from iom.schemes.models import MeetingType, Scheme

Outcome = Decision.Outcome


@transaction.atomic
def plan(
    user: Any, scheme: Scheme, kind: MeetingType, held_on: date, chair: User | None
) -> Meeting:
    if kind.scheme_id != scheme.pk:
        raise NotAllowed(f"{kind.name} is not one of {scheme}'s meetings")
    meeting = Meeting.objects.create(scheme=scheme, kind=kind, held_on=held_on, chair=chair)
    record(user, Operation.COLLECTION, "meeting", meeting.pk, f"planned {meeting}")
    return meeting


@transaction.atomic
def build_agenda(user: Any, meeting: Meeting) -> list[AgendaItem]:
    """Build (or rebuild) the agenda from the records; items added by hand are kept."""
    meeting.agenda.exclude(kind=AgendaItem.Kind.CRITICAL, referral__isnull=True).delete()
    kept = list(meeting.agenda.all())
    made = []
    for position, item in enumerate(agenda.build(meeting), start=len(kept) + 1):
        if item.referral is not None and item.referral.meeting_id != meeting.pk:
            item.referral.meeting = meeting
            item.referral.save(update_fields=["meeting"])
        made.append(
            AgendaItem(
                meeting=meeting,
                kind=item.kind,
                position=position,
                referral=item.referral,
                person_id=item.person_id,
                title=item.title[:300],
                detail=item.detail,
                warning=item.warning,
            )
        )
    AgendaItem.objects.bulk_create(made)
    meeting.agenda_built_at = timezone.now()
    meeting.save(update_fields=["agenda_built_at"])
    record(
        user,
        Operation.COMBINATION,
        "meeting",
        meeting.pk,
        f"built the agenda of {meeting}",
        details=listing(i.person_id for i in made if i.person_id),
    )
    return kept + made


@transaction.atomic
def add_critical_case(user: Any, meeting: Meeting, person: Any, note: str) -> AgendaItem:
    if not note.strip():
        raise NotAllowed("Say why the case is critical")
    item = AgendaItem.objects.create(
        meeting=meeting,
        kind=AgendaItem.Kind.CRITICAL,
        position=0,
        person=person,
        title=str(person),
        detail=note.strip(),
        warning=True,
    )
    record(
        user,
        Operation.ALTERATION,
        "meeting",
        meeting.pk,
        f"critical case added: person {person.pk}",
    )
    return item


@transaction.atomic
def record_attendance(user: Any, meeting: Meeting, present: list[User]) -> list[Attendance]:
    """Who is present, each for their own agency; anyone left off is marked absent."""
    rows = []
    for attendee in present:
        row, _ = Attendance.objects.update_or_create(
            meeting=meeting, user=attendee, defaults={"agency": attendee.agency, "present": True}
        )
        rows.append(row)
    meeting.attendances.exclude(user__in=present).update(present=False)
    names = ", ".join(sorted(a.username for a in present))
    record(user, Operation.ALTERATION, "meeting", meeting.pk, f"attendance: {names}"[:300])
    return rows


@dataclass(frozen=True)
class Proposal:
    """What the chair puts to the meeting for one referral."""

    outcome: str
    cohort: str = ""
    rationale: str = ""
    reason: str = ""
    defer_to: date | None = None
    agreeing: list[int] = field(default_factory=list)  # agency ids whose attendees agree


def quorum_problems(meeting: Meeting) -> list[str]:
    """Why no decision can be recorded at this meeting yet (empty when one can)."""
    kind, problems = meeting.kind, []
    if not kind.decides_referrals:
        problems.append(f"A {kind.name} does not decide referrals")
    present = meeting.agencies_present()
    if len(present) < kind.quorum_agencies:
        problems.append(f"{kind.quorum_agencies} agencies must be present; {len(present)} are")
    if kind.chair_role and (meeting.chair is None or meeting.chair.role != kind.chair_role):
        problems.append(f"The chair must be the {_role_label(kind.chair_role)}")
    return problems


def _role_label(role: str) -> str:
    return str(dict(Role.choices).get(role, role))


@transaction.atomic
def decide(user: Any, meeting: Meeting, referral: Referral, proposal: Proposal) -> Decision:
    problems = quorum_problems(meeting)
    if referral.scheme_id != meeting.scheme_id or referral.state not in (
        Referral.State.LISTED,
        Referral.State.DEFERRED,
    ):
        problems.append("This referral is not waiting for a decision at this meeting")
    assessment = assessment_now(referral.person, referral.scheme, meeting.held_on)
    rules_cohort = Cohort.YOUTH if meeting.scheme.youth else (assessment.cohort or "")
    exclusions = list(assessment.exclusions or [])
    problems += _proposal_problems(meeting, proposal, rules_cohort, exclusions)
    if problems:
        raise NotAllowed("; ".join(problems))
    decision = Decision.objects.create(
        meeting=meeting,
        referral=referral,
        outcome=proposal.outcome,
        cohort=proposal.cohort,
        rules_cohort=rules_cohort,
        rationale=proposal.rationale.strip(),
        reason=proposal.reason.strip(),
        defer_to=proposal.defer_to,
        exception=proposal.outcome == Outcome.ACCEPT and bool(exclusions),
        exclusions=exclusions,
        agreeing_agencies=_agency_names(proposal.agreeing),
        recorded_by=user,
    )
    StoredAssessment.objects.create(
        referral=referral,
        stage=StoredAssessment.Stage.DECIDED,
        as_of=assessment.as_of,
        assessment=assessment.to_json(),
    )
    state = {
        Outcome.ACCEPT: Referral.State.ACCEPTED,
        Outcome.DECLINE: Referral.State.DECLINED,
        Outcome.DEFER: Referral.State.DEFERRED,
    }
    referral.state = state[proposal.outcome]
    if proposal.outcome == Outcome.DEFER:
        referral.meeting = None  # listed again at a meeting on or after the date
    referral.save()
    ReferralEvent.objects.create(
        referral=referral, user=user, state=referral.state, note=_summary(decision)
    )
    record(
        user,
        Operation.ALTERATION,
        "referral",
        referral.pk,
        f"decided at meeting {meeting.pk}: {decision.get_outcome_display()}",
    )
    if proposal.outcome == Outcome.ACCEPT:
        admit(user, decision, meeting.held_on)
    _tell(referral, decision)
    return decision


def _proposal_problems(
    meeting: Meeting, p: Proposal, rules_cohort: str, exclusions: list[str]
) -> list[str]:
    problems = []
    if p.outcome == Outcome.ACCEPT:
        if not p.cohort:
            problems.append("Choose the cohort")
        elif p.cohort != rules_cohort and not p.rationale.strip():
            problems.append("Give the rationale for a cohort other than the rules' cohort")
        if exclusions and not p.rationale.strip():
            problems.append("This is an exception (an exclusion applies): give the rationale")
        if exclusions and not p.agreeing:
            problems.append("This is an exception: record the agencies that agreed")
    elif p.outcome == Outcome.DECLINE and not p.reason.strip():
        problems.append("Give the reason for declining")
    elif p.outcome == Outcome.DEFER and (p.defer_to is None or p.defer_to <= meeting.held_on):
        problems.append("Give a date after the meeting to defer to")
    if p.outcome in (Outcome.ACCEPT, Outcome.DECLINE):  # a final decision is a joint one
        problems += _joint_problems(meeting, p.agreeing)
    return problems


def _joint_problems(meeting: Meeting, agreeing: list[int]) -> list[str]:
    """Each agency kind the meeting type names must be present, and agree, for a final decision."""
    present = Agency.objects.filter(pk__in=meeting.agencies_present())
    agreed = {a.kind for a in present if a.pk in agreeing}
    there = {a.kind for a in present}
    problems = []
    for kind, label in zip(
        meeting.kind.agreeing_agencies, meeting.kind.agreeing_labels(), strict=True
    ):
        if kind not in there:
            problems.append(f"No {label.lower()} attendee is present: they decide jointly")
        elif kind not in agreed:
            problems.append(f"The {label.lower()} attendees have not agreed")
    return problems


def _agency_names(ids: list[int]) -> list[str]:
    return list(Agency.objects.filter(pk__in=ids).order_by("name").values_list("name", flat=True))


def _summary(decision: Decision) -> str:
    text = f"{decision.get_outcome_display()} at {decision.meeting}"
    if decision.outcome == Outcome.ACCEPT:
        text += f", {decision.get_cohort_display()} cohort"
        if decision.exception:
            text += f" (an exception: {exclusions_in_words(decision.exclusions)})"
    if decision.reason:
        text += f": {decision.reason}"
    if decision.defer_to:
        text += f", to {decision.defer_to:%-d %B %Y}"
    return text


def _tell(referral: Referral, decision: Decision) -> None:
    text = f"Referral of {referral.person} to {referral.scheme}: {_summary(decision)}"
    told = {u for u in (referral.offender_manager, referral.referrer) if u is not None}
    for person in told:
        notify(person, text, f"/referrals/{referral.pk}/")


@transaction.atomic
def raise_action(
    user: Any,
    text: str,
    owner: User,
    due_on: date,
    meeting: Meeting | None = None,
    person: Any = None,
) -> Action:
    if not text.strip():
        raise NotAllowed("Say what the action is")
    action = Action.objects.create(
        meeting=meeting,
        person=person,
        text=text.strip(),
        owner=owner,
        agency=owner.agency,
        due_on=due_on,
        raised_by=user,
    )
    record(
        user,
        Operation.COLLECTION,
        "action",
        action.pk,
        f"action for {owner.username}, due {due_on}",
    )
    if owner != user:
        notify(owner, f"New action for you, due {due_on:%-d %B %Y}: {action.text}", "/actions/")
    return action


@transaction.atomic
def update_action(user: Any, action: Action, status: str, text: str) -> ActionUpdate:
    if status not in Action.Status.values:
        raise NotAllowed("Choose open, done or cancelled")
    update = ActionUpdate.objects.create(action=action, user=user, status=status, text=text.strip())
    action.status = status
    action.save(update_fields=["status"])
    record(user, Operation.ALTERATION, "action", action.pk, f"action {action.pk}: {status}")
    return update
