"""Between the database and the rules: a stored nominal as a rules `Person`, and back (upsert)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from iom.ingest.tables import person_record, person_rows
from iom.people import models as m
from iom.rules import Conviction, CustodyPeriod, Ogrs, Person


def to_rules(person: m.Person) -> Person:
    ogrs = person.ogrs_entries.first()
    return Person(
        id=person.local_id,
        date_of_birth=person.date_of_birth,
        convictions=tuple(
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
        ),
        custody=tuple(
            CustodyPeriod(k.kind, k.start, k.end, k.sentence_days) for k in person.custody.all()
        ),
        pnc_id=person.pnc_id,
        given_name=person.given_name or None,
        family_name=person.family_name or None,
        sex=person.sex or None,
        ethnicity=person.ethnicity or None,
        area=person.area or None,
        ogrs=None if ogrs is None else Ogrs(ogrs.score, ogrs.assessed_on, ogrs.version or None),
        probation_current=person.probation_current,
        mappa_level=person.mappa_level,
        sex_offender_current=person.sex_offender_current,
        em_acquisitive_tag=person.em_acquisitive_tag,
        significant_intelligence=person.significant_intelligence,
        needs=tuple(person.needs.values_list("need", flat=True)),
    )


def feed_digest(person: Person) -> str:
    """A fingerprint of what the feed says about a person: unchanged records are left alone."""
    rows = person_rows(person)
    record = person_record(rows["people"][0], rows["convictions"], rows["custody"])
    return hashlib.sha256(json.dumps(record, sort_keys=True, default=str).encode()).hexdigest()


FEED = "feed"


def store(person: Person, existing: m.Person | None) -> m.Person:
    """Create or update one nominal from the feed; child records are replaced with the feed's."""
    fields: dict[str, Any] = {
        "local_id": person.id, "pnc_id": person.pnc_id, "given_name": person.given_name or "",
        "family_name": person.family_name or "", "date_of_birth": person.date_of_birth, "sex": person.sex or "",
        "ethnicity": person.ethnicity or "", "area": person.area or "", "probation_current": person.probation_current,
        "mappa_level": person.mappa_level, "sex_offender_current": person.sex_offender_current,
        "em_acquisitive_tag": person.em_acquisitive_tag, "significant_intelligence": person.significant_intelligence,
        "feed_digest": feed_digest(person),
    }  # fmt: skip
    if existing is None:
        stored = m.Person.objects.create(**fields)
    else:
        stored = existing
        for name, value in fields.items():
            setattr(stored, name, value)
        stored.save()
        stored.convictions.all().delete()
        stored.custody.all().delete()
        stored.needs.all().delete()
        stored.ogrs_entries.filter(assessor=FEED).delete()
    m.Conviction.objects.bulk_create([
        m.Conviction(person=stored, conviction_id=c.id, offence_code=c.offence_code, offence_date=c.offence_date,
                     conviction_date=c.conviction_date, attempt=c.attempt, conspiracy=c.conspiracy,
                     domestic_abuse=c.domestic_abuse, description=c.description or "")
        for c in person.convictions
    ])  # fmt: skip
    m.CustodyPeriod.objects.bulk_create([
        m.CustodyPeriod(person=stored, kind=k.kind, start=k.start, end=k.end, sentence_days=k.sentence_days)
        for k in person.custody
    ])  # fmt: skip
    m.Need.objects.bulk_create([m.Need(person=stored, need=n) for n in person.needs])
    if person.ogrs is not None:
        m.OgrsEntry.objects.create(person=stored, score=person.ogrs.score, assessed_on=person.ogrs.assessed_on,
                                   version=person.ogrs.version or "", assessor=FEED)  # fmt: skip
    return stored
