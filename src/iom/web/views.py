from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from iom.accounts.access import staff_view
from iom.audit.models import Operation
from iom.audit.service import record
from iom.notifications.services import unread
from iom.panels.models import Action
from iom.web import start


@staff_view("view_home")
def home(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    today = timezone.localdate()
    actions = list(
        Action.objects.filter(owner=user, status=Action.Status.OPEN).order_by("due_on")[:10]
    )
    notifications = unread(user)
    found = start.sections(user, today)
    shown = start.people_shown(found)
    if notifications or actions or shown:  # they name people
        record(
            user,
            Operation.CONSULTATION,
            "start page",
            "",
            "own notices, actions and work",
            details=f"notifications {[n.pk for n in notifications]}; actions "
            f"{[a.pk for a in actions]}; people {shown}",
        )
    context = {"notifications": notifications, "actions": actions, "today": today, **found}
    return render(request, "home.html", context)


def forbidden(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return render(request, "errors/403.html", {}, status=403)


def not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return render(request, "errors/404.html", {}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without the request: the database or the session may be what failed."""
    nonce = str(getattr(request, "csp_nonce", ""))
    return HttpResponse(render_to_string("errors/500.html", {"nonce": nonce}), status=500)
