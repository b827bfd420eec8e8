"""Held people screened in bulk (`iom.people.held`) say what the rules core says of each one, as
`to_rules` reads them from the database, under both policies, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from iom.people import models as m
from iom.people.held import Screened, screen_held
from iom.people.records import to_rules
from iom.rules import Person, assess, load_catalogue, load_policy
from tests.screening.helpers import POLICIES
from tests.strategies import populations

pytestmark = pytest.mark.django_db


def hold(person: Person, n: int) -> None:
    """Store a rules person as the app holds one, with the blanks, the older and undated OGRS
    entries and the descriptions a real record has."""
    stored = m.Person.objects.create(
        local_id=person.id,
        pnc_id=f"2020/{n:07d}A" if n % 2 else None,
        given_name="" if n % 3 else "Sam",
        date_of_birth=person.date_of_birth,
        area="Derby City",
        probation_current=person.probation_current,
        mappa_level=person.mappa_level,
        sex_offender_current=person.sex_offender_current,
        em_acquisitive_tag=person.em_acquisitive_tag,
        significant_intelligence=person.significant_intelligence,
    )
    m.Conviction.objects.bulk_create(
        m.Conviction(
            person=stored,
            conviction_id=c.id,
            offence_code=c.offence_code,
            offence_date=c.offence_date,
            conviction_date=c.conviction_date,
            attempt=c.attempt,
            conspiracy=c.conspiracy,
            domestic_abuse=c.domestic_abuse,
            description=c.description or "",
        )
        for c in person.convictions
    )
    m.CustodyPeriod.objects.bulk_create(
        m.CustodyPeriod(
            person=stored, kind=k.kind, start=k.start, end=k.end, sentence_days=k.sentence_days
        )
        for k in person.custody
    )
    m.Need.objects.bulk_create(m.Need(person=stored, need=need) for need in person.needs)
    if person.ogrs is None:
        return
    # an undated entry and an older one, which the rules pass over for the latest
    m.OgrsEntry.objects.create(person=stored, score=99.0, assessed_on=None)
    m.OgrsEntry.objects.create(person=stored, score=1.0, assessed_on=date(2001, 1, 1))
    m.OgrsEntry.objects.create(
        person=stored,
        score=person.ogrs.score,
        assessed_on=date(2020, 1, 1) if n % 4 else None,
        version=person.ogrs.version or "",
    )
    if n % 4 == 0:  # no entry is dated: the newest undated one counts
        m.OgrsEntry.objects.filter(person=stored, score__in=(1.0,)).update(assessed_on=None)


def as_the_core_says(stored: m.Person, policy_id: str, as_of: date) -> Screened:
    person = to_rules(stored)
    found = assess(person, load_policy(policy_id), as_of, load_catalogue())
    refer = "refer" if found.refer_to_selection_meeting else "do_not_refer"
    return Screened(
        stored.pk,
        found.outcome or refer,
        found.cohort,
        found.priority_tier,
        found.css_score,
        person.ogrs_score,
        found.matrix_score,
    )


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(populations(max_size=12))
def test_held_people_screen_as_the_core_assesses_them(
    population: tuple[date, list[Person]],
) -> None:
    as_of, people = population
    m.Person.objects.all().delete()
    for n, person in enumerate(people):
        hold(person, n)
    held = m.Person.objects.prefetch_related("convictions", "custody", "needs", "ogrs_entries")
    for policy_id in POLICIES:
        screened = screen_held(held, load_policy(policy_id), as_of, load_catalogue())
        expected = [as_the_core_says(p, policy_id, as_of) for p in held.order_by("pk")]
        assert screened == expected


def test_only_the_people_asked_for_are_screened() -> None:
    today = date(2026, 11, 27)
    for n, pid in enumerate(("A1", "A2", "B1")):
        stored = m.Person.objects.create(
            local_id=pid,
            date_of_birth=date(1990, 1, 1),
            area="Derby City" if pid < "B" else "Leeds",
        )
        m.Conviction.objects.create(
            person=stored,
            conviction_id=f"C{n}",
            offence_code="00806",
            conviction_date=today - timedelta(days=30),
        )
    derby = m.Person.objects.filter(area="Derby City")
    screened = screen_held(derby, load_policy("derbyshire-2021"), today, load_catalogue())
    assert [s.person for s in screened] == list(derby.order_by("pk").values_list("pk", flat=True))


@pytest.mark.django_db(transaction=True)  # the read must open its own transaction
def test_the_tables_are_read_as_they_stood_at_one_moment(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite's read transaction sees one snapshot by itself")
    import psycopg

    from iom.ingest.loading import connect
    from iom.people import held

    person = m.Person.objects.create(local_id="SNAP1", date_of_birth=date(1990, 1, 1))
    settings = connection.settings_dict
    copied = held._copy

    def an_import_commits_meanwhile(con: Any, name: str, rows: Any, columns: Any) -> None:
        copied(con, name, rows, columns)
        if name == "held_people":
            with psycopg.connect(
                dbname=settings["NAME"],
                user=settings["USER"],
                host=settings["HOST"],
                port=settings["PORT"] or 5432,
                autocommit=True,
            ) as other:
                other.execute(
                    "INSERT INTO people_conviction (person_id, conviction_id, offence_code, "
                    "conviction_date, attempt, conspiracy, domestic_abuse, description) "
                    "VALUES (%s, 'LATE', '02803', '2026-01-01', false, false, false, '')",
                    [person.pk],
                )

    monkeypatch.setattr(held, "_copy", an_import_commits_meanwhile)
    con = connect()
    held.load_held(con, m.Person.objects.all())
    assert con.execute("SELECT count(*) FROM raw_convictions").fetchone() == (0,)
    monkeypatch.setattr(held, "_copy", copied)
    held.load_held(con, m.Person.objects.all())
    assert con.execute("SELECT id FROM raw_convictions").fetchall() == [("LATE",)]


def test_screenings_kept_for_a_day_are_read_back_for_any_part(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The nightly steps share one screening of a scheme's people: a part of people screened
    before is read back as a screening of that part would say, and anyone not screened before
    under that policy and day is screened."""
    from iom.people import held

    today = date(2026, 11, 27)
    for n, (pid, area) in enumerate((("A1", "Derby City"), ("A2", "Leeds"), ("B1", "Derby City"))):
        stored = m.Person.objects.create(local_id=pid, date_of_birth=date(1990, 1, 1), area=area)
        m.Conviction.objects.create(
            person=stored,
            conviction_id=f"C{n}",
            offence_code="00806" if n else "02803",
            conviction_date=today - timedelta(days=30),
        )
    screens = []
    monkeypatch.setattr(
        held, "screen_held", lambda *asked: screens.append(asked) or screen_held(*asked)
    )
    kept, catalogue = held.Screenings(), load_catalogue()
    everyone, derby = m.Person.objects.all(), m.Person.objects.filter(area="Derby City")
    for policy_id in POLICIES:
        policy = load_policy(policy_id)
        assert kept.of(everyone, policy, today, catalogue) == screen_held(
            everyone, policy, today, catalogue
        )
        assert kept.of(derby, policy, today, catalogue) == screen_held(
            derby, policy, today, catalogue
        )
    assert len(screens) == len(POLICIES)  # once a policy: the part was read back
    policy = load_policy(POLICIES[0])
    kept.of(derby, policy, today + timedelta(days=1), catalogue)
    m.Person.objects.create(local_id="C1", date_of_birth=date(1990, 1, 1), area="Derby City")
    assert [s.person for s in kept.of(derby, policy, today, catalogue)] == list(
        derby.order_by("pk").values_list("pk", flat=True)
    )
    assert len(screens) == len(POLICIES) + 2  # another day, then someone not screened before
