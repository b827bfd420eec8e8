"""Referral work run by the task worker (`manage.py db_worker`), not in the request that asks."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django_tasks import task

from iom.accounts.models import User
from iom.notifications.services import notify
from iom.referrals.automatic import open_due


@task()
def open_automatic_referrals(as_of: str, asked_by: int) -> dict[str, int]:
    """Open the automatic referrals due on `as_of` (YYYY-MM-DD), then tell whoever asked."""
    day = date.fromisoformat(as_of)
    opened = open_due(day)
    summary = "; ".join(f"{n:,} {trigger.lower()}" for trigger, n in opened.items())
    notify(
        User.objects.get(pk=asked_by),
        f"Automatic referrals opened for {day:%-d %B %Y}: {summary or 'none were due'}",
        reverse("referrals:list") + "?state=draft",
    )
    return dict(opened)
