"""The one gate every staff view passes: signed in, second factor verified, allowed by the matrix."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

View = Callable[..., HttpResponse]


def staff_view(action: str) -> Callable[[View], View]:
    """Require a verified sign-in and the role permission `action` (object checks are the view's)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user: Any = request.user
            if not user.is_authenticated or not user.is_verified():
                return redirect(f"{reverse('accounts:sign-in')}?next={request.path}")
            if not user.has_perm(f"iom.{action}"):
                raise PermissionDenied(action)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def require_object(request: HttpRequest, action: str, obj: Any) -> None:
    user: Any = request.user
    if not user.has_perm(f"iom.{action}", obj):
        raise PermissionDenied(action)
