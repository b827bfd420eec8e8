"""Governance work run by the task worker (`manage.py db_worker`), not in the request that asks."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django_tasks import task

from iom.accounts.models import User
from iom.governance import queries
from iom.governance.models import WhatIfRun
from iom.governance.services import work_out_fairness, work_out_what_if
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


@task()
def work_out_what_if_run(run_pk: int) -> str:
    """Work out a kept what-if, then tell whoever asked, whether it worked or not."""
    run = WhatIfRun.objects.select_related("scheme", "asked_by").get(pk=run_pk)
    link = reverse("policies:what-if-run", args=[run.pk])
    try:
        work_out_what_if(run)
    except Exception:
        notify(run.asked_by, f"The policy what-if for {run.scheme} could not be worked out", link)
        raise
    notify(run.asked_by, f"The policy what-if for {run.scheme} is ready", link)
    return str(run.state)
