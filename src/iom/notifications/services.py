"""`notify()`: a message in the app and by email (Django's email backend; the console in development)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from iom.audit.models import Operation
from iom.audit.service import record
from iom.notifications.models import Notification


def notify(user: Any, text: str, link: str = "") -> Notification:
    """Tell one user something; the email goes once the change it reports is committed."""
    note = Notification.objects.create(user=user, text=text[:500], link=link)
    if user.email:
        body = (
            f"{text}\n\nSign in to read more{f': {settings.IOM_SITE_URL}{link}' if link else '.'}"
        )
        transaction.on_commit(
            lambda: send_mail(
                f"{settings.IOM_SERVICE_NAME}: {text[:80]}",
                body,
                None,
                [user.email],
                fail_silently=True,
            )
        )
    return note


def unread(user: Any) -> list[Notification]:
    return list(Notification.objects.filter(user=user, read_at__isnull=True)[:20])


@transaction.atomic
def mark_all_read(user: Any) -> int:
    count = Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    record(user, Operation.ALTERATION, "notifications", user.pk, f"marked {count} as read")
    return count
