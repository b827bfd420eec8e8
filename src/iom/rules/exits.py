"""Staying on and leaving the scheme (rules contract, section 5), as pure functions.

Case management calls these with a member's join date, history and custody; each answer carries
its reasons so the panel paper can show why a member is due a notice, a review or a referral.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from iom.rules.dates import Duration, days, nth_birthday, spoken
from iom.rules.model import Conviction, CustodyPeriod, Reason
from iom.rules.parameters import DerbyshireParameters, NottinghamshireParameters
from iom.rules.windows import days_held, merged_custody


@dataclass(frozen=True)
class ExitSchedule:
    """When a member is told deselection is being considered, and when the review falls due."""

    counting_from: date
    notice_on: date
    review_on: date
    notice_due: bool
    review_due: bool
    reasons: list[Reason] = field(default_factory=list)


@dataclass(frozen=True)
class CustodyReview:
    expected_release: date
    days_left: int
    propose_deselection: bool
    reasons: list[Reason] = field(default_factory=list)


@dataclass(frozen=True)
class Trigger:
    """A membership event a rule raises: END_MEMBERSHIP, REFER_FOR_CONSIDERATION, REFER_TO_ADULT_SCHEME."""

    action: str | None
    effective_on: date | None
    reasons: list[Reason] = field(default_factory=list)


def offence_day(conviction: Conviction) -> date:
    """When the offence happened; the conviction date stands in where the offence date is unknown."""
    return conviction.offence_date or conviction.conviction_date


def liberty_after(
    start: date, length: Duration, custody: Iterable[CustodyPeriod], as_of: date
) -> date:
    """The day on which `length` of time at liberty since `start` is complete (custody known up to as_of)."""
    spans = merged_custody(custody, as_of)
    base = length.after(start)
    end = base
    while True:
        new_end = base + days(days_held(spans, start, end))
        if new_end == end:
            return end
        end = new_end


def exit_schedule(
    joined_on: date,
    convictions: Iterable[Conviction],
    as_of: date,
    notice_after: Duration,
    review_after: Duration,
    custody: Iterable[CustodyPeriod] = (),
    kept_on: date | None = None,
) -> ExitSchedule:
    """Notice at `notice_after`, review at `review_after`, at liberty with no new offence.

    Counting starts on the join date or the last offence, whichever is later. Offences are
    dated by `offence_date`; only those on or before `as_of` are known. `kept_on` is the day a
    panel last decided, at a review, to keep the member on: the count starts again from it (the
    contract says nothing of what follows a decision to stay; without this, the review would stay
    due for ever).
    """
    known = [c for c in convictions if offence_day(c) <= as_of and c.conviction_date <= as_of]
    last = max(known, key=lambda c: (offence_day(c), c.id), default=None)
    counting_from = joined_on
    basis = f"joined on {joined_on.isoformat()}"
    said = f"joining on {spoken(joined_on)}"
    if last is not None and offence_day(last) > joined_on:
        counting_from = offence_day(last)
        basis = f"last offence {last.id} on {counting_from.isoformat()}"
        said = f"the last offence ({last.id}) on {spoken(counting_from)}"
    if kept_on is not None and counting_from < kept_on <= as_of:
        counting_from = kept_on
        basis = f"kept on by the panel on {kept_on.isoformat()}"
        said = f"the panel keeping the member on, on {spoken(kept_on)}"
    custody = list(custody)
    notice_on = liberty_after(counting_from, notice_after, custody, as_of)
    review_on = liberty_after(counting_from, review_after, custody, as_of)
    evidence = {
        "counting_from": counting_from.isoformat(),
        "basis": basis,
        "notice_on": notice_on.isoformat(),
        "review_on": review_on.isoformat(),
        "last_offence": None if last is None else last.id,
    }
    reasons = [
        Reason(
            "EXIT_SCHEDULE",
            f"Counting from {said}: tell the member deselection is being considered on "
            f"{spoken(notice_on)}; review for deselection on {spoken(review_on)} if there is "
            "no new offence. Deselection is a panel decision and needs police intelligence not to "
            "support staying on.",
            evidence,
        )
    ]
    return ExitSchedule(
        counting_from, notice_on, review_on, as_of >= notice_on, as_of >= review_on, reasons
    )


def remand_credit(sentence: CustodyPeriod, custody: Iterable[CustodyPeriod]) -> int:
    """Days on remand in the unbroken run of remand that leads up to the sentence's start."""
    remand = [p for p in custody if p.kind == "remand" and p.start < sentence.start]
    spans = merged_custody(remand, sentence.start)
    credit, cursor = 0, sentence.start
    for start, end in reversed(spans):
        if end != cursor:
            break
        credit += (end - start).days
        cursor = start
    return credit


