"""Fixtures for the web app: users of each role with a real authenticator, signed in the real way."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from iom.accounts.models import Agency, AgencyKind, Role, User
from iom.people import models as m
from tests.identity_provider import Provider, running_provider

PASSWORD = "correct-horse-battery-staple"


def code_for(user: User, offset: int = 0) -> str:
    """The device's code now, or `offset` time steps away (a wrong one for the tests)."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset * device.step
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    police = Agency.objects.get_or_create(name="Test Police", defaults={"kind": AgencyKind.POLICE})[
        0
    ]

    def make(
        role: str = Role.COORDINATOR, username: str | None = None, device: bool = True
    ) -> User:
        user = User.objects.create_user(
            username or f"user-{role}", password=PASSWORD, role=role, agency=police
        )
        if device:
            TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        return user

    return make


def sign_in(client: Client, user: User, code: str | None = None) -> Any:
    response = client.post("/accounts/sign-in", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return client.post("/accounts/sign-in/code", {"code": code or code_for(user)})


@pytest.fixture
def signed_in(make_user: Callable[..., User]) -> Callable[[str], Client]:
    def as_role(role: str) -> Client:
        client = Client()
        response = sign_in(client, make_user(role))
        assert response.status_code == 302
        assert response["Location"] == "/"
        return client

    return as_role


@pytest.fixture
def adult(db: Any) -> m.Person:
    person = m.Person.objects.create(
        local_id="A1",
        pnc_id="2001/0000001A",
        given_name="Adam",
        family_name="Adult",
        date_of_birth=date(1990, 1, 1),
        probation_current=True,
    )
    m.Conviction.objects.create(
        person=person,
        conviction_id="C1",
        offence_code="02803",
        conviction_date=date.today().replace(day=1),
    )
    m.OgrsEntry.objects.create(
        person=person, score=66, assessed_on=date(2025, 1, 1), version="OGRS3", assessor="feed"
    )
    return person


@pytest.fixture
def youth(db: Any) -> m.Person:
    today = date.today()
    return m.Person.objects.create(
        local_id="Y1",
        given_name="Yasmin",
        family_name="Young",
        date_of_birth=today.replace(year=today.year - 15, day=1),
    )


@pytest.fixture
def identity_provider(settings: Any) -> Iterator[Provider]:
    """A loopback OpenID Connect provider, with iom's single sign-on pointed at it."""
    with running_provider() as provider:
        for name, value in provider.settings().items():
            setattr(settings, name, value)
        settings.AUTHENTICATION_BACKENDS = [
            *settings.AUTHENTICATION_BACKENDS,
            "iom.accounts.backends.IdentityProviderBackend",
        ]
        yield provider
