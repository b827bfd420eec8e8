"""End sessions that began before the user signed out everywhere."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

SIGNED_IN_AT = "iom_signed_in_at"


class SignedOutEverywhereMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            started = request.session.get(SIGNED_IN_AT)
            if started is None or datetime.fromisoformat(started) < user.sessions_valid_from:
                logout(request)
        return self.get_response(request)


class PasswordChangeMiddleware:
    """A user with a temporary password changes it before anything else."""

    ALLOWED = ("/accounts/password", "/accounts/sign-out", "/static/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = request.user
        if (
            user.is_authenticated
            and user.must_change_password
            and not request.path.startswith(self.ALLOWED)
        ):
            return redirect("accounts:password")
        return self.get_response(request)