def custody_review(
    sentence: CustodyPeriod,
    today: date,
    deselect_over: Duration,
    release_point: float,
    remand_days: int = 0,
) -> CustodyReview:
    """Expected release = start + release point of the term - remand; propose deselection past the limit."""
    if sentence.sentence_days is None:
        raise ValueError("a custody review needs the term imposed (sentence_days)")
    served_days = math.floor(sentence.sentence_days * release_point)
    expected = sentence.start + days(served_days - remand_days)
    limit = deselect_over.after(today)
    propose = expected > limit
    days_left = (expected - today).days
    text = (
        f"Expected release {spoken(expected)} ({days_left} days from {spoken(today)}): "
        f"{served_days} days of a {sentence.sentence_days}-day term less {remand_days} days on remand. "
    )
    text += (
        f"More than {deselect_over.describe()} left: propose deselection."
        if propose
        else f"Not more than {deselect_over.describe()} left: stays on the scheme."
    )
    evidence = {
        "sentence_start": sentence.start.isoformat(),
        "sentence_days": sentence.sentence_days,
        "release_point": release_point,
        "remand_days": remand_days,
        "expected_release": expected.isoformat(),
        "limit": limit.isoformat(),
    }
    code = "CUSTODY_PROPOSE_DESELECTION" if propose else "CUSTODY_STAYS_ON"
    return CustodyReview(expected, days_left, propose, [Reason(code, text, evidence)])


def transferred_out(on: date) -> Trigger:
    """Supervision transferred out of the area ends membership."""
    return Trigger(
        "END_MEMBERSHIP",
        on,
        [
            Reason(
                "TRANSFERRED_OUT",
                "Supervision transferred out of the area: membership ends.",
                {"transferred_on": on.isoformat()},
            )
        ],
    )


def arrived(on: date, previous_scheme: str | None) -> Trigger:
    """A person arriving who was on PPO or IOM elsewhere is referred automatically."""
    if previous_scheme in ("PPO", "IOM"):
        return Trigger(
            "REFER_FOR_CONSIDERATION",
            on,
            [
                Reason(
                    "TRANSFERRED_IN",
                    f"Arrived from another area where they were on {previous_scheme}: referred for consideration.",
                    {"arrived_on": on.isoformat(), "previous_scheme": previous_scheme},
                )
            ],
        )
    return Trigger(None, None, [])


def adult_referral(
    date_of_birth: date, as_of: date, adult_age: int, moved_to_adult_services_on: date | None = None
) -> Trigger:
    """A young nominal is referred for adult consideration at 18 or on moving to adult services."""
    adult_on = nth_birthday(date_of_birth, adult_age)
    moved = moved_to_adult_services_on is not None and moved_to_adult_services_on <= as_of
    due_on = min(adult_on, moved_to_adult_services_on) if moved_to_adult_services_on else adult_on
    evidence = {
        "turns_adult_on": adult_on.isoformat(),
        "moved_to_adult_services_on": None
        if moved_to_adult_services_on is None
        else moved_to_adult_services_on.isoformat(),
    }
    if as_of >= adult_on or moved:
        why = "moved to adult services" if moved and due_on < adult_on else f"turned {adult_age}"
        return Trigger(
            "REFER_TO_ADULT_SCHEME",
            due_on,
            [
                Reason(
                    "ADULT_REFERRAL_DUE",
                    f"Refer for adult consideration: {why} on {spoken(due_on)}.",
                    evidence,
                )
            ],
        )
    return Trigger(
        None,
        due_on,
        [
            Reason(
                "ADULT_REFERRAL_LATER",
                f"Refer for adult consideration on {spoken(due_on)}.",
                evidence,
            )
        ],
    )


