"""Marking one's own notifications as read."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from iom.accounts.access import CHANGE, staff_view
from iom.notifications.services import mark_all_read


@staff_view("view_home", CHANGE)
def mark_read(request: HttpRequest) -> HttpResponse:
    mark_all_read(request.user)
    return redirect("home")
