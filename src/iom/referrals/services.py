"""Referral state changes: start, submit, score, withdraw, flag, decide; each audited.

Every change adds a step to the referral's timeline and an access-log event in one transaction.
What the rules said is stored with the referral when it is submitted, scored and decided.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from iom.audit.models import Operation
from iom.audit.service import Entry, listing, record, record_many
from iom.bulk import insert_rows
from iom.errors import NotAllowed
from iom.notifications.services import notify
from iom.people import models as pm
from iom.people.held import Screened
from iom.people.records import assessment_now
from iom.referrals.models import Referral, ReferralEvent, Screening, StoredAssessment
from iom.rules import Assessment, load_catalogue
from iom.schemes.models import Scheme

S = Referral.State
T = Referral.Trigger


@dataclass(frozen=True)
class Figures:
    """The figures the rules compute, shown on the form and never typed over."""

    ogrs: float | None
    css_score: float | None
    matrix_score: int | None
    outcome: str | None
    cohort: str | None


def figures(person: pm.Person, assessment: Assessment) -> Figures:
    ogrs = person.ogrs_entries.first()
    return Figures(
        None if ogrs is None else ogrs.score,
        assessment.css_score,
        assessment.matrix_score,
        assessment.outcome,
        assessment.cohort,
    )


# The person's recorded needs that are also referral form factors, ticked to begin with.
FACTOR_NEEDS = {"accommodation", "substance_misuse", "mental_health", "peers"}


def prefill(person: pm.Person, assessment: Assessment) -> dict[str, Any]:
    """The form's starting values from the person's record and the rules' reasons."""
    convictions = list(person.convictions.all())
    catalogue = load_catalogue()
    latest = max((c.conviction_date for c in convictions), default=None)

    def described(c: pm.Conviction) -> str:
        offence = catalogue.offences.get(c.offence_code)
        return f"{offence.plain if offence else c.offence_code} ({c.conviction_date:%-d %B %Y})"

    named = _convictions_named_by_met_criteria(assessment)
    return {
        "address": person.address,
        "previously_iom": "yes" if person.memberships.exists() else "not_known",
        "current_offences": "\n".join(
            described(c) for c in convictions if c.conviction_date == latest
        ),
        "index_offences": "\n".join(described(c) for c in convictions if c.conviction_id in named),
        "cohort_sought": assessment.cohort or "",
        "factors": [n for n in person.needs.values_list("need", flat=True) if n in FACTOR_NEEDS],
    }


def _convictions_named_by_met_criteria(assessment: Assessment) -> set[str]:
    ids: set[str] = set()
    for reason in assessment.reasons:
        if not reason.code.endswith("_MET") and not reason.code.startswith("MATRIX"):
            continue
        for value in reason.evidence.values():
            if isinstance(value, list):
                ids.update(str(v["id"]) for v in value if isinstance(v, dict) and "id" in v)
    return ids


def _step(referral: Referral, user: Any, state: str, note: str = "") -> None:
    referral.state = state
    referral.save()
    ReferralEvent.objects.create(referral=referral, user=_real(user), state=state, note=note)
    record(user, Operation.ALTERATION, "referral", referral.pk, f"referral {referral.pk}: {state}")


def _real(user: Any) -> Any:
    return user if getattr(user, "pk", None) else None


def _store(referral: Referral, stage: str, assessment: Assessment) -> StoredAssessment:
    return StoredAssessment.objects.create(
        referral=referral, stage=stage, as_of=assessment.as_of, assessment=assessment.to_json()
    )


def open_referral(person: pm.Person, scheme: Scheme) -> Referral | None:
    return Referral.objects.filter(person=person, scheme=scheme, state__in=Referral.OPEN).first()


