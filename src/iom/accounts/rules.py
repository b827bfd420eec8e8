"""Object permissions for django-rules, from the matrix in permissions.py."""

from __future__ import annotations

from typing import Any

import rules
from iom.accounts.permissions import ACTIONS, allowed, may_see_youth


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


for name in ACTIONS:
    if name == "view_person":
        rules.add_perm("iom.view_person", _role_may(name) & may_see_this_person)
    else:
        rules.add_perm(f"iom.{name}", _role_may(name))
