"""Search: bounded words and length, and still finds people every way staff look (finding 6)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client

from iom.accounts.models import Role
from iom.people import models as m
from iom.people.search import MAX_LENGTH, MAX_WORDS

pytestmark = pytest.mark.django_db


@pytest.fixture
def sam(db: object) -> m.Person:
    person = m.Person.objects.create(
        local_id="S1",
        pnc_id="2004/0123456A",
        given_name="Samuel",
        family_name="Okafor",
        date_of_birth=date(2004, 8, 19),
    )
    m.Alias.objects.create(person=person, given_name="Sammy", family_name="Oak")
    return person


@pytest.mark.parametrize(
    "query",
    [
        "Okafor",
        "samuel okafor",
        "Sammy",
        "Oak",
        "2004/0123456A",
        "2004/0123456a",
        "S1",
        "2004-08-19",
        "19/08/2004",
        "19-08-2004",
        "19.08.2004",
        "19 August 2004",
        "19 Aug 2004",
    ],
)
def test_finds_by_name_alias_pnc_id_or_date_of_birth(
    signed_in: Callable[[str], Client], sam: m.Person, query: str
) -> None:
    page = signed_in(Role.POLICE_IOM_OFFICER).get("/people/", {"q": query}).content.decode()
    assert "1 person found" in page
    assert "Samuel Okafor" in page


def test_every_word_must_match(signed_in: Callable[[str], Client], sam: m.Person) -> None:
    page = (
        signed_in(Role.POLICE_IOM_OFFICER).get("/people/", {"q": "Samuel Smith"}).content.decode()
    )
    assert "0 people found" in page


@pytest.mark.parametrize(
    "query",
    [
        " ".join(["smith"] * 70),
        "x" * 60_000,
        " ".join(["a"] * (MAX_WORDS + 1)),
        "y" * (MAX_LENGTH + 1),
    ],
)
def test_long_queries_get_a_message_not_a_crash(
    signed_in: Callable[[str], Client], sam: m.Person, query: str
) -> None:
    response = signed_in(Role.POLICE_IOM_OFFICER).get("/people/", {"q": query})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "<title>Error: People" in page
    assert "Search for at most" in page


def test_the_longest_allowed_query_runs(signed_in: Callable[[str], Client], sam: m.Person) -> None:
    words = " ".join(["okafor"] * MAX_WORDS)
    response = signed_in(Role.POLICE_IOM_OFFICER).get("/people/", {"q": words})
    assert "1 person found" in response.content.decode()


def test_control_characters_in_a_query_are_harmless(
    signed_in: Callable[[str], Client], sam: m.Person
) -> None:
    """PostgreSQL refuses NUL in text: a query or a log filter holding one must not give a 500."""
    client = signed_in(Role.COORDINATOR)
    assert client.get("/people/", {"q": "Oka\x00for"}).status_code == 200
    assert client.get("/audit/", {"username": "x\x00y", "record_id": "\x00"}).status_code == 200


def test_a_common_name_reads_a_bounded_number_of_matches_then_orders_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from iom.people import search

    for n, given in enumerate(["Ula", "Tia", "Sol", "Rex", "Quin"]):
        m.Person.objects.create(
            local_id=f"COMMON{n}",
            given_name=given,
            family_name="Common",
            date_of_birth=date(1990, 1, 1),
        )
    m.Person.objects.create(local_id="OTHER", family_name="Else", date_of_birth=date(1990, 1, 1))
    monkeypatch.setattr(search, "CANDIDATES", 3)
    found = list(search.found(search.Query.parse("common")))
    assert len(found) == 3
    assert all(p.family_name == "Common" for p in found)
    assert [p.given_name for p in found] == sorted(p.given_name for p in found)
    [by_id] = search.found(search.Query.parse("common3"))
    assert by_id.given_name == "Rex"


def test_postgresql_has_the_search_indexes() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the search indexes are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'people_%%_trgm'")
        names = {row[0] for row in cursor.fetchall()}
    assert names == {
        "people_person_given_name_trgm",
        "people_person_family_name_trgm",
        "people_alias_given_name_trgm",
        "people_alias_family_name_trgm",
    }
