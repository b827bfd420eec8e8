"""Administering accounts: add (temporary password, changed at first sign-in), change, disable a
leaver (sessions end), reset an authenticator; coordinators for their own agency only."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from iom.accounts.models import Agency, AgencyKind, Role, User
from iom.audit.models import AuditEvent
from tests.web.conftest import PASSWORD, sign_in

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-long-new-passphrase-42"


def add(client: Client, **fields: object) -> str:
    agency = Agency.objects.get(name="Test Police")
    data = {
        "username": "nina",
        "first_name": "Nina",
        "last_name": "New",
        "email": "nina@example.org",
        "role": Role.PCSO,
        "agency": agency.pk,
        **fields,
    }
    page = client.post("/accounts/users/new", data).content.decode()
    found = re.search(r'class="iom-secret">([^<]+)<', page)
    assert found, page[:2000]
    return found.group(1)


def code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def test_a_new_user_signs_in_with_the_temporary_password_then_sets_up_and_changes_it(
    signed_in: Callable[[str], Client],
) -> None:
    temporary = add(signed_in(Role.SYSTEM_ADMIN))
    nina = User.objects.get(username="nina")
    assert nina.must_change_password
    client = Client()
    response = client.post("/accounts/sign-in", {"username": "nina", "password": temporary})
    assert response["Location"] == "/accounts/sign-in/set-up"
    client.get("/accounts/sign-in/set-up")
    device = TOTPDevice.objects.get(user=nina)
    assert client.post("/accounts/sign-in/set-up", {"code": code(device)}).status_code == 302
    assert client.get("/")["Location"] == "/accounts/password"  # nothing else until it is changed
    weak = client.post("/accounts/password", {"password": "short", "again": "short"})
    assert "too short" in weak.content.decode()
    client.post("/accounts/password", {"password": NEW_PASSWORD, "again": NEW_PASSWORD})
    assert client.get("/").status_code == 200  # still signed in
    nina.refresh_from_db()
    assert not nina.must_change_password
    assert nina.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(
        record_type="user", description__startswith="added nina"
    ).exists()


def test_a_leaver_is_disabled_and_signed_out_at_once(
    signed_in: Callable[[str], Client], make_user: Callable[..., User]
) -> None:
    admin = signed_in(Role.COORDINATOR)
    leaver = make_user(Role.PROBATION_OM, username="leaver")
    theirs = Client()
    sign_in(theirs, leaver)
    assert theirs.get("/").status_code == 200
    admin.post(f"/accounts/users/{leaver.pk}/disable", {"reason": "Left the service"})
    assert theirs.get("/").status_code == 302
    response = theirs.post("/accounts/sign-in", {"username": "leaver", "password": PASSWORD})
    assert response.status_code == 200  # refused, in the usual words
    event = AuditEvent.objects.filter(description="disabled leaver").get()
    assert event.reason == "Left the service"


def test_a_reset_authenticator_means_setting_one_up_again(
    signed_in: Callable[[str], Client], make_user: Callable[..., User]
) -> None:
    admin = signed_in(Role.SYSTEM_ADMIN)
    lost = make_user(Role.PCSO, username="lost-phone")
    admin.post(f"/accounts/users/{lost.pk}/reset-authenticator", {"reason": "Phone lost"})
    assert not TOTPDevice.objects.filter(user=lost).exists()
    response = Client().post("/accounts/sign-in", {"username": "lost-phone", "password": PASSWORD})
    assert response["Location"] == "/accounts/sign-in/set-up"


def test_a_coordinator_manages_only_their_own_agency_and_never_makes_a_system_admin(
    signed_in: Callable[[str], Client],
) -> None:
    client = signed_in(Role.COORDINATOR)
    other = Agency.objects.create(name="Probation", kind=AgencyKind.PROBATION)
    outsider = User.objects.create_user("outsider", role=Role.PROBATION_OM, agency=other)
    assert client.get(f"/accounts/users/{outsider.pk}/").status_code == 404
    assert "outsider" not in client.get("/accounts/users/").content.decode()
    page = client.post(
        "/accounts/users/new",
        {
            "username": "boss",
            "email": "boss@example.org",
            "role": Role.SYSTEM_ADMIN,
            "agency": Agency.objects.get(name="Test Police").pk,
        },
    ).content.decode()
    assert "Select a valid choice" in page
    assert not User.objects.filter(username="boss").exists()
    assert client.get("/accounts/agencies/").status_code == 403


def test_the_system_admin_adds_an_agency(signed_in: Callable[[str], Client]) -> None:
    client = signed_in(Role.SYSTEM_ADMIN)
    client.post("/accounts/agencies/", {"name": "Derby City Council", "kind": "local_authority"})
    assert Agency.objects.filter(name="Derby City Council").exists()
    again = client.post("/accounts/agencies/", {"name": "derby city council", "kind": "other"})
    assert "There is already an agency with this name" in again.content.decode()


def test_reading_a_staff_account_is_logged(signed_in: Callable[[str], Client]) -> None:
    client = signed_in(Role.SYSTEM_ADMIN)
    add(client)
    nina = User.objects.get(username="nina")
    assert client.get(f"/accounts/users/{nina.pk}/").status_code == 200
    event = AuditEvent.objects.filter(record_type="user", record_id=str(nina.pk)).latest("id")
    assert (event.operation, event.description) == ("consultation", "read account nina")
