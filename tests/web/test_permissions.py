"""Every URL for every role, against the permission matrix; object rules; the matrix document."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from iom.accounts.models import ApiToken, Role, User
from iom.accounts.permissions import ACTIONS, API_ACTIONS, PUBLIC, URL_ACTIONS, markdown
from iom.audit.models import AuditEvent
from iom.cases.models import Allocation, IntelligenceCheck, Membership
from iom.governance.models import WhatIfRun
from iom.panels.models import Action, Meeting
from iom.people import models as m
from iom.referrals.models import Referral
from iom.web.demo_scheme import make_schemes

pytestmark = pytest.mark.django_db
DOC = Path(__file__).parents[2] / "docs" / "permissions.md"


def named_urls(resolver: URLResolver | None = None, namespace: str = "") -> list[str]:
    names = []
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names += named_urls(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.append(f"{namespace}{pattern.name}")
    return names


def test_every_url_is_in_the_matrix() -> None:
    missing = sorted(set(named_urls()) - set(URL_ACTIONS) - set(API_ACTIONS))
    assert missing == [], f"URLs with no entry in the permission matrix: {missing}"
    assert all(need == PUBLIC or need in ACTIONS for need in URL_ACTIONS.values())
    assert set(API_ACTIONS.values()) <= set(ACTIONS)


def test_the_document_is_current() -> None:
    assert DOC.read_text() == markdown(), "run `iom permissions-doc --write docs/permissions.md`"


def paths(
    adult: m.Person, run: m.ImportRun, user: User | None = None
) -> dict[str, tuple[str, str]]:
    """A real address and method for each URL name (the state-changing ones are POST).

    With `user`, the referral and the action are theirs, as the object rules need for some steps.
    Signing out everywhere comes last: it ends the session.
    """
    scheme = make_schemes()["derbyshire"]
    kind = scheme.meeting_types.get(kind="operational")
    meeting = Meeting.objects.get_or_create(scheme=scheme, kind=kind, held_on=date(2026, 1, 5))[0]
    referral = Referral.objects.get_or_create(person=adult, scheme=scheme)[0]
    action = None
    member = Membership.objects.get_or_create(
        person=adult, scheme=scheme, defaults={"cohort": "fixed", "start": date(2026, 1, 5)}
    )[0]
    entry = m.IntelligenceFlag.objects.create(person=adult, text="Seen in town")
    check = IntelligenceCheck.objects.create(
        membership=member, entry=entry, checked_by=user or User.objects.first(), flagged=True
    )
    if user is not None:
        Referral.objects.filter(pk=referral.pk).update(referrer=user)
        action = Action.objects.create(
            text="Visit", owner=user, due_on=date(2026, 1, 9), raised_by=user
        )
        Allocation.objects.create(
            membership=member, kind="offender_manager", worker=user, start=date(2026, 1, 6)
        )
    c = f"/cohort/{member.pk}"
    what_if = WhatIfRun.objects.create(
        scheme=scheme,
        asked_by=user or User.objects.first(),
        asked_at=timezone.now(),
        as_of=date(2026, 1, 5),
        proposed_text=scheme.policy_text(),
    )
    key = ApiToken.objects.create(
        user=user or User.objects.first(),
        name="feed",
        prefix="iom_test",
        key_hash=f"{(user.pk if user else 0):064d}",
        expires_at=timezone.now() + timedelta(days=1),
    )
    # An account in the test users' own agency, for the account pages.
    police = User.objects.filter(username__startswith="user-").first()
    staff_member = User.objects.get_or_create(
        username="account-to-manage",
        defaults={"role": "pcso", "agency": police.agency if police else None},
    )[0]
    ended = Membership.objects.create(
        person=adult,
        scheme=scheme,
        cohort="fixed",
        start=date(2025, 1, 5),
        status="ended",
        end_on=date(2025, 7, 5),
        end_reason="positive_progress",
    )
    if user is not None:
        Allocation.objects.create(
            membership=ended,
            kind="offender_manager",
            worker=user,
            start=date(2025, 1, 6),
            end=date(2025, 7, 5),
        )
    return {
        "home": ("get", "/"),
        "api-docs": ("get", "/api/docs"),
        "accounts:password": ("get", "/accounts/password"),
        "accounts:users": ("get", "/accounts/users/"),
        "accounts:user-new": ("get", "/accounts/users/new"),
        "accounts:user": ("get", f"/accounts/users/{staff_member.pk}/"),
        "accounts:user-disable": ("post", f"/accounts/users/{staff_member.pk}/disable"),
        "accounts:user-enable": ("post", f"/accounts/users/{staff_member.pk}/enable"),
        "accounts:user-reset-authenticator": (
            "post",
            f"/accounts/users/{staff_member.pk}/reset-authenticator",
        ),
        "accounts:user-temporary-password": (
            "post",
            f"/accounts/users/{staff_member.pk}/temporary-password",
        ),
        "accounts:agencies": ("get", "/accounts/agencies/"),
        "accounts:api-keys": ("get", "/accounts/api-keys/"),
        "accounts:api-key-revoke": ("post", f"/accounts/api-keys/{key.pk}/revoke"),
        "people:search": ("get", "/people/?q=Adult"),
        "people:detail": ("get", f"/people/{adult.pk}/"),
        "people:movement": ("post", f"/people/{adult.pk}/movements"),
        "people:import": ("get", "/people/imports/"),
        "people:import-report": ("get", f"/people/imports/{run.pk}/"),
        "audit:log": ("get", "/audit/"),
        "schemes:list": ("get", "/schemes/"),
        "schemes:edit": ("get", f"/schemes/{scheme.pk}/edit"),
        "schemes:edit-meeting-type": ("get", f"/schemes/meeting-types/{kind.pk}/edit"),
        "referrals:list": ("get", "/referrals/"),
        "referrals:new": ("get", f"/referrals/new/?person={adult.pk}"),
        "referrals:detail": ("get", f"/referrals/{referral.pk}/"),
        "referrals:complete": ("post", f"/referrals/{referral.pk}/complete"),
        "referrals:score": ("post", f"/referrals/{referral.pk}/score"),
        "referrals:withdraw": ("post", f"/referrals/{referral.pk}/withdraw"),
        "referrals:flag": ("post", f"/referrals/{referral.pk}/flag"),
        "referrals:auto": ("post", "/referrals/automatic"),
        "panels:list": ("get", "/meetings/"),
        "panels:plan": ("post", "/meetings/plan"),
        "panels:detail": ("get", f"/meetings/{meeting.pk}/"),
        "panels:agenda": ("post", f"/meetings/{meeting.pk}/agenda"),
        "panels:attendance": ("post", f"/meetings/{meeting.pk}/attendance"),
        "panels:critical": ("post", f"/meetings/{meeting.pk}/critical"),
        "panels:decide": ("post", f"/meetings/{meeting.pk}/decisions"),
        "panels:raise-action": ("post", f"/meetings/{meeting.pk}/actions"),
        "panels:minutes": ("get", f"/meetings/{meeting.pk}/minutes"),
        "panels:minutes-pdf": ("get", f"/meetings/{meeting.pk}/minutes.pdf"),
        "panels:actions": ("get", "/actions/"),
        "panels:update-action": ("post", f"/actions/{action.pk if action else 0}/update"),
        "notifications:read": ("post", "/notifications/read"),
        "cases:list": ("get", "/cohort/"),
        "cases:mine": ("get", "/cohort/mine/"),
        "cases:due": ("get", "/cohort/due/"),
        "cases:contacts": ("get", "/cohort/contacts/"),
        "cases:detail": ("get", f"{c}/"),
        "cases:review-pdf": ("get", f"{c}/review.pdf"),
        "cases:allocate": ("post", f"{c}/allocations"),
        "cases:plan": ("post", f"{c}/contact-plan"),
        "cases:contact": ("post", f"{c}/contacts"),
        "cases:consent": ("post", f"{c}/consent"),
        "cases:pathway": ("post", f"{c}/pathways"),
        "cases:requirement": ("post", f"{c}/requirements"),
        "cases:enforcement": ("post", f"{c}/enforcement"),
        "cases:intelligence": ("post", f"{c}/intelligence"),
        "cases:notice": ("post", f"{c}/notice"),
        "cases:notice-letter": ("get", f"{c}/notice-letter.pdf"),
        "cases:exit": ("post", f"{c}/exit"),
        "cases:exit-letter": ("get", f"/cohort/{ended.pk}/exit-letter.pdf"),
        "cases:seen": ("post", f"/cohort/flags/{check.pk}/seen"),
        "cases:consent-letter": ("get", f"/people/{adult.pk}/consent-letter.pdf"),
        "cases:checks": ("get", "/intelligence/checks/"),
        "cases:check": ("post", f"/intelligence/checks/{member.pk}/{entry.pk}"),
        "policies:what-if": ("get", "/policies/what-if/"),
        "policies:what-if-run": ("get", f"/policies/what-if/{what_if.pk}"),
        "policies:activate": ("post", "/policies/activate"),
        "governance:impact": ("get", "/impact/"),
        "governance:impact-csv": ("get", "/impact/groups.csv"),
        "governance:episodes-csv": ("post", "/impact/episodes.csv"),
        "governance:fairness": ("get", "/fairness/"),
        "governance:fairness-csv": ("get", "/fairness/rows.csv"),
        "governance:fairness-work-out": ("post", "/fairness/work-out"),
        "governance:sig": ("get", "/reports/sig/?from=2026-01-01&to=2026-03-31"),
        "governance:sig-pdf": ("get", "/reports/sig.pdf?from=2026-01-01&to=2026-03-31"),
        "accounts:sign-out-everywhere": ("post", "/accounts/sign-out-everywhere"),
    }


@pytest.mark.parametrize("role", list(Role))
def test_each_role_gets_exactly_what_the_matrix_gives(
    role: Role, signed_in: Callable[[str], Client], adult: m.Person
) -> None:
    """Allowed: the page, a redirect after a change, or the form again with what is missing (400).
    Refused: 403, whatever the record."""
    client = signed_in(role.value)
    user = User.objects.get(username=f"user-{role.value}")
    run = m.ImportRun.objects.create(source="test", started_by=user)  # a report of their own
    addresses = paths(adult, run, user)
    for name, (method, path) in addresses.items():
        need = URL_ACTIONS[name]
        response = getattr(client, method)(path)
        if role.value in ACTIONS[need].roles:
            expected = (200, 302, 400) if method == "post" else (200,)
            assert response.status_code in expected, (
                f"{role} should reach {name}: {response.status_code}"
            )
        else:
            assert response.status_code == 403, f"{role} must not reach {name}"
    public = {n for n, need in URL_ACTIONS.items() if need == PUBLIC}
    assert set(URL_ACTIONS) - set(addresses) - public == set()


# Every query value the views read, whichever page reads it.
QUERY_NAMES = (
    *("q", "as_of", "page", "scheme", "state", "trigger", "person", "username", "operation"),
    *("record_id", "next", "sso", "from", "to", "cohort", "status", "worker", "team"),
)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.SYSTEM_ADMIN])
@pytest.mark.parametrize("value", ["\u00b2", "9" * 40, "\x00"])
def test_odd_query_values_never_make_a_server_error(
    role: Role, value: str, signed_in: Callable[[str], Client], adult: m.Person
) -> None:
    """A superscript two passes `str.isdigit` and fails `int`; a number past any column's range;
    a NUL, which PostgreSQL refuses in text. Each page answers without a server error."""
    client = signed_in(role.value)
    user = User.objects.get(username=f"user-{role.value}")
    run = m.ImportRun.objects.create(source="test", started_by=user)
    query = urlencode(dict.fromkeys(QUERY_NAMES, value))
    for name, (method, path) in paths(adult, run, user).items():
        if method == "get":
            response = client.get(path + ("&" if "?" in path else "?") + query)
            assert response.status_code < 500, f"{name}: {response.status_code}"


@pytest.mark.parametrize("role", list(Role))
def test_youth_records_only_for_yjs_police_iom_and_coordinators(
    role: Role, signed_in: Callable[[str], Client], youth: m.Person
) -> None:
    response = signed_in(role.value).get(f"/people/{youth.pk}/")
    may = role in (Role.YJS_CASE_MANAGER, Role.POLICE_IOM_OFFICER, Role.PCSO, Role.COORDINATOR)
    # A role that may open adults but not children gets "not found", as for an id that does not
    # exist; a role that may open nobody is refused whoever the id belongs to.
    expected = 200 if may else 404 if role.value in ACTIONS["view_person"].roles else 403
    assert response.status_code == expected


@pytest.mark.parametrize("role", [Role.POLICE_INTELLIGENCE, Role.PROBATION_OM])
def test_youth_do_not_show_in_searches_for_roles_that_cannot_open_them(
    role: Role, signed_in: Callable[[str], Client], youth: m.Person, adult: m.Person
) -> None:
    page = signed_in(role.value).get("/people/?q=Y").content.decode()
    assert "Young" not in page


def test_governance_analysts_see_no_personal_data(
    signed_in: Callable[[str], Client], adult: m.Person
) -> None:
    client = signed_in(Role.GOVERNANCE_ANALYST)
    for path in ("/people/?q=Adult", f"/people/{adult.pk}/", "/people/imports/", "/audit/"):
        assert client.get(path).status_code == 403
    assert "Adult" not in client.get("/").content.decode()


def test_restricted_flags_only_for_their_agency(
    signed_in: Callable[[str], Client], adult: m.Person
) -> None:
    from iom.accounts.models import Agency, AgencyKind

    probation = Agency.objects.create(name="Probation", kind=AgencyKind.PROBATION)
    police = Agency.objects.get(name="Test Police")
    m.IntelligenceFlag.objects.create(
        person=adult, text="Open flag from probation", agency=probation
    )
    m.IntelligenceFlag.objects.create(
        person=adult, text="Police only: source protection", agency=police, restricted=True
    )
    m.IntelligenceFlag.objects.create(
        person=adult, text="Probation only: address", agency=probation, restricted=True
    )
    page = signed_in(Role.POLICE_INTELLIGENCE).get(f"/people/{adult.pk}/").content.decode()
    assert "Open flag from probation" in page
    assert "Police only: source protection" in page
    assert "Probation only: address" not in page


METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE")


def url_views(resolver: URLResolver | None = None, namespace: str = "") -> dict[str, Any]:
    views: dict[str, Any] = {}
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            views |= url_views(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            views[f"{namespace}{pattern.name}"] = pattern.callback
    return views


def test_every_view_declares_its_methods() -> None:
    pages = {n: v for n, v in url_views().items() if n not in API_ACTIONS}  # the API: test_api
    undeclared = [name for name, view in pages.items() if not hasattr(view, "allowed_methods")]
    assert undeclared == []
    for name, view in pages.items():
        assert set(view.allowed_methods) <= {"GET", "HEAD", "POST"}, name


def test_other_methods_are_refused_and_write_nothing(
    signed_in: Callable[[str], Client], adult: m.Person
) -> None:
    """Finding 8: PUT, PATCH, DELETE, OPTIONS and TRACE never reach a view."""
    run = m.ImportRun.objects.create(source="test")
    client = signed_in(Role.COORDINATOR)
    views = {n: v for n, v in url_views().items() if n not in API_ACTIONS}
    addresses = {
        **{n: p for n, (_, p) in paths(adult, run).items()},
        "accounts:sign-in": "/accounts/sign-in",
        "accounts:verify": "/accounts/sign-in/code",
        "accounts:enrol": "/accounts/sign-in/set-up",
        "accounts:sso": "/accounts/sign-in/provider",
        "accounts:sso-callback": "/accounts/sign-in/provider/callback",
        "accounts:sign-out": "/accounts/sign-out",
    }
    assert set(addresses) == set(views)
    before = AuditEvent.objects.count()
    for name, path in addresses.items():
        for method in METHODS:
            if method in views[name].allowed_methods:
                continue
            response = client.generic(method, path)
            assert response.status_code == 405, f"{method} {path}: {response.status_code}"
    assert AuditEvent.objects.count() == before


def test_a_child_record_and_a_missing_record_look_the_same(
    signed_in: Callable[[str], Client], youth: m.Person
) -> None:
    """Finding 14: a role barred from children cannot tell a child's id from an unused one."""
    client = signed_in(Role.PROBATION_OM)
    child = client.get(f"/people/{youth.pk}/")
    missing = client.get(f"/people/{youth.pk + 1000}/")
    assert child.status_code == missing.status_code == 404
    assert without_nonces(child.content) == without_nonces(missing.content)


def without_nonces(content: bytes) -> str:
    """The page without what differs on every response anyway (CSP nonce, CSRF tokens)."""
    return re.sub(r'(nonce|value)="[^"]+"', "", content.decode())


def test_refused_accesses_are_logged(
    signed_in: Callable[[str], Client], youth: m.Person, adult: m.Person
) -> None:
    """Finding 15: a refusal by role and a refusal by record both reach the access log."""
    signed_in(Role.PROBATION_OM).get(f"/people/{youth.pk}/")
    by_record = AuditEvent.objects.get(operation="refused", username="user-probation_om")
    assert (by_record.record_type, by_record.record_id) == ("person", str(youth.pk))
    signed_in(Role.GOVERNANCE_ANALYST).get(f"/people/{adult.pk}/")
    by_role = AuditEvent.objects.get(operation="refused", username="user-governance_analyst")
    assert by_role.description == "refused view_person"
    assert by_role.details == f"GET /people/{adult.pk}/"
