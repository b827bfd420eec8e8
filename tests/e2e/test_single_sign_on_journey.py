"""An officer signs in through the force's identity provider in a real browser (Playwright)."""

from __future__ import annotations

from typing import Any

import pytest

from iom.accounts.models import Role
from tests.e2e.conftest import CHROMIUM
from tests.identity_provider import Provider

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian chromium is not installed (.ci/run installs it)"
    ),
]


def test_sign_in_through_the_provider_and_land_on_the_page_asked_for(
    live_server: Any, browser: Any, make_user: Any, identity_provider: Provider
) -> None:
    officer = make_user(Role.POLICE_IOM_OFFICER, device=False)
    officer.email = "pat.officer@police.example"
    officer.save()
    identity_provider.person = {"sub": "p-1", "email": officer.email, "amr": ["pwd", "mfa"]}
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/people/")
    page.get_by_role("button", name="Sign in with Test Constabulary account").click()
    page.wait_for_url(f"{live_server.url}/people/")
    assert page.get_by_label("Name, alias, PNC id or date of birth").is_visible()
    assert page.get_by_role("button", name="Sign out", exact=True).is_visible()
