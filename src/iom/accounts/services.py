"""Administering staff accounts and agencies: each change in the access log, in its transaction.

A system administrator manages everyone; a coordinator manages the staff of their own agency
and may not make anyone a system administrator. A new account gets a temporary password to be
changed at first sign-in, and enrols an authenticator then.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from iom.accounts.models import Agency, ApiToken, Role, User
from iom.audit.models import Operation
from iom.audit.service import record
from iom.errors import NotAllowed

USER_FIELDS = ("username", "first_name", "last_name", "email", "role", "agency")


def temporary_password() -> str:
    """Four groups of readable characters, given once to the new user by their administrator."""
    return "-".join(secrets.token_hex(3) for _ in range(4))


def _check_scope(admin: Any, agency: Agency | None, role: str) -> None:
    if admin.role == Role.SYSTEM_ADMIN:
        return
    if role == Role.SYSTEM_ADMIN:
        raise NotAllowed("Only a system administrator can make someone a system administrator.")
    if agency is None or agency.pk != admin.agency_id:
        raise NotAllowed("You can manage the staff of your own agency only.")


@transaction.atomic
def add_user(admin: Any, fields: dict[str, Any]) -> tuple[User, str]:
    """A new account and its temporary password (shown once)."""
    _check_scope(admin, fields.get("agency"), fields["role"])
    password = temporary_password()
    user = User(**{k: fields.get(k) or "" for k in USER_FIELDS if k != "agency"})
    user.agency = fields.get("agency")
    user.must_change_password = True
    user.set_password(password)
    user.save()
    record(
        admin,
        Operation.COLLECTION,
        "user",
        user.pk,
        f"added {user.username} as {user.get_role_display()}",
    )
    return user, password


@transaction.atomic
def change_user(admin: Any, user: User, fields: dict[str, Any]) -> User:
    """Name, email, role and agency; a coordinator keeps their staff in their own agency."""
    _check_scope(admin, user.agency, user.role)
    _check_scope(admin, fields.get("agency", user.agency), fields.get("role", user.role))
    changed = [k for k in USER_FIELDS if k in fields and getattr(user, k) != fields[k]]
    for name in changed:
        setattr(user, name, fields[name])
    user.save()
    if "schemes" in fields and set(user.schemes.all()) != set(fields["schemes"]):
        user.schemes.set(fields["schemes"])
        changed.append("schemes")
    if "role" in changed or "agency" in changed:
        user.sign_out_everywhere()  # their pages were shown under the old role or agency
    record(
        admin,
        Operation.ALTERATION,
        "user",
        user.pk,
        f"changed {user.username}: {', '.join(changed) or 'nothing'}",
    )
    return user


@transaction.atomic
def set_active(admin: Any, user: User, active: bool, reason: str) -> User:
    """Disable a leaver (their sessions end at once) or enable an account again."""
    _check_scope(admin, user.agency, user.role)
    if user.pk == admin.pk:
        raise NotAllowed("You cannot disable your own account.")
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        user.sign_out_everywhere()
    what = "enabled" if active else "disabled"
    record(admin, Operation.ALTERATION, "user", user.pk, f"{what} {user.username}", reason=reason)
    return user


@transaction.atomic
def reset_authenticator(admin: Any, user: User, reason: str) -> None:
    """Forget the user's authenticator: they enrol a new one at their next sign-in."""
    _check_scope(admin, user.agency, user.role)
    TOTPDevice.objects.filter(user=user).delete()
    user.sign_out_everywhere()
    record(
        admin,
        Operation.ALTERATION,
        "user",
        user.pk,
        f"reset the authenticator of {user.username}",
        reason=reason,
    )


@transaction.atomic
def force_password_change(admin: Any, user: User) -> str:
    """A new temporary password, to be changed at the next sign-in; other sessions end."""
    _check_scope(admin, user.agency, user.role)
    password = temporary_password()
    _set_password(user, password, temporary=True)
    user.sign_out_everywhere()
    record(
        admin,
        Operation.ALTERATION,
        "user",
        user.pk,
        f"set a temporary password for {user.username}",
    )
    return password


@transaction.atomic
def change_own_password(user: User, password: str) -> None:
    validate_password(password, user)
    _set_password(user, password, temporary=False)
    record(user, Operation.ALTERATION, "user", user.pk, "changed their password")


def _set_password(user: User, password: str, temporary: bool) -> None:
    user.set_password(password)
    user.must_change_password = temporary
    user.save(update_fields=["password", "must_change_password"])


@transaction.atomic
def add_agency(admin: Any, name: str, kind: str) -> Agency:
    agency = Agency.objects.create(name=name, kind=kind)
    record(admin, Operation.COLLECTION, "agency", agency.pk, f"added the agency {name}")
    return agency


TOKEN_DAYS_MAX = 90


def token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def make_token(user: User, name: str, days: int) -> tuple[ApiToken, str]:
    """A new API key for `user`, valid for `days` (at most 90): the key is returned only now."""
    key = "iom_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=key[:12],
        key_hash=token_hash(key),
        expires_at=timezone.now() + timedelta(days=min(days, TOKEN_DAYS_MAX)),
    )
    record(user, Operation.COLLECTION, "api token", token.pk, f"made the API key {token.prefix}…")
    return token, key


@transaction.atomic
def revoke_token(user: User, token: ApiToken) -> None:
    if token.user_id != user.pk:
        raise NotAllowed("You can revoke your own API keys only.")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(
        user, Operation.ALTERATION, "api token", token.pk, f"revoked the API key {token.prefix}…"
    )


def user_for_key(key: str) -> User | None:
    """The user a usable key belongs to (its last use noted), or None."""
    token = ApiToken.objects.select_related("user").filter(key_hash=token_hash(key)).first()
    if token is None or not token.usable:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
