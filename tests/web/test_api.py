"""The API: keys made on their page (shown once, expiring, revocable), every call as the key's
owner may and in the access log, person records in through the importer's checks."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from iom.accounts.models import ApiToken, Role, User
from iom.accounts.services import make_token
from iom.audit.models import AuditEvent
from iom.people import models as m

pytestmark = pytest.mark.django_db


def key_for(role: str, make_user: Callable[..., User]) -> str:
    user = User.objects.filter(role=role).first() or make_user(role)
    return make_token(user, "test", 30)[1]


def call(method: str, path: str, key: str | None, **kwargs: object) -> object:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return getattr(Client(), method)(path, **headers, **kwargs)


def test_a_key_is_made_once_on_its_page_and_reads_as_its_owner(
    signed_in: Callable[[str], Client], adult: m.Person
) -> None:
    page = signed_in(Role.COORDINATOR).post(
        "/accounts/api-keys/", {"name": "case system", "days": "30"}
    )
    key = re.search(r'id="new-key">([^<]+)<', page.content.decode()).group(1)
    stored = ApiToken.objects.get()
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest()  # only its hash is kept
    assert key not in (stored.key_hash, stored.prefix)
    response = call("get", "/api/people/A1", key)
    assert response.status_code == 200
    assert response.json()["family_name"] == "Adult"
    event = AuditEvent.objects.filter(description="API: read A1").get()
    assert event.username == f"user-{Role.COORDINATOR}"
    assessed = call("get", "/api/people/A1/assessments?as_of=2025-01-01", key).json()
    assert assessed == []  # no schemes yet


def test_no_key_a_wrong_one_an_expired_one_and_a_revoked_one_are_refused(
    make_user: Callable[..., User], adult: m.Person
) -> None:
    key = key_for(Role.COORDINATOR, make_user)
    assert call("get", "/api/people/A1", None).status_code == 401
    assert call("get", "/api/people/A1", "iom_not-a-key").status_code == 401
    token = ApiToken.objects.get()
    token.expires_at = timezone.now() - timedelta(seconds=1)
    token.save()
    assert call("get", "/api/people/A1", key).status_code == 401
    token.expires_at = timezone.now() + timedelta(days=1)
    token.revoked_at = timezone.now()
    token.save()
    assert call("get", "/api/people/A1", key).status_code == 401


def test_the_api_allows_what_the_role_allows(
    make_user: Callable[..., User], adult: m.Person, youth: m.Person
) -> None:
    analyst = key_for(Role.GOVERNANCE_ANALYST, make_user)
    assert call("get", "/api/people/A1", analyst).status_code == 404  # as if absent
    assert call("get", "/api/memberships", analyst).status_code == 403
    probation = key_for(Role.PROBATION_OM, make_user)
    assert call("get", f"/api/people/{youth.local_id}", probation).status_code == 404
    assert call("get", "/api/people/A1", probation).status_code == 200
    assert call("get", "/api/referrals", probation).status_code == 200
    assert AuditEvent.objects.filter(operation="refused", record_type="api").count() == 3


def test_person_records_go_in_through_the_importers_checks(
    make_user: Callable[..., User],
) -> None:
    records = [
        {"id": "API1", "date_of_birth": "1990-01-01", "convictions": []},
        {"id": "API2", "date_of_birth": "1990-13-45", "convictions": []},
    ]
    key = key_for(Role.COORDINATOR, make_user)
    result = call("post", "/api/people", key, data=records, content_type="application/json")
    assert result.status_code == 200
    body = result.json()
    assert (body["created"], body["rejected"]) == (1, 1)
    assert "date_of_birth" in body["problems"][0]
    assert m.Person.objects.filter(local_id="API1").exists()
    again = call("post", "/api/people", key, data=records[:1], content_type="application/json")
    assert again.json()["unchanged"] == 1
    om = key_for(Role.PROBATION_OM, make_user)
    refused = call("post", "/api/people", om, data=records[:1], content_type="application/json")
    assert refused.status_code == 403


def test_the_schema_is_published_for_signed_in_staff(signed_in: Callable[[str], Client]) -> None:
    assert Client().get("/api/openapi.json").status_code == 302  # to the sign-in page
    schema = signed_in(Role.PCSO).get("/api/openapi.json").json()
    assert {"/api/people/{local_id}", "/api/memberships", "/api/referrals", "/api/people"} <= set(
        schema["paths"]
    )
    docs = signed_in(Role.COORDINATOR).get("/api/docs").content.decode()
    assert "GET /api/people/{local_id}" in docs


def test_a_revoked_key_is_logged_and_only_its_owner_may_revoke_it(
    signed_in: Callable[[str], Client], make_user: Callable[..., User]
) -> None:
    other = make_user(Role.PCSO, username="other")
    token, _ = make_token(other, "theirs", 10)
    client = signed_in(Role.COORDINATOR)
    assert client.post(f"/accounts/api-keys/{token.pk}/revoke").status_code == 404
    mine, _ = make_token(User.objects.get(username=f"user-{Role.COORDINATOR}"), "mine", 10)
    client.post(f"/accounts/api-keys/{mine.pk}/revoke")
    mine.refresh_from_db()
    assert mine.revoked_at is not None
    assert AuditEvent.objects.filter(
        record_type="api token", description__startswith="revoked"
    ).exists()


def test_a_referral_is_made_through_the_forms_own_checks(
    make_user: Callable[..., User],
) -> None:
    from iom.referrals.models import Referral
    from tests.web import workflow as w

    w.schemes()
    person = w.fixed_candidate()
    coordinator = make_user(Role.COORDINATOR)
    key = make_token(coordinator, "case system", 30)[1]
    given = {"person_id": "FIX1", "scheme": "derbyshire", "iom_offer": ""}
    missing = call("post", "/api/referrals", key, data=given, content_type="application/json")
    assert missing.status_code == 422
    assert "iom_offer" in missing.json()["detail"]
    given["iom_offer"] = "Joint police and probation management with housing support"
    made = call("post", "/api/referrals", key, data=given, content_type="application/json")
    assert made.status_code == 200, made.content
    referral = Referral.objects.get(pk=made.json()["id"])
    assert (referral.person, referral.referrer) == (person, coordinator)
    analyst = key_for(Role.GOVERNANCE_ANALYST, make_user)
    refused = call("post", "/api/referrals", analyst, data=given, content_type="application/json")
    assert refused.status_code == 404  # may not see the person at all


def test_text_with_a_nul_character_is_refused_not_a_server_error(
    make_user: Callable[..., User],
) -> None:
    """PostgreSQL cannot store or compare NUL; the fuzzing test once found a 500 here."""
    from tests.web import workflow as w

    w.schemes()
    w.fixed_candidate()
    key = key_for(Role.COORDINATOR, make_user)
    offer = "Joint police and probation management"
    for given in (
        {"person_id": "FIX\x001", "scheme": "derbyshire", "iom_offer": offer},
        {"person_id": "FIX1", "scheme": "derbyshire", "iom_offer": offer, "answers": {"a": "\x00"}},
    ):
        made = call("post", "/api/referrals", key, data=given, content_type="application/json")
        assert made.status_code == 422, made.content
        assert "NUL" in made.content.decode()
    assert call("get", "/api/people/FIX%001", key).status_code == 404
    record = {
        "id": "NUL1",
        "given_name": "A\x00B",
        "date_of_birth": "1990-01-01",
        "convictions": [],
    }
    imported = call("post", "/api/people", key, data=[record], content_type="application/json")
    assert imported.status_code == 200, imported.content
    assert imported.json()["rejected"] == 1
    assert not m.Person.objects.filter(local_id="NUL1").exists()
