"""How staff prove who they are: a password here, or the force's identity provider (OpenID Connect).

Either way the account must already exist in iom, be active, and (for demo users) be in a
development run; roles are given in iom, never taken from the provider.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from iom.accounts.models import User

LOGGER = logging.getLogger(__name__)

# Set in the session by the provider backend: whether the provider checked a second factor.
PROVIDER_CHECKED_SECOND_FACTOR = "iom_provider_mfa"


def may_sign_in(user: Any) -> bool:
    """Demo users only in a development run (also asked for every request's session)."""
    return bool(user.is_active) and not (getattr(user, "is_demo", False) and not settings.IOM_DEMO)


def provider_attempt(request: Any, credentials: Any = None) -> bool:
    """django-axes leaves these alone: the provider counts its own failures, and counting them
    here would lock single sign-on for everyone behind one station's address."""
    return bool(request is not None and request.path == reverse("accounts:sso-callback"))


def provider_sign_out(request: Any) -> str | None:
    """Where to send someone signing out who signed in through the provider, so that it signs
    them out too (OpenID Connect RP-initiated logout); None when they did not (the provider's
    ID token is kept in the session only then), or when its end-session address is not set.
    Read before the session is flushed."""
    endpoint, token = settings.OIDC_OP_LOGOUT_ENDPOINT, request.session.get("oidc_id_token")
    if not endpoint or not token:
        return None
    back = request.build_absolute_uri(reverse("accounts:sign-in"))
    query = {
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "id_token_hint": token,
        "post_logout_redirect_uri": back,
    }
    return f"{endpoint}?{urlencode(query)}"


class StaffBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        return may_sign_in(user)


class IdentityProviderBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's code flow, matched to an existing account by one claim.

    Beyond the library's checks (signature, nonce, PKCE), the ID token must come from the
    configured issuer and be meant for this site (`iss`, `aud`), which the library leaves unchecked.
    """

    def authenticate(self, request: Any, **kwargs: Any) -> Any:
        """None (the sign-in page says it failed) rather than an error page when the provider's
        answer is refused (an expired token among them, which the library lets through as an
        error) or the provider cannot be reached."""
        try:
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, jwt.InvalidTokenError, requests.RequestException) as error:
            LOGGER.warning("Single sign-on refused: %s", error)
            return None

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        if "nonce" not in kwargs:
            return payload  # signed userinfo, not the ID token
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token is not meant for this site (aud).")
        if payload.get("iss") != settings.OIDC_OP_ISSUER:
            raise SuspiciousOperation("The ID token is not from the configured provider (iss).")
        return payload

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get(settings.IOM_SSO_USER_CLAIM))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        value = claims.get(settings.IOM_SSO_USER_CLAIM)
        if not value:
            return User.objects.none()
        return User.objects.filter(**{f"{settings.IOM_SSO_USER_FIELD}__iexact": value})

    def describe_user_by_claims(self, claims: dict[str, Any]) -> str:
        return f"{settings.IOM_SSO_USER_CLAIM} {claims.get(settings.IOM_SSO_USER_CLAIM)}"

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is None or not may_sign_in(user):
            return None
        methods = payload.get("amr") or []
        self.request.session[PROVIDER_CHECKED_SECOND_FACTOR] = any(
            method in methods for method in settings.IOM_SSO_MFA_METHODS
        )
        return user

    def get_user(self, user_id: Any) -> Any:
        user = super().get_user(user_id)
        return user if user is not None and may_sign_in(user) else None