@transaction.atomic
def submit(user: Any, person: pm.Person, scheme: Scheme, answers: dict[str, Any]) -> Referral:
    """A staff referral, submitted with the form's answers; the rules' view is stored with it."""
    if open_referral(person, scheme) is not None:
        raise NotAllowed(f"{person} already has an open referral to {scheme}")
    referral = Referral.objects.create(
        person=person, scheme=scheme, referrer=_real(user), state=S.SUBMITTED, **answers
    )
    ReferralEvent.objects.create(referral=referral, user=_real(user), state=S.SUBMITTED)
    record(
        user,
        Operation.COLLECTION,
        "referral",
        referral.pk,
        f"referred person {person.pk} to {scheme}",
    )
    _submitted(referral, user)
    return referral


def submit_answers(user: Any, person: pm.Person, scheme: Scheme, given: dict[str, Any]) -> Referral:
    """A referral from answers given outside the page (the API), checked by the page's own form:
    what the form would fill in from the record, then the answers given over it."""
    from iom.accounts.models import User
    from iom.referrals.forms import ANSWER_FIELDS, ReferralForm

    data = {
        **prefill(person, assessment_now(person, scheme)),
        "agency": getattr(user, "agency_id", None),
        "referred_on": timezone.localdate(),
        **given.get("answers", {}),
        "iom_offer": given.get("iom_offer", ""),
    }
    if given.get("offender_manager"):
        manager = User.objects.filter(username=given["offender_manager"]).first()
        data["offender_manager"] = manager.pk if manager else "unknown"
    form = ReferralForm(data, youth=scheme.youth)
    if not form.is_valid():
        problems = [f"{field}: {' '.join(errors)}" for field, errors in form.errors.items()]
        raise NotAllowed("; ".join(problems))
    return submit(user, person, scheme, {name: form.cleaned_data[name] for name in ANSWER_FIELDS})


@dataclass(frozen=True)
class Due:
    """A referral a trigger calls for: whom (a person's primary key), which trigger, and why."""

    person: int
    trigger: str
    detail: str


OPENED_AT_ONCE = 2_000


def open_automatic(scheme: Scheme, due: list[Due], as_of: date) -> None:
    """Open a draft referral to `scheme` for each: staff complete and submit them. A block of
    them at a time, each block in one transaction with its timeline steps and access-log events."""
    for at in range(0, len(due), OPENED_AT_ONCE):
        _open_block(scheme, due[at : at + OPENED_AT_ONCE], as_of)


@transaction.atomic
def _open_block(scheme: Scheme, due: list[Due], as_of: date) -> None:
    addresses = dict(
        pm.Person.objects.filter(pk__in=[d.person for d in due]).values_list("pk", "address")
    )
    referrals = Referral.objects.bulk_create(
        Referral(
            person_id=d.person,
            scheme=scheme,
            trigger=d.trigger,
            trigger_detail=d.detail[:300],
            referred_on=as_of,
            address=addresses[d.person],
        )
        for d in due
    )
    ReferralEvent.objects.bulk_create(
        ReferralEvent(referral=r, state=S.DRAFT, note=d.detail)
        for r, d in zip(referrals, due, strict=True)
    )
    record_many(
        None,
        [
            Entry(Operation.COLLECTION, "referral", r.pk, f"automatic referral: {d.trigger}")
            for r, d in zip(referrals, due, strict=True)
        ],
    )


@transaction.atomic
def record_screening(scheme: Scheme, screened: list[Screened], as_of: date) -> None:
    """Keep what the screening said on each screening draft to `scheme`, for the start page."""
    drafts = dict(
        Referral.objects.filter(scheme=scheme, state=S.DRAFT, trigger=T.SCREENING).values_list(
            "person", "pk"
        )
    )
    rows = [
        (
            drafts[s.person],
            as_of,
            s.outcome,
            s.cohort or "",
            s.priority_tier,
            s.css_score,
            s.ogrs,
            s.matrix_score,
        )
        for s in screened
        if s.person in drafts
    ]
    Screening.objects.filter(
        referral__scheme=scheme, referral__state=S.DRAFT, referral__trigger=T.SCREENING
    ).delete()
    insert_rows(Screening, SCREENING_FIELDS, rows)
    what = f"screening on {as_of:%-d %B %Y} kept on draft referrals to {scheme}"
    blocks = range(0, len(rows), OPENED_AT_ONCE)
    entries = [
        Entry(
            Operation.ALTERATION,
            "referral",
            description=what,
            details=listing(row[0] for row in rows[at : at + OPENED_AT_ONCE]),
        )
        for at in blocks
    ]
    record_many(None, entries)


