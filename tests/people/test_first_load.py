"""A first load into PostgreSQL checks its rows' links to people once, at its end
(`iom.people.first_load`): the keys are dropped for the load and put back exactly as they were,
whether the load ends well, fails part-way, or was stopped by force and a later import finds it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

from iom.people import first_load, importer
from iom.people import models as m
from iom.people.importer import import_file

EXTRACT = Path(__file__).parents[2] / "examples" / "extract"

pytestmark = pytest.mark.django_db(transaction=True)  # each batch of a first load commits


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite drops a foreign key only by rebuilding its table; it loads in time")


def links_to_people() -> set[tuple[str, str, str]]:
    """The foreign keys to people as PostgreSQL holds them: table, name and definition."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND confrelid = 'people_person'::regclass"
        )
        return set(cursor.fetchall())


def feed_links(links: set[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
    tables = {model._meta.db_table for model in first_load.FEED_TABLES}
    return {link for link in links if link[0] in tables}


def watching_batches(monkeypatch: pytest.MonkeyPatch, fail_at: int | None = None) -> list[set]:
    """The links held while each batch loads (two people a batch); batch `fail_at` fails."""
    seen: list[set] = []
    real = importer._load_batch

    def load(*args: object) -> None:
        seen.append(links_to_people())
        if len(seen) == fail_at:
            raise RuntimeError("the database went away")
        real(*args)

    monkeypatch.setattr(importer, "BATCH", 2)
    monkeypatch.setattr(importer, "_load_batch", load)
    return seen


def test_a_first_load_sets_the_feed_links_aside_and_puts_them_back_as_they_were(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = links_to_people()
    assert len(feed_links(before)) == len(first_load.FEED_TABLES)
    seen = watching_batches(monkeypatch)
    run = import_file(EXTRACT)
    assert run.created == 4
    assert [feed_links(links) for links in seen] == [set(), set()]
    assert all(links == before - feed_links(before) for links in seen)
    assert links_to_people() == before
    assert not m.SetAsideLink.objects.exists()


def test_a_load_into_a_database_holding_people_keeps_its_links(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import_file(EXTRACT)
    before = links_to_people()
    seen = watching_batches(monkeypatch)
    assert import_file(EXTRACT.parent / "people.jsonl").created > 0
    assert seen
    assert all(links == before for links in seen)


def test_a_first_load_that_fails_part_way_puts_the_links_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = links_to_people()
    watching_batches(monkeypatch, fail_at=2)
    with pytest.raises(RuntimeError):
        import_file(EXTRACT)
    assert m.ImportRun.objects.get().status == m.ImportRun.Status.FAILED
    assert m.Person.objects.count() == 2
    assert links_to_people() == before
    assert not m.SetAsideLink.objects.exists()


def test_links_left_aside_by_a_stopped_load_are_put_back_by_the_next_import() -> None:
    before = links_to_people()
    first_load._set_aside()  # as a load killed before it could put them back leaves them
    assert feed_links(links_to_people()) == set()
    assert m.SetAsideLink.objects.count() == len(first_load.FEED_TABLES)
    import_file(EXTRACT)
    assert links_to_people() == before
    assert not m.SetAsideLink.objects.exists()


def orphan_need() -> int:
    """A need naming no one held, as a record could while the links are aside; its person id."""
    person = m.Person.objects.create(local_id="P1", date_of_birth="1990-01-01")
    first_load._set_aside()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO people_need (person_id, need) VALUES (%s, 'accommodation')",
            [person.pk + 1000],
        )
    return person.pk + 1000


def test_putting_a_link_back_checks_every_row() -> None:
    """A row naming no one held is refused when the key goes back, and the key stays noted."""
    nobody = orphan_need()
    with pytest.raises(first_load.LinksNotRestored, match=f"a need names person {nobody},"):
        first_load.put_back()
    assert m.SetAsideLink.objects.count() == len(first_load.FEED_TABLES)
    m.Need.objects.filter(person_id=nobody).delete()
    first_load.put_back()
    assert not m.SetAsideLink.objects.exists()


def test_an_import_that_cannot_put_the_links_back_says_which_record_stops_it() -> None:
    nobody = orphan_need()
    with pytest.raises(first_load.LinksNotRestored):
        import_file(EXTRACT)
    run = m.ImportRun.objects.get()
    assert run.status == m.ImportRun.Status.FAILED
    assert run.failure.startswith(f"The import stopped: a need names person {nobody}, who is not")
    assert m.Person.objects.count() == 1  # it stopped before loading anything
    assert m.SetAsideLink.objects.count() == len(first_load.FEED_TABLES)
