"""Marking one's own notifications as read."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from iom.accounts.access import CHANGE, staff_view
from iom.notifications.models import Notification


@staff_view("view_home", CHANGE)
def mark_read(request: HttpRequest) -> HttpResponse:
    Notification.objects.filter(user=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return redirect("home")
