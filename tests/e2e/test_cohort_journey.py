"""A morning on the cohort in the browser: the intelligence officer flags an entry to the case
manager, the case manager sees it on My cohort and records a contact, and the coordinator prints
the 3-month notice letter and records that it was given (Playwright + Chromium)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from iom.accounts.models import AgencyKind, Role
from iom.cases import services as cases
from iom.cases.models import Membership
from tests.e2e.conftest import ARTIFACTS, CHROMIUM
from tests.e2e.test_referral_journey import sign_in
from tests.web import workflow as w

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian chromium is not installed (.ci/run installs it)"
    ),
]


def named(role: str, kind: str, username: str, first: str, last: str) -> Any:
    user = w.staff(role, kind, username)
    user.first_name, user.last_name = first, last
    user.save()
    return user


def test_flag_see_contact_and_notice(live_server: Any, browser: Any) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    today = timezone.localdate()
    scheme = w.schemes()["derbyshire"]
    om = named(Role.PROBATION_OM, AgencyKind.PROBATION, "olivia-om", "Olivia", "Owen")
    coordinator = named(Role.COORDINATOR, AgencyKind.POLICE, "carl-coord", "Carl", "Cole")
    intel = named(Role.POLICE_INTELLIGENCE, AgencyKind.POLICE, "ian-intel", "Ian", "Ince")
    officer = named(Role.POLICE_IOM_OFFICER, AgencyKind.POLICE, "pat-officer", "Pat", "Page")
    person = w.person("J2", date(1990, 1, 1), given_name="Jamie")
    member = Membership.objects.create(
        person=person, scheme=scheme, cohort="fixed", start=today - timedelta(days=100)
    )
    cases.allocate(coordinator, member, "offender_manager", om, member.start)
    cases.allocate(coordinator, member, "police_officer", officer, member.start)
    cases.record_intelligence(intel, person, "Seen with a known handler", "Patrol", "B2P", False)
    base = live_server.url

    # The intelligence officer's morning check: flag the entry to the case manager.
    page = sign_in(browser, base, intel)
    page.get_by_role("link", name="Intelligence check").click()
    page.wait_for_selector("text=Seen with a known handler")
    page.get_by_label("Flag to the case manager").check()
    page.get_by_label("What the case manager needs to know").fill("Raise it at the home visit")
    page.screenshot(path=str(ARTIFACTS / "intelligence-check.png"), full_page=True)
    page.get_by_role("button", name="Mark checked").click()
    page.wait_for_selector("text=Nothing new to check")

    # The case manager sees the flag on My cohort and records a contact.
    page = sign_in(browser, base, om)
    page.goto(f"{base}/cohort/mine/")
    page.wait_for_selector("text=Raise it at the home visit")
    page.screenshot(path=str(ARTIFACTS / "my-cohort.png"), full_page=True)
    page.get_by_role("link", name="Jamie J2").click()
    page.get_by_text("Record a contact").click()
    page.locator("#id_contact-on").fill(today.isoformat())
    page.locator("#id_contact-kind").select_option("home_visit")
    page.locator("#id_contact-outcome_0").check()
    page.locator("#id_contact-note").fill("Talked through the flag; agreed a curfew check")
    page.get_by_role("button", name="Record the contact").click()
    page.wait_for_selector("text=Contact recorded")
    assert member.contacts.get().outcome == "attended"

    # The coordinator prints the notice letter and records that it was given.
    page = sign_in(browser, base, coordinator)
    page.goto(f"{base}/cohort/{member.pk}/")
    page.wait_for_selector("text=Tell the member deselection is being considered")
    with page.expect_download() as download:
        page.get_by_role("link", name="Print the notice letter (PDF)").click()
    assert download.value.suggested_filename == "notice-letter-J2.pdf"
    page.get_by_text("Record that the notice was given").click()
    page.locator("#id_notice-on").fill(today.isoformat())
    page.get_by_role("button", name="Record the notice").click()
    page.wait_for_selector("text=Notice recorded")
    page.screenshot(path=str(ARTIFACTS / "member-page.png"), full_page=True)
    member.refresh_from_db()
    assert member.status == Membership.Status.EXIT_PERIOD
    assert member.notice_given_on == today

    # The cohort list: its pages in a sub navigation, the one open marked, and columns that sort.
    other = w.person("K3", date(1985, 1, 1), given_name="Kim")
    Membership.objects.create(
        person=other, scheme=scheme, cohort="flex", start=today - timedelta(days=300)
    )
    page.goto(f"{base}/cohort/")
    current = page.locator('.moj-sub-navigation__link[aria-current="page"]')
    assert current.inner_text() == "Cohort"
    first_member = page.locator("tbody tr").first.locator("td").first
    page.get_by_role("button", name="Joined").click()
    assert first_member.inner_text() == "Kim K3"
    page.get_by_role("button", name="Joined").click()
    assert first_member.inner_text() == "Jamie J2"
    # The MoJ filter: a filter applied shows as a tag that removes it.
    page.get_by_label("Cohort (optional)").select_option("flex")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_selector(".moj-filter__tag")
    assert page.locator("tbody tr").count() == 1
    page.screenshot(path=str(ARTIFACTS / "cohort-list.png"), full_page=True)
    page.get_by_role("link", name="Remove this filter Flex").click()
    page.wait_for_selector("text=2 members")