@dataclass(frozen=True)
class NextStep:
    """The most pressing thing the exit rules ask of one member on a day, with why."""

    code: str
    due_on: date | None
    reasons: list[Reason] = field(default_factory=list)


# Most pressing first: `next_step` returns the first that applies.
NEXT_STEPS = {
    "transferred_out": "Supervision has moved out of the area: end the membership",
    "adult_referral": "Refer for adult consideration",
    "custody_deselection": "In custody with more than 12 months left: propose deselection",
    "in_custody": "In custody: stays on the scheme",
    "exit_review": "Review for deselection at the next panel",
    "exit_notice": "Tell the member deselection is being considered",
    "exit_period": "Notice given: the review falls due",
    "stay": "Nothing due yet",
}


def in_custody_on(custody: Iterable[CustodyPeriod], day: date) -> list[CustodyPeriod]:
    """Periods of custody that hold the person on `day` (released on the end date)."""
    return [p for p in custody if p.start <= day and (p.end is None or p.end > day)]


def next_step(
    joined_on: date,
    convictions: Iterable[Conviction],
    custody: Iterable[CustodyPeriod],
    as_of: date,
    params: DerbyshireParameters | NottinghamshireParameters,
    *,
    date_of_birth: date,
    youth_scheme: bool,
    notice_given_on: date | None = None,
    kept_on: date | None = None,
    transferred_out_on: date | None = None,
    moved_to_adult_services_on: date | None = None,
) -> NextStep:
    """One member's next step on `as_of` under their scheme's policy (rules contract, section 5).

    A notice given before the count last restarted (a new offence, or the panel keeping the
    member on at `kept_on`) no longer counts.
    """
    custody = list(custody)
    if transferred_out_on is not None and transferred_out_on <= as_of:
        trigger = transferred_out(transferred_out_on)
        return NextStep("transferred_out", transferred_out_on, trigger.reasons)
    if youth_scheme:
        adult = adult_referral(date_of_birth, as_of, params.adult_age, moved_to_adult_services_on)
        if adult.action is not None:
            return NextStep("adult_referral", adult.effective_on, adult.reasons)
    held = in_custody_on(custody, as_of)
    if held:
        return _custody_step(held, custody, as_of, params)
    if not isinstance(params, DerbyshireParameters):
        adult = adult_referral(date_of_birth, as_of, params.adult_age)
        return NextStep("stay", adult.effective_on if youth_scheme else None, adult.reasons)
    schedule = exit_schedule(
        joined_on,
        convictions,
        as_of,
        params.exit_notice_after,
        params.exit_review_after,
        custody,
        kept_on,
    )
    notice_counts = notice_given_on is not None and notice_given_on >= schedule.counting_from
    if schedule.review_due:
        return NextStep("exit_review", schedule.review_on, schedule.reasons)
    if schedule.notice_due and not notice_counts:
        return NextStep("exit_notice", schedule.notice_on, schedule.reasons)
    if notice_counts:
        return NextStep("exit_period", schedule.review_on, schedule.reasons)
    return NextStep("stay", schedule.notice_on, schedule.reasons)


def _custody_step(
    held: list[CustodyPeriod],
    custody: list[CustodyPeriod],
    as_of: date,
    params: DerbyshireParameters | NottinghamshireParameters,
) -> NextStep:
    sentences = [p for p in held if p.kind == "sentence" and p.sentence_days]
    if sentences and isinstance(params, DerbyshireParameters):
        sentence = max(sentences, key=lambda p: p.start)
        review = custody_review(
            sentence,
            as_of,
            params.custody_deselect_over,
            params.release_point,
            remand_credit(sentence, custody),
        )
        code = "custody_deselection" if review.propose_deselection else "in_custody"
        return NextStep(
            code, as_of if review.propose_deselection else review.expected_release, review.reasons
        )
    latest = max(held, key=lambda p: p.start)
    text = f"In custody ({latest.kind}) since {spoken(latest.start)}: stays on the scheme."
    evidence = {"kind": latest.kind, "since": latest.start.isoformat()}
    return NextStep("in_custody", latest.end, [Reason("IN_CUSTODY", text, evidence)])
