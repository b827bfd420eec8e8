"""Every URL for every role, against the permission matrix; object rules; the matrix document."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from iom.accounts.models import Role
from iom.accounts.permissions import ACTIONS, PUBLIC, URL_ACTIONS, markdown
from iom.people import models as m

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
    missing = sorted(set(named_urls()) - set(URL_ACTIONS))
    assert missing == [], f"URLs with no entry in the permission matrix: {missing}"
    assert all(need == PUBLIC or need in ACTIONS for need in URL_ACTIONS.values())


def test_the_document_is_current() -> None:
    assert DOC.read_text() == markdown(), "run `iom permissions-doc --write docs/permissions.md`"


def paths(adult: m.Person, run: m.ImportRun) -> dict[str, tuple[str, str]]:
    """A real address and method for each URL name (the state-changing ones are POST)."""
    return {
        "home": ("get", "/"),
        "people:search": ("get", "/people/?q=Adult"),
        "people:detail": ("get", f"/people/{adult.pk}/"),
        "people:import": ("get", "/people/imports/"),
        "people:import-report": ("get", f"/people/imports/{run.pk}/"),
        "audit:log": ("get", "/audit/"),
        "accounts:sign-out-everywhere": ("post", "/accounts/sign-out-everywhere"),
    }


@pytest.mark.parametrize("role", list(Role))
def test_each_role_gets_exactly_what_the_matrix_gives(
    role: Role, signed_in: Callable[[str], Client], adult: m.Person
) -> None:
    run = m.ImportRun.objects.create(source="test")
    client = signed_in(role.value)
    for name, (method, path) in paths(adult, run).items():
        need = URL_ACTIONS[name]
        response = getattr(client, method)(path)
        allowed = role.value in ACTIONS[need].roles
        if allowed:
            assert response.status_code in (200, 302), (
                f"{role} should reach {name}: {response.status_code}"
            )
            if response.status_code == 302:
                assert name == "accounts:sign-out-everywhere"
        else:
            assert response.status_code == 403, f"{role} must not reach {name}"
        if name == "accounts:sign-out-everywhere":
            continue
    untested = (
        set(URL_ACTIONS)
        - set(paths(adult, run))
        - {n for n, need in URL_ACTIONS.items() if need == PUBLIC}
    )
    assert untested == set()


@pytest.mark.parametrize("role", list(Role))
def test_youth_records_only_for_yjs_police_iom_and_coordinators(
    role: Role, signed_in: Callable[[str], Client], youth: m.Person
) -> None:
    response = signed_in(role.value).get(f"/people/{youth.pk}/")
    may = role in (Role.YJS_CASE_MANAGER, Role.POLICE_IOM_OFFICER, Role.PCSO, Role.COORDINATOR)
    assert response.status_code == (200 if may else 403)


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
