"""Single sign-on through the force's OpenID Connect provider (a real one on loopback)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from iom.accounts.models import ProviderDevice, Role, User
from iom.accounts.views import SSO_FAILED
from iom.audit.models import AuditEvent, Operation
from tests.identity_provider import CLIENT_ID, Provider, new_key
from tests.web.conftest import code_for

pytestmark = pytest.mark.django_db
FAILED = "/accounts/sign-in?sso=failed"


def through_provider(client: Client, provider: Provider, following: str = "") -> Any:
    """Start at the site, sign in at the provider, come back: the site's answer."""
    start = client.get("/accounts/sign-in/provider" + (f"?next={following}" if following else ""))
    assert start.status_code == 302
    assert start["Location"].startswith(f"{provider.issuer}/authorize?")
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302, at_provider.text
    back = urlsplit(at_provider.headers["Location"])
    assert back.path == "/accounts/sign-in/provider/callback"
    return client.get(f"{back.path}?{back.query}")


@pytest.fixture
def officer(make_user: Callable[..., User]) -> User:
    user = make_user(Role.POLICE_IOM_OFFICER, device=False)
    user.email = "pat.officer@police.example"
    user.save()
    return user


def test_a_second_factor_at_the_provider_signs_in_without_a_code(
    identity_provider: Provider, officer: User
) -> None:
    identity_provider.person = {
        "sub": "p-1",
        "email": "Pat.Officer@police.example",
        "amr": ["pwd", "mfa"],
    }
    client = Client()
    response = through_provider(client, identity_provider, following="/people/")
    assert response.status_code == 302
    assert response["Location"] == "/people/"
    assert client.get("/").status_code == 200
    assert ProviderDevice.objects.filter(user=officer).count() == 1
    assert not TOTPDevice.objects.filter(user=officer).exists()  # no authenticator was set up


def test_without_a_second_factor_the_sites_code_is_asked(
    identity_provider: Provider, officer: User
) -> None:
    TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    identity_provider.person = {"sub": "p-1", "email": officer.email, "amr": ["pwd"]}
    client = Client()
    response = through_provider(client, identity_provider)
    assert response["Location"] == "/accounts/sign-in/code"
    assert client.get("/").status_code == 302  # not signed in yet
    response = client.post("/accounts/sign-in/code", {"code": code_for(officer)})
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_without_a_second_factor_or_an_authenticator_one_is_set_up(
    identity_provider: Provider, officer: User
) -> None:
    identity_provider.person = {"sub": "p-1", "email": officer.email}
    response = through_provider(Client(), identity_provider)
    assert response["Location"] == "/accounts/sign-in/set-up"


def test_roles_come_from_iom_not_the_provider(identity_provider: Provider, officer: User) -> None:
    identity_provider.person = {
        "sub": "p-1",
        "email": officer.email,
        "amr": ["mfa"],
        "roles": ["system_admin"],
        "groups": ["admins"],
    }
    client = Client()
    through_provider(client, identity_provider)
    officer.refresh_from_db()
    assert officer.role == Role.POLICE_IOM_OFFICER
    assert client.get("/accounts/users/").status_code == 403


@pytest.mark.parametrize(
    "who",
    [
        {"sub": "p-2", "email": "someone.else@police.example", "amr": ["mfa"]},  # no account
        {"sub": "p-3", "amr": ["mfa"]},  # no email claim
    ],
)
def test_a_person_without_an_account_is_refused(
    identity_provider: Provider, officer: User, who: dict[str, Any]
) -> None:
    identity_provider.person = who
    client = Client()
    response = through_provider(client, identity_provider)
    assert response["Location"] == FAILED
    assert SSO_FAILED in client.get(FAILED).content.decode().replace("&#39;", "'")
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(
        operation=Operation.REFUSED, description="single sign-on refused"
    ).exists()


@pytest.mark.parametrize("change", ["disable", "demo"])
def test_a_disabled_or_demo_account_is_refused(
    identity_provider: Provider, officer: User, settings: Any, change: str
) -> None:
    if change == "disable":
        officer.is_active = False
    else:
        officer.is_demo = True
        settings.IOM_DEMO = False
    officer.save()
    identity_provider.person = {"sub": "p-1", "email": officer.email, "amr": ["mfa"]}
    client = Client()
    assert through_provider(client, identity_provider)["Location"] == FAILED
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    "tamper",
    [
        {"aud": "another-service"},
        {"iss": "http://127.0.0.1:1/impostor"},
        {"nonce": "not-the-one-sent"},
        {"exp": 1_000_000_000},  # expired in 2001
    ],
)
def test_an_id_token_not_meant_for_this_site_is_refused(
    identity_provider: Provider, officer: User, tamper: dict[str, Any]
) -> None:
    identity_provider.person = {"sub": "p-1", "email": officer.email, "amr": ["mfa"]}
    identity_provider.tamper = tamper
    client = Client()
    assert through_provider(client, identity_provider)["Location"] == FAILED
    assert client.get("/").status_code == 302


