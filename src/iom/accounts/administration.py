"""Administering staff accounts and agencies (system administrators; coordinators for their own
agency), and changing one's own password."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from iom.accounts import services
from iom.accounts.access import CHANGE, FORM, require_object, staff_view
from iom.accounts.forms import AgencyForm, ApiKeyForm, PasswordForm, ReasonForm, UserForm
from iom.accounts.models import Agency, ApiToken, Role, User
from iom.audit.models import Operation
from iom.audit.service import record
from iom.errors import NotAllowed


def _managed(request: HttpRequest) -> Any:
    admin: Any = request.user
    found = User.objects.select_related("agency").order_by("last_name", "first_name", "username")
    if admin.role != Role.SYSTEM_ADMIN:
        found = found.filter(agency_id=admin.agency_id)
    return found


@staff_view("administer_users")
def users(request: HttpRequest) -> HttpResponse:
    found = list(_managed(request))
    record(request.user, Operation.CONSULTATION, "user", "", f"listed {len(found)} staff accounts")
    return render(request, "accounts/users.html", {"users": found})


@staff_view("administer_users", FORM)
def add_user(request: HttpRequest) -> HttpResponse:
    form = UserForm(request.POST or None, admin=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user, password = services.add_user(request.user, form.cleaned_data)
        except NotAllowed as error:
            form.add_error(None, str(error))
        else:
            return render(
                request, "accounts/password_once.html", {"user": user, "password": password}
            )
    return render(request, "accounts/user_form.html", {"form": form, "title": "Add a user"})


def _user(request: HttpRequest, pk: int) -> User:
    user = get_object_or_404(User.objects.select_related("agency"), pk=pk)
    require_object(request, "administer_users", user, "user")
    return user


@staff_view("administer_users", FORM)
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request, pk)
    form = UserForm(request.POST or None, instance=User.objects.get(pk=pk), admin=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_user(request.user, user, form.cleaned_data)
        except NotAllowed as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{user.username} changed")
            return redirect("accounts:user", pk)
    record(request.user, Operation.CONSULTATION, "user", user.pk, f"read account {user.username}")
    context = {
        "form": form,
        "person": user,
        "reason": ReasonForm(),
        "title": f"Account: {user.username}",
    }
    return render(request, "accounts/user_form.html", context)


def _with_reason(request: HttpRequest, pk: int, act: Any, done: str) -> HttpResponse:
    user = _user(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why, for the access log")
        return redirect("accounts:user", pk)
    try:
        act(request.user, user, form.cleaned_data["reason"])
    except NotAllowed as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done.format(user=user.username))
    return redirect("accounts:user", pk)


@staff_view("administer_users", CHANGE)
def disable(request: HttpRequest, pk: int) -> HttpResponse:
    return _with_reason(
        request,
        pk,
        lambda a, u, r: services.set_active(a, u, False, r),
        "{user} is disabled and signed out",
    )


@staff_view("administer_users", CHANGE)
def enable(request: HttpRequest, pk: int) -> HttpResponse:
    return _with_reason(
        request, pk, lambda a, u, r: services.set_active(a, u, True, r), "{user} can sign in again"
    )


@staff_view("administer_users", CHANGE)
def reset_authenticator(request: HttpRequest, pk: int) -> HttpResponse:
    return _with_reason(
        request,
        pk,
        services.reset_authenticator,
        "{user} will set up an authenticator at their next sign-in",
    )


@staff_view("administer_users", CHANGE)
def temporary_password(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request, pk)
    try:
        password = services.force_password_change(request.user, user)
    except NotAllowed as error:
        messages.error(request, str(error))
        return redirect("accounts:user", pk)
    return render(request, "accounts/password_once.html", {"user": user, "password": password})


@staff_view("administer_agencies", FORM)
def agencies(request: HttpRequest) -> HttpResponse:
    form = AgencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.add_agency(request.user, form.cleaned_data["name"], form.cleaned_data["kind"])
        messages.success(request, f"{form.cleaned_data['name']} added")
        return redirect("accounts:agencies")
    found = Agency.objects.order_by("name")
    return render(request, "accounts/agencies.html", {"form": form, "agencies": found})


@staff_view("change_own_password", FORM)
def password(request: HttpRequest) -> HttpResponse:
    form = PasswordForm(request.POST or None)
    user: Any = request.user
    if request.method == "POST" and form.is_valid():
        try:
            services.change_own_password(user, form.cleaned_data["password"])
        except ValidationError as error:
            form.add_error("password", error)
        else:
            update_session_auth_hash(request, user)  # this session stays signed in
            messages.success(request, "Your password is changed")
            return redirect("home")
    return render(
        request, "accounts/password.html", {"form": form, "forced": user.must_change_password}
    )


@staff_view("manage_api_keys", FORM)
def api_keys(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = ApiKeyForm(request.POST or None)
    made = None
    if request.method == "POST" and form.is_valid():
        token, key = services.make_token(user, form.cleaned_data["name"], form.cleaned_data["days"])
        made = {"token": token, "key": key}
        form = ApiKeyForm()
    keys = user.api_tokens.all()
    return render(request, "accounts/api_keys.html", {"form": form, "keys": keys, "made": made})


@staff_view("manage_api_keys", CHANGE)
def revoke_api_key(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    token = get_object_or_404(ApiToken, pk=pk, user=user)
    services.revoke_token(user, token)
    messages.success(request, f"The key {token.prefix}… no longer works")
    return redirect("accounts:api-keys")
