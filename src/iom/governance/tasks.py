"""Governance work run by the task worker (`manage.py db_worker`), not in the request that asks."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django_tasks import task

from iom.accounts.models import User
from iom.governance import queries
from iom.governance.services import work_out_fairness
from iom.notifications.services import notify


@task()
def work_out_fairness_figures(as_of: str, scheme_slug: str, asked_by: int) -> int:
    """Work out the disproportionality figures as on `as_of` (YYYY-MM-DD) for one scheme, or for
    every scheme when `scheme_slug` is "", then tell whoever asked. Returns the schemes done."""
    day, user = date.fromisoformat(as_of), User.objects.get(pk=asked_by)
    chosen = queries.schemes(scheme_slug or None)
    for scheme in chosen:
        work_out_fairness(scheme, day, user)
    query = f"?as_of={as_of}" + (f"&scheme={scheme_slug}" if scheme_slug else "")
    notify(
        user,
        f"Disproportionality figures worked out as on {day:%-d %B %Y}: "
        + ", ".join(str(scheme) for scheme in chosen),
        reverse("governance:fairness") + query,
    )
    return len(chosen)
