"""Making a person a member of a scheme (the cohort work, leaving and the rest build on this)."""

from __future__ import annotations

from datetime import date
from typing import Any

from iom.audit.models import Operation
from iom.audit.service import record
from iom.cases.models import Membership


def admit(user: Any, decision: Any, start: date) -> Membership:
    """The membership an acceptance makes; call inside the decision's transaction."""
    referral = decision.referral
    membership = Membership.objects.create(
        person=referral.person,
        scheme=referral.scheme,
        cohort=decision.cohort,
        start=start,
        decision=decision,
        exception=decision.exception,
        exception_rationale=decision.rationale if decision.exception else "",
        exception_agencies=decision.agreeing_agencies if decision.exception else [],
    )
    record(
        user,
        Operation.COLLECTION,
        "membership",
        membership.pk,
        f"person {referral.person_id} joined {referral.scheme} ({membership.get_cohort_display()})",
    )
    return membership
