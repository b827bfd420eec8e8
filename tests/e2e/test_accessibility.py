"""Each kind of page a coordinator reaches, checked with axe-core against WCAG 2.2 A and AA
(Playwright + Chromium, on the demo scheme at work). GOV.UK Frontend's components are built to
pass; this checks how the pages put them together: labels, headings, contrast, landmarks."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from iom.accounts.models import AgencyKind, Role
from iom.cases.models import Membership
from tests.e2e.conftest import CHROMIUM
from tests.web import workflow as w
from tests.web.conftest import code_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian chromium is not installed (.ci/run installs it)"
    ),
]

AXE = Path(__file__).parents[2] / "node_modules" / "axe-core" / "axe.min.js"
STANDARD = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
KINDS_OF_PAGE = 40
NOT_FOLLOWED = re.compile(r"sign-out|\.pdf|\.csv|/static/|/api/")
VIOLATIONS = """
async (standard) => (await axe.run(document, {runOnly: {type: "tag", values: standard}}))
  .violations.map(v => `${v.id} (${v.impact}): ${v.help}: ` +
                       v.nodes.slice(0, 3).map(n => n.target.join(" ")).join("; "))
"""


def signed_in(browser: Any, base: str, user: Any, found: list[str]) -> Any:
    """A page signed in as `user` (the sign-in pages checked on the way), allowed to add
    axe-core despite the site's script policy."""
    TOTPDevice.objects.filter(user=user).update(last_t=-1)
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/accounts/sign-in")
    found += violations(page, "/accounts/sign-in")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password", exact=True).fill(w.PASSWORD)
    page.get_by_role("button", name="Continue").click()
    found += violations(page, "/accounts/sign-in/code")
    page.get_by_label("6-digit code").fill(code_for(user))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("text=Sign out everywhere")
    return page


def violations(page: Any, path: str) -> list[str]:
    page.add_script_tag(path=str(AXE))
    return [f"{path}: {found}" for found in page.evaluate(VIOLATIONS, STANDARD)]


def test_every_kind_of_page_meets_wcag_2_2_aa(live_server: Any, browser: Any) -> None:
    from iom.web.demo import load_people, make_scheme_at_work, make_users

    assert AXE.exists(), "axe-core comes from npm: make install"
    make_users()
    load_people(200)
    make_scheme_at_work()
    found: list[str] = []
    coordinator = w.staff(Role.COORDINATOR, AgencyKind.POLICE, "carl-coordinator")
    page = signed_in(browser, live_server.url, coordinator, found)
    kinds, queue = set(), ["/"]
    while queue and len(kinds) < KINDS_OF_PAGE:
        path = queue.pop(0)
        kind = re.sub(r"\d+", "N", path.split("?")[0])
        if kind in kinds:
            continue
        kinds.add(kind)
        response = page.goto(live_server.url + path)
        if response is None or response.status != 200:
            continue
        found += violations(page, path)
        hrefs = page.eval_on_selector_all(
            "a[href^='/']", "links => links.map(a => a.getAttribute('href'))"
        )
        queue += [h for h in hrefs if not NOT_FOLLOWED.search(h)]
    assert len(kinds) > 20
    found += with_errors(page, live_server.url)
    assert found == []


def with_errors(page: Any, base: str) -> list[str]:
    """A member page after a form sent empty: the error summary and the fields it links to."""
    member = Membership.objects.current().order_by("pk").first()
    assert member is not None
    page.goto(f"{base}/cohort/{member.pk}/")
    form = page.locator("details", has_text="Record a warning, breach, recall or arrest")
    form.get_by_text("Record a warning, breach, recall or arrest").click()
    form.get_by_role("button", name="Save").click()
    page.wait_for_selector(".govuk-error-summary")
    assert page.title().startswith("Error: ")
    link = page.locator(".govuk-error-summary").get_by_role("link", name="Enter outcome")
    assert page.locator(link.get_attribute("href")).is_visible()  # it leads to the field
    return violations(page, f"/cohort/{member.pk}/ with errors")
