"""Work out each held person's feed fingerprint again, the way the importer now does (in DuckDB).

The importer's fingerprint changed form. Without this, the first import after upgrading would
find every person changed, rewrite them all and log an alteration for each one that never
happened. What is held of the feed (the person's own fields, convictions, custody, needs and the
feed's OGRS entry) is what the feed last said: the import stores people whole.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import connection, migrations

CHUNK = 20_000
PERSON = (
    "pk",
    "local_id",
    "date_of_birth",
    "pnc_id",
    "given_name",
    "family_name",
    "sex",
    "ethnicity",
    "area",
    "probation_current",
    "mappa_level",
    "sex_offender_current",
    "em_acquisitive_tag",
    "significant_intelligence",
)
CONVICTION = (
    "conviction_id",
    "offence_code",
    "conviction_date",
    "offence_date",
    "attempt",
    "conspiracy",
    "domestic_abuse",
    "description",
)


def refingerprint(apps: Any, schema_editor: Any) -> None:
    """Chunk by chunk of keys, read as plain rows (model objects for a million people would
    take most of an hour)."""
    from iom.ingest.feed import digests

    person_model = apps.get_model("people", "Person")
    fed = person_model.objects.exclude(feed_digest="")
    keys = list(fed.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        people = _as_fed(apps, fed.filter(pk__gte=chunk[0], pk__lte=chunk[-1]))
        fingerprints = digests(people.values())
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {person_model._meta.db_table} SET feed_digest = %s WHERE id = %s",
                [(fingerprints[person.id], pk) for pk, person in people.items()],
            )


def _as_fed(apps: Any, people: Any) -> dict[int, Any]:
    """Each person as the feed gave them (a rules `Person`), by key, from what is held of it:
    their own fields, convictions, custody, needs and the feed's OGRS entry."""
    from iom.rules import Conviction, CustodyPeriod, Ogrs, Person

    def of(model: str, *fields: str, **only: Any) -> dict[int, list[tuple[Any, ...]]]:
        rows = apps.get_model("people", model).objects.filter(person__in=people, **only)
        found: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        for person, *values in rows.values_list("person_id", *fields):
            found[person].append(tuple(values))
        return found

    convictions = of("Conviction", *CONVICTION)
    custody = of("CustodyPeriod", "kind", "start", "end", "sentence_days")
    needs = of("Need", "need")
    ogrs = of("OgrsEntry", "score", "assessed_on", "version", assessor="feed")
    fed = {}
    for (
        pk,
        local_id,
        born,
        pnc,
        *texts,
        probation,
        mappa,
        sex_offender,
        tag,
        intelligence,
    ) in people.values_list(*PERSON):
        given, family, sex, ethnicity, area = (text or None for text in texts)
        score = next(iter(ogrs[pk]), None)
        fed[pk] = Person(
            id=local_id,
            date_of_birth=born,
            convictions=tuple(
                Conviction(*row[:-1], description=row[-1] or None) for row in convictions[pk]
            ),
            custody=tuple(CustodyPeriod(*row) for row in custody[pk]),
            pnc_id=pnc,
            given_name=given,
            family_name=family,
            sex=sex,
            ethnicity=ethnicity,
            area=area,
            ogrs=None if score is None else Ogrs(score[0], score[1], score[2] or None),
            probation_current=probation,
            mappa_level=mappa,
            sex_offender_current=sex_offender,
            em_acquisitive_tag=tag,
            significant_intelligence=intelligence,
            needs=tuple(need for (need,) in needs[pk]),
        )
    return fed


class Migration(migrations.Migration):
    dependencies = [("people", "0006_search_indexes")]

    operations = [migrations.RunPython(refingerprint, migrations.RunPython.noop)]
