"""Sign in with a password or the force's identity provider, then a TOTP code (enrolling an
authenticator on first use) unless the provider checked a second factor; sign out."""

from __future__ import annotations

from typing import Any

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.signals import user_login_failed
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from markupsafe import Markup
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from iom.accounts.access import CHANGE, FORM, READ, View, public_view, staff_view
from iom.accounts.backends import PROVIDER_CHECKED_SECOND_FACTOR, provider_sign_out
from iom.accounts.forms import CodeForm, SignInForm
from iom.accounts.middleware import SIGNED_IN_AT
from iom.accounts.models import ProviderDevice, User
from iom.accounts.totp import authenticator_key
from iom.audit.models import Operation
from iom.audit.service import record

PENDING = "iom_pending_user"
NEXT = "iom_next"
# One message for every failure, so nobody can learn which usernames exist or are locked.
NOT_RIGHT = "The details you entered are not right, or the account is locked. Try again, or ask your IOM coordinator."
SSO_FAILED = (
    "You could not be signed in through your organisation's account. It may not be set up in"
    " this service yet: ask your IOM coordinator."
)


@public_view(FORM)
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
        )
        if user is not None:
            return _ask_for_code(request, user, _safe_next(request))
        form.add_error(None, NOT_RIGHT)
    return render(
        request,
        "accounts/sign_in.html",
        {
            "form": form,
            "next": request.GET.get("next", ""),
            "provider": settings.IOM_SSO_NAME if settings.IOM_SSO else "",
            "provider_failed": SSO_FAILED if request.GET.get("sso") == "failed" else "",
        },
    )


def _ask_for_code(request: HttpRequest, user: User, target: str) -> HttpResponse:
    """The first step passed: the code from the user's authenticator (or setting one up) is next."""
    request.session.cycle_key()
    request.session[PENDING] = user.pk
    request.session[NEXT] = target
    has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    return redirect("accounts:verify" if has_device else "accounts:enrol")


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _pending_user(request: HttpRequest) -> User | None:
    pk = request.session.get(PENDING)
    return None if pk is None else User.objects.filter(pk=pk, is_active=True).first()


@public_view(FORM)
def verify(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() if user else None
    if user is None or device is None:
        return redirect("accounts:sign-in")
    if _locked(request, user):
        return locked_out(request, {"username": user.username})
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            return _complete_sign_in(request, user, device)
        _failed(request, user)
        form.add_error(None, NOT_RIGHT)
    return render(request, "accounts/verify.html", {"form": form})


@public_view(FORM)
def enrol(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None or TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("accounts:sign-in")
    if _locked(request, user):
        return locked_out(request, {"username": user.username})
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": "authenticator"}
    )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            return _complete_sign_in(request, user, device)
        _failed(request, user)
        form.add_error(None, NOT_RIGHT)
    qr = Markup(
        segno.make(device.config_url, error="m").svg_inline(
            scale=4, title="QR code for your authenticator app"
        )
    )
    return render(
        request,
        "accounts/enrol.html",
        {"form": form, "qr": qr, "secret": authenticator_key(device)},
    )


def _locked(request: HttpRequest, user: User) -> bool:
    """A half-signed-in session must not finish once the account is locked (it may have become
    locked by this session's own wrong codes, or by failures elsewhere)."""
    if AxesProxyHandler.is_allowed(request, {"username": user.username}):
        return False
    request.session.pop(PENDING, None)
    request.session.pop(NEXT, None)
    return True


def _failed(request: HttpRequest, user: User) -> None:
    """A wrong code counts towards the lockout like a wrong password."""
    user_login_failed.send(
        sender=__name__, credentials={"username": user.username}, request=request
    )


def _complete_sign_in(request: HttpRequest, user: User, device: Any) -> HttpResponse:
    target = request.session.get(NEXT) or ""
    login(request, user, backend="iom.accounts.backends.StaffBackend")  # a new session key
    otp_login(request, device)
    request.session[SIGNED_IN_AT] = timezone.now().isoformat()
    return redirect(target or "home")


def _only_with_single_sign_on(view: View) -> View:
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.IOM_SSO:
            raise Http404
        return view(request, *args, **kwargs)

    return guarded


class SingleSignOnCallback(OIDCAuthenticationCallbackView):
    """The provider sends the user back here; mozilla-django-oidc checks its answer, then:
    with a second factor checked by the provider the user is signed in, otherwise this site's
    authenticator code is asked as after a password."""

    def login_success(self) -> HttpResponse:
        request, user = self.request, self.user
        target = request.session.pop("oidc_login_next", None) or ""
        if not request.session.pop(PROVIDER_CHECKED_SECOND_FACTOR, False):
            return _ask_for_code(request, user, target)
        device, _ = ProviderDevice.objects.get_or_create(
            user=user, defaults={"name": "identity provider"}
        )
        request.session[NEXT] = target
        return _complete_sign_in(request, user, device)

    def login_failure(self) -> HttpResponse:
        record(self.request.user, Operation.REFUSED, "sign-in", "", "single sign-on refused")
        return super().login_failure()


sso_start = public_view(READ)(_only_with_single_sign_on(OIDCAuthenticationRequestView.as_view()))
sso_callback = public_view(READ)(_only_with_single_sign_on(SingleSignOnCallback.as_view()))


@public_view(CHANGE)
def sign_out(request: HttpRequest) -> HttpResponse:
    at_provider = provider_sign_out(request)
    logout(request)
    return redirect(at_provider or "accounts:sign-in")


@staff_view("sign_out_everywhere", CHANGE)
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    user.sign_out_everywhere()
    logout(request)
    return redirect("accounts:sign-in")


def locked_out(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """django-axes calls this when a username is locked: the same words as any failure."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    record(request.user, Operation.REFUSED, "sign-in", "", f"locked out: {username}")
    form = SignInForm(request.POST or None)
    form.is_valid()
    form.add_error(None, NOT_RIGHT)
    return render(request, "accounts/sign_in.html", {"form": form, "next": ""}, status=403)
