"""From referral to decision in the browser: an offender manager refers, the coordinator lists the
referral for a meeting, the chair records three agencies present and accepts, and the offender
manager reads the news on their start page (Playwright + Chromium)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from iom.accounts.models import AgencyKind, Role
from iom.cases.models import Membership
from iom.referrals.models import Referral
from tests.e2e.conftest import ARTIFACTS, CHROMIUM
from tests.web import workflow as w
from tests.web.conftest import code_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian chromium is not installed (.ci/run installs it)"
    ),
]


def sign_in(browser: Any, base: str, user: Any) -> Any:
    TOTPDevice.objects.filter(user=user).update(last_t=-1)  # a second sign-in within the same 30 s
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(f"{base}/accounts/sign-in")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password", exact=True).fill(w.PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("6-digit code").fill(code_for(user))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("text=Sign out everywhere")
    return page


def test_refer_list_decide_and_tell(live_server: Any, browser: Any) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    scheme = w.schemes()["derbyshire"]
    om = w.staff(Role.PROBATION_OM, AgencyKind.PROBATION, "olivia-om")
    coordinator = w.staff(Role.COORDINATOR, AgencyKind.POLICE, "carl-coordinator")
    chair = w.staff(Role.PANEL_CHAIR, AgencyKind.POLICE, "priya-chair")
    yjs = w.staff(Role.YJS_CASE_MANAGER, AgencyKind.YOUTH_JUSTICE, "yusuf-yjs")
    for user, (first, last) in (
        (om, ("Olivia", "Owen")),
        (coordinator, ("Carl", "Cole")),
        (chair, ("Priya", "Chand")),
        (yjs, ("Yusuf", "Young")),
    ):
        user.first_name, user.last_name = first, last
        user.save()
    person = w.fixed_candidate("J1", given_name="Jordan")
    base = live_server.url

    # The offender manager refers Jordan from their record.
    page = sign_in(browser, base, om)
    page.goto(f"{base}/people/{person.pk}/")
    page.get_by_role("link", name="Refer to IOM").click()
    page.wait_for_selector("text=Figures from the rules")
    page.get_by_label("Cohort sought").select_option("fixed")
    page.get_by_label("What IOM will offer beyond what is already in place").fill(
        "Daily joint contact and a housing place"
    )
    page.get_by_label("Accommodation").check()
    page.get_by_label("Offender manager").select_option(str(om.pk))
    page.screenshot(path=str(ARTIFACTS / "referral-form.png"), full_page=True)
    page.get_by_role("button", name="Submit the referral").click()
    page.wait_for_selector("text=Listed for a meeting")
    referral = Referral.objects.get(person=person)

    # The coordinator plans the meeting; its agenda lists the referral.
    page = sign_in(browser, base, coordinator)
    page.goto(f"{base}/meetings/")
    page.get_by_label("Meeting").select_option(label=f"{scheme}: Derby City operational meeting")
    page.get_by_label("Date").fill(timezone.localdate().isoformat())
    page.get_by_label("Chair").select_option(str(chair.pk))
    page.get_by_role("button", name="Plan the meeting").click()
    page.get_by_role("button", name="Build the agenda from the records").click()
    page.wait_for_selector("text=Referral to decide")
    assert page.get_by_role("link", name="Jordan J1").is_visible()

    # The chair records who is present and accepts, police and probation agreeing.
    meeting_url = page.url
    page = sign_in(browser, base, chair)
    page.goto(meeting_url)
    page.get_by_text("Record who is present").click()
    for user in (om, chair, yjs):
        page.get_by_label(f"{user.first_name} {user.last_name}", exact=False).first.check()
    page.get_by_role("button", name="Save attendance").click()
    page.get_by_text("Record the decision on Jordan J1").click()
    page.get_by_label("Accepted").check()
    page.get_by_label("Cohort (to accept)").select_option("fixed")
    page.get_by_label("Derbyshire Police", exact=True).check()
    page.get_by_label("Probation East Midlands", exact=True).check()
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_selector("text=Decision recorded for Jordan J1")
    page.screenshot(path=str(ARTIFACTS / "meeting.png"), full_page=True)
    assert Membership.objects.filter(person=person, scheme=scheme, cohort="fixed").exists()

    # The offender manager sees the news on their start page.
    page = sign_in(browser, base, om)
    page.wait_for_selector("text=For you")
    assert page.get_by_text("Referral of Jordan J1 to", exact=False).is_visible()
    referral.refresh_from_db()
    assert referral.state == Referral.State.ACCEPTED