def test_an_id_token_signed_by_another_key_is_refused(
    identity_provider: Provider, officer: User
) -> None:
    identity_provider.person = {"sub": "p-1", "email": officer.email, "amr": ["mfa"]}
    identity_provider.signing_key = new_key()
    client = Client()
    assert through_provider(client, identity_provider)["Location"] == FAILED
    assert client.get("/").status_code == 302


def test_the_way_back_works_once(identity_provider: Provider, officer: User) -> None:
    identity_provider.person = {"sub": "p-1", "email": officer.email, "amr": ["mfa"]}
    client = Client()
    start = client.get("/accounts/sign-in/provider")
    back = urlsplit(
        requests.get(start["Location"], allow_redirects=False, timeout=10).headers["Location"]
    )
    assert client.get(f"{back.path}?{back.query}").status_code == 302
    client.post("/accounts/sign-out")
    replay = client.get(f"{back.path}?{back.query}")
    assert replay.status_code in (302, 400)
    assert replay.get("Location", FAILED) == FAILED
    assert client.get("/").status_code == 302


def test_the_sign_in_page_offers_the_provider_only_when_set_up(
    identity_provider: Provider, settings: Any
) -> None:
    page = Client().get("/accounts/sign-in?next=/people/").content.decode()
    assert "Sign in with Test Constabulary account" in page
    assert "/accounts/sign-in/provider?next=%2Fpeople%2F" in page
    settings.IOM_SSO = False
    assert "Sign in with" not in Client().get("/accounts/sign-in").content.decode()
    assert Client().get("/accounts/sign-in/provider").status_code == 404
    assert Client().get("/accounts/sign-in/provider/callback?code=x&state=y").status_code == 404


def test_a_provider_that_cannot_be_reached_is_a_refusal_not_an_error(
    identity_provider: Provider, officer: User, settings: Any
) -> None:
    identity_provider.person = {"sub": "p-1", "email": officer.email, "amr": ["mfa"]}
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/token"  # nothing listens there
    assert through_provider(Client(), identity_provider)["Location"] == FAILED


def test_refusals_at_the_provider_do_not_lock_anyone_out(
    identity_provider: Provider, officer: User
) -> None:
    """Everyone at a station shares one address: people without an account trying single sign-on
    must not lock single sign-on (or passwords) for the others."""
    identity_provider.person = {"sub": "p-9", "email": "nobody@police.example", "amr": ["mfa"]}
    for _ in range(6):
        assert through_provider(Client(), identity_provider)["Location"] == FAILED
    identity_provider.person = {"sub": "p-1", "email": officer.email, "amr": ["mfa"]}
    client = Client()
    assert through_provider(client, identity_provider)["Location"] == "/"
    assert client.get("/").status_code == 200


def test_signing_out_signs_out_at_the_provider_too(
    identity_provider: Provider, officer: User, settings: Any, make_user: Callable[..., User]
) -> None:
    settings.OIDC_OP_LOGOUT_ENDPOINT = f"{identity_provider.issuer}/logout"
    identity_provider.person = {"sub": "p-1", "email": officer.email, "amr": ["mfa"]}
    client = Client()
    assert through_provider(client, identity_provider).status_code == 302
    away = client.post("/accounts/sign-out")
    assert away.status_code == 302
    where = urlsplit(away["Location"])
    assert f"{where.scheme}://{where.netloc}{where.path}" == f"{identity_provider.issuer}/logout"
    query = parse_qs(where.query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["post_logout_redirect_uri"] == ["http://testserver/accounts/sign-in"]
    hint = jwt.decode(query["id_token_hint"][0], options={"verify_signature": False})
    assert hint["email"] == officer.email
    assert client.get("/people/").status_code == 302  # signed out here as well
    # Someone who signed in with a password here is only signed out here.
    password_user = make_user(Role.COORDINATOR)
    other = Client()
    other.force_login(password_user, backend="iom.accounts.backends.StaffBackend")
    assert other.post("/accounts/sign-out")["Location"] == "/accounts/sign-in"
