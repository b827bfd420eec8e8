"""The one gate every view passes: allowed methods; for staff views, a verified sign-in and the matrix.

Refusals are written to the access log. A record the user may not see answers 404, exactly as a
record that does not exist, so nobody learns which ids belong to, for example, children.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from iom.audit.models import Operation
from iom.audit.service import record

View = Callable[..., HttpResponse]
READ = ("GET", "HEAD")
FORM = ("GET", "HEAD", "POST")
CHANGE = ("POST",)


def public_view(methods: Iterable[str]) -> Callable[[View], View]:
    """A page reachable before signing in (the sign-in steps), for the given methods only."""

    def decorate(view: View) -> View:
        wrapped = require_http_methods(list(methods))(view)
        wrapped.allowed_methods = tuple(methods)  # type: ignore[attr-defined]
        return wrapped

    return decorate


def staff_view(action: str, methods: Iterable[str] = READ) -> Callable[[View], View]:
    """Only `methods` (reading by default); a verified sign-in; the role permission `action`.

    Object checks are the view's, with `require_object`.
    """
    methods = tuple(methods)

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user: Any = request.user
            if not user.is_authenticated or not user.is_verified():
                return redirect(f"{reverse('accounts:sign-in')}?next={request.path}")
            if not user.has_perm(f"iom.{action}"):
                refused(request, action)
                raise PermissionDenied(action)
            return view(request, *args, **kwargs)

        gated = require_http_methods(list(methods))(wrapped)
        gated.allowed_methods = methods  # type: ignore[attr-defined]
        return gated

    return decorate


def require_object(request: HttpRequest, action: str, obj: Any, record_type: str) -> None:
    """Refuse with 404 (as if absent) when the user may not do `action` on `obj`."""
    user: Any = request.user
    if not user.has_perm(f"iom.{action}", obj):
        refused(request, action, record_type, obj.pk)
        raise Http404


def refused(
    request: HttpRequest, action: str, record_type: str = "page", record_id: Any = ""
) -> None:
    record(
        request.user,
        Operation.REFUSED,
        record_type,
        record_id,
        f"refused {action}",
        details=f"{request.method} {request.path}"[:300],
    )