SCREENING_FIELDS = (
    "referral",
    "screened_on",
    "outcome",
    "cohort",
    "priority_tier",
    "css_score",
    "ogrs",
    "matrix_score",
)


@transaction.atomic
def complete(user: Any, referral: Referral, answers: dict[str, Any]) -> Referral:
    """Submit a draft (an automatic referral) with the form's answers."""
    if referral.state != S.DRAFT:
        raise NotAllowed("Only a draft referral can be completed")
    for name, value in answers.items():
        setattr(referral, name, value)
    referral.referrer = _real(user)
    _step(referral, user, S.SUBMITTED)
    _submitted(referral, user)
    return referral


def _submitted(referral: Referral, user: Any) -> None:
    """Keep what the rules say now; list for a meeting unless the analyst scores it first."""
    _store(
        referral, StoredAssessment.Stage.SUBMITTED, assessment_now(referral.person, referral.scheme)
    )
    if not scored_by_matrix(referral.scheme):
        _step(referral, user, S.LISTED, "Waiting for the next meeting that decides referrals")


def scored_by_matrix(scheme: Scheme) -> bool:
    return scheme.policy().engine == "nottinghamshire_matrix"


@transaction.atomic
def score(user: Any, referral: Referral, override: bool, override_reason: str) -> Referral:
    """The analyst's scoring: the matrix from the record, and an intelligence override with text.

    Listed for the selection meeting at the policy's threshold or with the override; otherwise
    closed as not progressed, and the referrer is told why.
    """
    if referral.state != S.SUBMITTED or not scored_by_matrix(referral.scheme):
        raise NotAllowed("Only a submitted referral to a matrix scheme is scored")
    if override and not override_reason.strip():
        raise NotAllowed("Say what intelligence supports the override")
    assessment = assessment_now(referral.person, referral.scheme)
    _store(referral, StoredAssessment.Stage.SCORED, assessment)
    referral.override, referral.override_reason = override, override_reason.strip()
    _step(referral, user, S.SCORED, f"Matrix score {assessment.matrix_score}")
    if assessment.refer_to_selection_meeting or override:
        why = (
            "the intelligence override"
            if override and not assessment.refer_to_selection_meeting
            else "the score"
        )
        _step(referral, user, S.LISTED, f"Listed for the selection meeting on {why}")
        return referral
    referral.closed_reason = (
        f"Matrix score {assessment.matrix_score} is below the threshold for the selection meeting, "
        "and no intelligence override was given."
    )
    _step(referral, user, S.NOT_PROGRESSED, referral.closed_reason)
    if referral.referrer:
        notify(
            referral.referrer,
            f"Referral of {referral.person} not progressed: {referral.closed_reason}",
            f"/referrals/{referral.pk}/",
        )
    return referral


@transaction.atomic
def withdraw(user: Any, referral: Referral, reason: str) -> Referral:
    if not referral.is_open():
        raise NotAllowed("This referral is already closed")
    if not reason.strip():
        raise NotAllowed("Say why the referral is withdrawn")
    referral.closed_reason = reason.strip()
    _step(referral, user, S.WITHDRAWN, referral.closed_reason)
    return referral


@transaction.atomic
def flag_critical(user: Any, referral: Referral, note: str) -> Referral:
    referral.critical = True
    referral.save()
    ReferralEvent.objects.create(
        referral=referral,
        user=_real(user),
        state=referral.state,
        note=f"Flagged as critical: {note}".strip(),
    )
    record(
        user,
        Operation.ALTERATION,
        "referral",
        referral.pk,
        f"referral {referral.pk}: flagged critical",
    )
    return referral
