"""Between the database and the rules: a stored nominal as a rules `Person`, and back (upsert)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.utils import timezone

from iom.bulk import insert_rows, insert_table, new_ids
from iom.ingest.feed import CONVICTION, CUSTODY, FeedPerson
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


# The model's names for `iom.ingest.feed.CONVICTION`, in the same order.
CONVICTION_COLUMNS = tuple("conviction_id" if name == "id" else name for name in CONVICTION)


def person_fields(person: FeedPerson) -> dict[str, Any]:
    """The nominal's own columns as the feed gives them (the store holds no text as "")."""
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
        "feed_digest": person.digest,
    }


def store_many(
    changes: list[tuple[FeedPerson, m.Person | None]],
    convictions: pa.Table,
    custody: pa.Table,
) -> list[int]:
    """Create or update nominals from the feed in bulk; their child records become the feed's.

    `convictions` and `custody` are the feed's rows (`Feed.convictions`, `Feed.custody`): those
    of people not in `changes` are passed over. Returns each one's primary key, in the order of
    `changes`.
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
    pks = {person.id: pk for (person, _), pk in zip(changes, stored, strict=True)}
    _children(pks, [p for p, _ in changes], convictions, custody)
    return stored


def _keyed(rows: pa.Table, pks: dict[str, int]) -> pa.Table:
    """`rows` with their first column, the feed's person id, swapped for the stored person's
    key; the rows of anyone not in `pks` are left out."""
    ids = rows.column(0)
    found = pc.index_in(ids, value_set=pa.array(list(pks), ids.type))
    keys = pc.take(pa.array(list(pks.values()), pa.int64()), found)
    return rows.set_column(0, "person", keys).filter(pc.is_valid(found))


def _children(
    pks: dict[str, int],
    people: list[FeedPerson],
    convictions: pa.Table,
    custody: pa.Table,
) -> None:
    convictions = _keyed(convictions, pks)
    at = convictions.schema.get_field_index("description")
    described = convictions.column(at).fill_null("")  # held as "" for none
    convictions = convictions.set_column(at, "description", described)
    insert_table(m.Conviction, ("person", *CONVICTION_COLUMNS), convictions)
    insert_table(m.CustodyPeriod, ("person", *CUSTODY), _keyed(custody, pks))
    insert_rows(m.Need, ("person", "need"), ((pks[p.id], n) for p in people for n in p.needs))
    insert_rows(
        m.OgrsEntry,
        ("person", "score", "assessed_on", "version", "assessor"),
        (
            (pks[p.id], p.ogrs_score, p.ogrs_assessed_on, p.ogrs_version or "", FEED)
            for p in people
            if p.ogrs_score is not None
        ),
    )
