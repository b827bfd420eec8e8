"""Sign-in: password then TOTP, enrolment, lockout, replay, session rotation, CSRF, timeouts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from iom.accounts.models import Role, User
from iom.accounts.views import NOT_RIGHT
from iom.audit.models import AuditEvent
from tests.web.conftest import PASSWORD, code_for, sign_in

pytestmark = pytest.mark.django_db


def test_every_page_needs_a_signed_in_user(client: Client) -> None:
    for path in ("/", "/people/?q=smith", "/people/1/", "/audit/", "/people/imports/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/sign-in?next=")


def test_password_then_code_signs_in(make_user: Callable[..., User]) -> None:
    user = make_user(Role.COORDINATOR)
    client = Client()
    response = sign_in(client, user)
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_password_alone_is_not_enough(make_user: Callable[..., User]) -> None:
    user = make_user()
    client = Client()
    client.post("/accounts/sign-in", {"username": user.username, "password": PASSWORD})
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    ("username", "password"), [("user-coordinator", "wrong-password-1"), ("nobody-here", PASSWORD)]
)
def test_failures_never_say_which_part_was_wrong(
    make_user: Callable[..., User], username: str, password: str
) -> None:
    make_user()
    response = Client().post("/accounts/sign-in", {"username": username, "password": password})
    assert response.status_code == 200
    assert NOT_RIGHT in response.content.decode()


def test_wrong_code_is_refused_with_the_same_words(make_user: Callable[..., User]) -> None:
    user = make_user()
    response = sign_in(Client(), user, code=code_for(user, offset=-10))
    assert response.status_code == 200
    assert NOT_RIGHT in response.content.decode()


def test_lockout_after_five_failures_even_with_the_right_password(
    make_user: Callable[..., User],
) -> None:
    user = make_user()
    client = Client()
    for _ in range(5):
        client.post(
            "/accounts/sign-in", {"username": user.username, "password": "not-the-password"}
        )
    response = client.post("/accounts/sign-in", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 403
    assert NOT_RIGHT in response.content.decode()


def test_a_code_works_once_per_time_step(make_user: Callable[..., User]) -> None:
    user = make_user()
    code = code_for(user)
    first = Client()
    assert sign_in(first, user, code).status_code == 302
    second = Client()
    response = sign_in(second, user, code)
    assert response.status_code == 200
    assert NOT_RIGHT in response.content.decode()


def test_signing_in_starts_a_new_session(make_user: Callable[..., User]) -> None:
    user = make_user()
    client = Client()
    client.get("/accounts/sign-in")
    client.post("/accounts/sign-in", {"username": user.username, "password": PASSWORD})
    before = client.session.session_key
    client.post("/accounts/sign-in/code", {"code": code_for(user)})
    assert client.session.session_key != before


def test_csrf_is_enforced(make_user: Callable[..., User]) -> None:
    user = make_user()
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/sign-in", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 403


def test_idle_sessions_end_after_thirty_minutes(make_user: Callable[..., User]) -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    user = make_user()
    client = Client()
    sign_in(client, user)
    session = client.session
    session.set_expiry(-1)  # as if 30 minutes passed with no request
    session.save()
    assert client.get("/").status_code == 302


def test_sign_out_everywhere_ends_other_sessions(make_user: Callable[..., User]) -> None:
    user = make_user()
    desk, phone = Client(), Client()
    sign_in(desk, user)
    user.refresh_from_db()
    TOTPDevice.objects.filter(user=user).update(
        last_t=-1
    )  # let the same step's code be used again here
    sign_in(phone, user)
    assert desk.get("/").status_code == 200
    phone.post("/accounts/sign-out-everywhere")
    assert desk.get("/").status_code == 302
    assert phone.get("/").status_code == 302


def test_sign_out(make_user: Callable[..., User]) -> None:
    client = Client()
    sign_in(client, make_user())
    client.post("/accounts/sign-out")
    assert client.get("/").status_code == 302


def test_first_sign_in_enrols_an_authenticator(make_user: Callable[..., User]) -> None:
    user = make_user(device=False)
    client = Client()
    response = client.post("/accounts/sign-in", {"username": user.username, "password": PASSWORD})
    assert response["Location"] == "/accounts/sign-in/set-up"
    page = client.get("/accounts/sign-in/set-up").content.decode()
    assert "<svg" in page
    assert "Set up your authenticator app" in page
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    device.confirmed = True  # code_for reads confirmed devices
    device.save()
    code = code_for(user)
    device.confirmed = False
    device.save()
    assert client.post("/accounts/sign-in/set-up", {"code": code}).status_code == 302
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.get("/").status_code == 200


def test_sessions_from_before_sign_out_everywhere_are_refused(
    make_user: Callable[..., User],
) -> None:
    user = make_user()
    client = Client()
    sign_in(client, user)
    User.objects.filter(pk=user.pk).update(
        sessions_valid_from=timezone.now() + timedelta(seconds=1)
    )
    assert client.get("/").status_code == 302


def test_a_locked_account_cannot_finish_signing_in_at_the_code_step(
    make_user: Callable[..., User],
) -> None:
    """Finding 1: wrong codes lock the account, and the same half-signed-in session stays locked out."""
    user = make_user()
    client = Client()
    client.post("/accounts/sign-in", {"username": user.username, "password": PASSWORD})
    answers = [
        client.post("/accounts/sign-in/code", {"code": code_for(user, offset=-10 - n)}).status_code
        for n in range(5)
    ]
    assert answers[:4] == [200] * 4
    assert answers[4] == 403
    response = client.post("/accounts/sign-in/code", {"code": code_for(user)})
    assert response.status_code == 403
    assert client.get("/").status_code == 302  # not signed in
    assert AccessAttempt.objects.filter(username=user.username).exists()  # the lock stands
    assert AuditEvent.objects.filter(operation="refused", record_type="sign-in").exists()


def test_a_lock_set_elsewhere_stops_a_session_waiting_at_the_code_step(
    make_user: Callable[..., User],
) -> None:
    user = make_user()
    waiting = Client()
    waiting.post("/accounts/sign-in", {"username": user.username, "password": PASSWORD})
    attacker = Client()
    for _ in range(5):
        attacker.post("/accounts/sign-in", {"username": user.username, "password": "not-it-at-all"})
    response = waiting.post("/accounts/sign-in/code", {"code": code_for(user)})
    assert response.status_code == 403
    assert NOT_RIGHT in response.content.decode()
    assert waiting.get("/").status_code == 302


def test_lockout_is_by_username_and_address_and_ends_after_the_cool_off(
    make_user: Callable[..., User],
) -> None:
    """Finding 13: one address cannot lock an officer out everywhere, and a lock does not last."""
    assert timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    user = make_user()
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(5):
        attacker.post("/accounts/sign-in", {"username": user.username, "password": "guessing-1234"})
    locked = attacker.post("/accounts/sign-in", {"username": user.username, "password": PASSWORD})
    assert locked.status_code == 403
    at_the_station = Client(REMOTE_ADDR="192.0.2.20")
    assert sign_in(at_the_station, user).status_code == 302
    assert at_the_station.get("/").status_code == 200
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    TOTPDevice.objects.filter(user=user).update(last_t=-1)  # the same step's code again, here only
    later = Client(REMOTE_ADDR="203.0.113.9")
    assert sign_in(later, user).status_code == 302
    assert later.get("/").status_code == 200


def test_demo_users_are_refused_when_demo_mode_is_off(make_user: Callable[..., User]) -> None:
    """Finding 10: production settings turn demo mode off; demo users then cannot sign in or stay."""
    user = make_user()
    User.objects.filter(pk=user.pk).update(is_demo=True)
    client = Client()
    assert sign_in(client, user).status_code == 302
    with override_settings(IOM_DEMO=False):
        assert client.get("/").status_code == 302  # the session ended
        response = Client().post(
            "/accounts/sign-in", {"username": user.username, "password": PASSWORD}
        )
        assert response.status_code == 200
        assert NOT_RIGHT in response.content.decode()


def test_a_page_with_errors_says_so_in_its_title(make_user: Callable[..., User]) -> None:
    make_user()
    page = (
        Client()
        .post("/accounts/sign-in", {"username": "user-coordinator", "password": "x"})
        .content.decode()
    )
    assert "<title>Error: Sign in" in page
