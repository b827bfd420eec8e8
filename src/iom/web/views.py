from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from iom.accounts.access import staff_view


@staff_view("view_home")
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {})


def forbidden(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return render(request, "errors/403.html", {}, status=403)


def not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return render(request, "errors/404.html", {}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without the request: the database or the session may be what failed."""
    return HttpResponse(render_to_string("errors/500.html"), status=500)
