"""A coordinator signs in with a TOTP code, searches, opens a person and reads why (Playwright + Chromium)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from iom.accounts.models import Role
from iom.people import models as m
from iom.people.importer import import_file
from tests.e2e.conftest import ARTIFACTS, CHROMIUM
from tests.web.conftest import PASSWORD, code_for

EXAMPLES = Path(__file__).parents[2] / "examples"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian chromium is not installed (.ci/run installs it)"
    ),
]


@pytest.fixture
def browser_page(browser: Any) -> Any:
    return browser.new_page(viewport={"width": 1280, "height": 1000})


def test_sign_in_search_open_a_person_and_read_why(
    live_server: Any, browser_page: Any, make_user: Any, adult: m.Person, tmp_path: Path
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    user = make_user(Role.COORDINATOR)
    extract = tmp_path / "extract.jsonl"
    bad = {
        "id": "BAD1",
        "date_of_birth": "1990-13-45",
        "convictions": [{"id": "C1", "offence_code": "99999", "conviction_date": "2025-01-01"}],
    }
    extract.write_text((EXAMPLES / "people.jsonl").read_text() + json.dumps(bad) + "\n")
    run = import_file(extract)
    page = browser_page
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(f"{live_server.url}/")
    # GOV.UK Frontend ran under the Content-Security-Policy: its nonce'd inline script marked the
    # body, and its modules set up the password field's "Show" button.
    assert "govuk-frontend-supported" in (page.locator("body").get_attribute("class") or "")
    assert page.get_by_role("button", name="Show password").is_visible()
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("6-digit code").fill(code_for(user))
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Find a person").fill("Adult")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Adam Adult").click()
    page.wait_for_selector("text=Assessments on")
    reasons = page.locator(".iom-reason").all_inner_texts()
    assert any(
        "Fixed: neighbourhood crime conviction in the last 12 months at liberty" in text
        for text in reasons
    )
    assert page.locator("text=Who has looked at this record").is_visible()
    page.screenshot(path=str(ARTIFACTS / "person-page.png"), full_page=True)
    page.goto(f"{live_server.url}/people/imports/{run.pk}/")
    page.wait_for_selector("text=Import report")
    assert page.locator("text=is not in the offence catalogue").is_visible()
    page.screenshot(path=str(ARTIFACTS / "import-report.png"), full_page=True)
    assert (ARTIFACTS / "person-page.png").stat().st_size > 10_000
    assert blocked == []
    # On a phone (390 px wide) nothing runs off the side: wide tables scroll inside their box.
    page.set_viewport_size({"width": 390, "height": 844})
    for path in (f"/people/{adult.pk}/", "/people/?q=a", "/audit/", "/people/imports/"):
        page.goto(f"{live_server.url}{path}")
        width, visible = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        wide = page.evaluate(
            """Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !e.closest('.iom-table-scroll')).map(e => e.tagName + '.' + e.className + ':' + (e.textContent || '').slice(0, 40)).slice(0, 6)"""
        )
        assert width <= visible, f"{path} is {width} px wide at {visible} px: {wide}"
    page.goto(f"{live_server.url}/people/{adult.pk}/")
    page.screenshot(path=str(ARTIFACTS / "person-page-390.png"), full_page=True)
