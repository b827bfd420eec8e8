"""The governance group's view in the browser: the coordinator reads the impact and
disproportionality pages and downloads the SIG report; the governance analyst's menu holds the
aggregate pages only (Playwright + Chromium, on the demo's two years of panels)."""

from __future__ import annotations

from typing import Any

import pytest

from iom.accounts.models import AgencyKind, Role
from tests.e2e.conftest import ARTIFACTS, CHROMIUM
from tests.e2e.test_referral_journey import sign_in
from tests.web import workflow as w

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian chromium is not installed (.ci/run installs it)"
    ),
]


def test_impact_fairness_and_the_sig_report(live_server: Any, browser: Any) -> None:
    from iom.web.demo import load_people, make_scheme_at_work, make_users

    ARTIFACTS.mkdir(exist_ok=True)
    make_users()
    load_people(1500)
    make_scheme_at_work()
    coordinator = w.staff(Role.COORDINATOR, AgencyKind.POLICE, "carl-coordinator")
    analyst = w.staff(Role.GOVERNANCE_ANALYST, AgencyKind.LOCAL_AUTHORITY, "gail-analyst")
    base = live_server.url

    page = sign_in(browser, base, coordinator)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Impact").click()
    page.get_by_label("Scheme").select_option(label="Derbyshire County and Derby City IOM")
    page.get_by_role("button", name="Show").click()
    page.wait_for_selector("text=Offending before and after joining")
    assert page.locator("img.iom-chart").count() >= 1
    headings = page.locator("h2").all_inner_texts()
    assert "Derbyshire County and Derby City IOM" in headings
    assert "Nottinghamshire YJS IOM" not in headings
    page.screenshot(path=str(ARTIFACTS / "impact.png"), full_page=True)

    page.get_by_role("link", name="Disproportionality").click()
    page.wait_for_selector("text=Relative rate index at each stage")
    page.screenshot(path=str(ARTIFACTS / "fairness.png"))

    page.get_by_role("link", name="SIG report", exact=True).first.click()
    page.wait_for_selector("text=1. Cohort size and flow")
    page.screenshot(path=str(ARTIFACTS / "sig-report.png"))
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this report (PDF)").click()
    assert download.value.suggested_filename.startswith("sig-report-")
    assert download.value.path().read_bytes().startswith(b"%PDF")

    page = sign_in(browser, base, analyst)
    menu = page.locator(".govuk-service-navigation__list").inner_text()
    assert "Impact" in menu
    assert "SIG report" in menu
    for personal in ("People", "Referrals", "Cohort", "Meetings"):
        assert personal not in menu

    # On a phone the reports fit: wide tables scroll inside their box, charts shrink.
    page = sign_in(browser, base, coordinator)
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/", "/impact/", "/fairness/", "/reports/sig/", "/accounts/users/"):
        page.goto(f"{base}{path}")
        width, visible = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert width <= visible, f"{path} is {width} px wide at {visible} px"
