"""Object permissions for django-rules, from the matrix in permissions.py."""

from __future__ import annotations

from typing import Any

import rules
from iom.accounts.models import Role
from iom.accounts.permissions import ACTIONS, allowed, may_see_youth, may_see_youth_referrals


def _role_may(action: str) -> Any:
    @rules.predicate(name=f"role may {action}")
    def predicate(user: Any) -> bool:
        return bool(user.is_authenticated and allowed(user.role, action))

    return predicate


@rules.predicate
def may_see_this_person(user: Any, person: Any) -> bool:
    if person is None:
        return True
    return not person.is_youth() or may_see_youth(user.role)


@rules.predicate
def may_see_this_referral(user: Any, referral: Any) -> bool:
    """A referral, or a meeting of a youth scheme, about a child: the youth roles only."""
    if referral is None:
        return True
    if hasattr(referral, "person"):
        young = referral.person.is_youth() or referral.scheme.youth
    else:  # a meeting
        young = referral.scheme.youth
    return not young or may_see_youth_referrals(user.role)


@rules.predicate
def owns_or_coordinates(user: Any, record: Any) -> bool:
    """An action's owner, a referral's referrer, whoever asked for a kept what-if; or a
    coordinator, for any."""
    if record is None or user.role == Role.COORDINATOR:
        return True
    owner_id = (
        getattr(record, "owner_id", None)
        or getattr(record, "referrer_id", None)
        or getattr(record, "asked_by_id", None)
    )
    return owner_id == user.pk


@rules.predicate
def may_see_this_member(user: Any, membership: Any) -> bool:
    """A member under 18, or on a youth scheme: the roles that see young people's records."""
    if membership is None:
        return True
    young = membership.person.is_youth() or membership.scheme.youth
    return not young or may_see_youth(user.role)


@rules.predicate
def allocated_or_coordinates(user: Any, membership: Any) -> bool:
    """One of the member's allocated workers (the last ones, once the membership has ended); or a
    coordinator, for any member."""
    if membership is None or user.role == Role.COORDINATOR:
        return True
    still = (None, membership.end_on) if membership.end_on else (None,)
    return any(a.worker_id == user.pk and a.end in still for a in membership.allocations.all())


@rules.predicate
def started_or_sees_every_record(user: Any, run: Any) -> bool:
    """An import report names the people kept aside, children among them: its own uploader, or a
    role that may see every record (a report of the command line names anyone)."""
    if run is None or may_see_youth(user.role):
        return True
    return bool(run.started_by_id == user.pk)


@rules.predicate
def administers(user: Any, account: Any) -> bool:
    """A system administrator, anyone; a coordinator, the staff of their own agency."""
    if account is None or user.role == Role.SYSTEM_ADMIN:
        return True
    return bool(account.agency_id == user.agency_id and account.role != Role.SYSTEM_ADMIN)


OBJECT_RULES = {
    "administer_users": administers,
    "view_person": may_see_this_person,
    "import_people": started_or_sees_every_record,
    "view_referrals": may_see_this_referral,
    "make_referral": may_see_this_referral,
    "score_referral": may_see_this_referral,
    "manage_referral": may_see_this_referral,
    "withdraw_referral": may_see_this_referral & owns_or_coordinates,
    "view_meetings": may_see_this_referral,
    "plan_meetings": may_see_this_referral,
    "decide_referrals": may_see_this_referral,
    "read_minutes": may_see_this_referral,
    "raise_actions": may_see_this_referral,
    "view_actions": owns_or_coordinates,
    "run_policy_what_if": owns_or_coordinates,
    "view_cohort": may_see_this_member,
    "manage_member": may_see_this_member & allocated_or_coordinates,
    "allocate_workers": may_see_this_member,
    "record_intelligence": may_see_this_member,
    "check_intelligence": may_see_this_member,
    "decide_exit": may_see_this_member,
}

for name in ACTIONS:
    if name in OBJECT_RULES:
        rules.add_perm(f"iom.{name}", _role_may(name) & OBJECT_RULES[name])
    else:
        rules.add_perm(f"iom.{name}", _role_may(name))
