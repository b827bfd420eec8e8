"""Between the database and the rules: a stored nominal as a rules `Person`, and back (upsert)."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import date
from functools import lru_cache
from typing import Any

from django.utils import timezone

from iom.bulk import insert_rows, new_ids
from iom.people import models as m
from iom.rules import (
    Assessment,
    Conviction,
    CustodyPeriod,
    Ogrs,
    Person,
    assess,
    load_catalogue,
)


def convictions_of(person: m.Person) -> tuple[Conviction, ...]:
    return tuple(
        Conviction(
            c.conviction_id,
            c.offence_code,
            c.conviction_date,
            c.offence_date,
            c.attempt,
            c.conspiracy,
            c.domestic_abuse,
            c.description or None,
        )
        for c in person.convictions.all()
    )


def custody_of(person: m.Person) -> tuple[CustodyPeriod, ...]:
    return tuple(
        CustodyPeriod(k.kind, k.start, k.end, k.sentence_days) for k in person.custody.all()
    )


# Optional text the database holds as "" for none; `to_rules` reads it back as None.
BLANK_IS_NONE = ("given_name", "family_name", "sex", "ethnicity", "area")


def to_rules(person: m.Person) -> Person:
    ogrs = person.ogrs_entries.first()
    return Person(
        id=person.local_id,
        date_of_birth=person.date_of_birth,
        convictions=convictions_of(person),
        custody=custody_of(person),
        pnc_id=person.pnc_id,
        **{name: getattr(person, name) or None for name in BLANK_IS_NONE},
        ogrs=None if ogrs is None else Ogrs(ogrs.score, ogrs.assessed_on, ogrs.version or None),
        probation_current=person.probation_current,
        mappa_level=person.mappa_level,
        sex_offender_current=person.sex_offender_current,
        em_acquisitive_tag=person.em_acquisitive_tag,
        significant_intelligence=person.significant_intelligence,
        needs=tuple(n.need for n in person.needs.all()),
    )


def assessment_now(person: m.Person, scheme: Any, as_of: date | None = None) -> Assessment:
    """What a scheme's rules (its `policy_id`) say about the person today, or on `as_of`."""
    policy = scheme.policy()
    return assess(to_rules(person), policy, as_of or timezone.localdate(), load_catalogue())


# A person's fields that are lists, fingerprinted in sorted order; every other field as it is.
LISTED = ("convictions", "custody", "needs")
SINGLE = tuple(f.name for f in dataclasses.fields(Person) if f.name not in LISTED)


@lru_cache(maxsize=4096)
def feed_digest(person: Person) -> str:
    """A fingerprint of what the feed says about a person: unchanged records are left alone.

    Every field of the person, the lists sorted so that the order they arrive in does not matter
    (PostgreSQL's collation orders conviction ids differently from the feed). Built from the
    dataclasses' own representations: a force's first load fingerprints a million people.
    The person as it will be held: optional text given empty is held as none.
    """
    person = as_held(person)
    record = (
        tuple(getattr(person, name) for name in SINGLE),
        sorted(map(repr, person.convictions)),
        sorted(map(repr, person.custody)),
        sorted(person.needs),
    )
    return hashlib.sha256(repr(record).encode()).hexdigest()


def as_held(person: Person) -> Person:
    """`person` as it reads back once stored: an optional text given as "" is none."""
    blank_fields = [name for name in BLANK_IS_NONE if getattr(person, name) == ""]
    blank_version = person.ogrs is not None and person.ogrs.version == ""
    if (
        not blank_fields
        and not blank_version
        and all(c.description != "" for c in person.convictions)
    ):
        return person
    return dataclasses.replace(
        person,
        **dict.fromkeys(blank_fields),
        ogrs=dataclasses.replace(person.ogrs, version=None) if blank_version else person.ogrs,
        convictions=tuple(
            dataclasses.replace(c, description=c.description or None) for c in person.convictions
        ),
    )


FEED = "feed"


PERSON_FIELDS = (
    "local_id",
    "pnc_id",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "ethnicity",
    "area",
    "probation_current",
    "mappa_level",
    "sex_offender_current",
    "em_acquisitive_tag",
    "significant_intelligence",
    "feed_digest",
)


def person_fields(person: Person) -> dict[str, Any]:
    return {
        "local_id": person.id,
        "pnc_id": person.pnc_id,
        "given_name": person.given_name or "",
        "family_name": person.family_name or "",
        "date_of_birth": person.date_of_birth,
        "sex": person.sex or "",
        "ethnicity": person.ethnicity or "",
        "area": person.area or "",
        "probation_current": person.probation_current,
        "mappa_level": person.mappa_level,
        "sex_offender_current": person.sex_offender_current,
        "em_acquisitive_tag": person.em_acquisitive_tag,
        "significant_intelligence": person.significant_intelligence,
        "feed_digest": feed_digest(person),
    }


def store_many(changes: list[tuple[Person, m.Person | None]]) -> list[int]:
    """Create or update nominals from the feed in bulk; their child records become the feed's.

    Returns each one's primary key, in the order of `changes`.
    """
    fresh = iter(new_ids(m.Person, sum(existing is None for _, existing in changes)))
    stored = [next(fresh) if existing is None else existing.pk for _, existing in changes]
    now = timezone.now()
    insert_rows(
        m.Person,
        ("id", *PERSON_FIELDS, "address", "updated_at"),
        (
            (pk, *map(person_fields(person).__getitem__, PERSON_FIELDS), "", now)
            for (person, existing), pk in zip(changes, stored, strict=True)
            if existing is None
        ),
    )
    updated = []
    for person, existing in changes:
        if existing is not None:
            for name, value in person_fields(person).items():
                setattr(existing, name, value)
            existing.updated_at = now
            updated.append(existing)
    m.Person.objects.bulk_update(updated, [*PERSON_FIELDS, "updated_at"])
    for model in (m.Conviction, m.CustodyPeriod, m.Need):
        model.objects.filter(person__in=updated).delete()
    m.OgrsEntry.objects.filter(person__in=updated, assessor=FEED).delete()
    _children(list(zip((p for p, _ in changes), stored, strict=True)))
    return stored


def _children(pairs: list[tuple[Person, int]]) -> None:
    insert_rows(
        m.Conviction,
        (
            "person",
            "conviction_id",
            "offence_code",
            "offence_date",
            "conviction_date",
            "attempt",
            "conspiracy",
            "domestic_abuse",
            "description",
        ),
        (
            (
                pk,
                c.id,
                c.offence_code,
                c.offence_date,
                c.conviction_date,
                c.attempt,
                c.conspiracy,
                c.domestic_abuse,
                c.description or "",
            )
            for p, pk in pairs
            for c in p.convictions
        ),
    )
    insert_rows(
        m.CustodyPeriod,
        ("person", "kind", "start", "end", "sentence_days"),
        ((pk, k.kind, k.start, k.end, k.sentence_days) for p, pk in pairs for k in p.custody),
    )
    insert_rows(m.Need, ("person", "need"), ((pk, n) for p, pk in pairs for n in p.needs))
    insert_rows(
        m.OgrsEntry,
        ("person", "score", "assessed_on", "version", "assessor"),
        (
            (pk, p.ogrs.score, p.ogrs.assessed_on, p.ogrs.version or "", FEED)
            for p, pk in pairs
            if p.ogrs is not None
        ),
    )
