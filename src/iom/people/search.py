"""Finding people by name, alias, PNC id, local id or date of birth, with bounded cost.

A query has at most `MAX_WORDS` words and `MAX_LENGTH` characters; every word must match a given
name, family name or alias, each through a subquery (no join a word), so a long query can
neither exhaust the database's join limit nor build an unbounded pattern.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection
from django.db.models import Q, QuerySet

from iom.ingest.text import storable
from iom.people import models as m

MAX_WORDS = 5
CANDIDATES = 500  # matches read before they are put in name order
MAX_LENGTH = 100
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y")


class QueryTooLong(ValueError):
    pass


@dataclass(frozen=True)
class Query:
    text: str

    @classmethod
    def parse(cls, raw: str) -> Query:
        text = " ".join(storable(raw).split())
        if len(text) > MAX_LENGTH:
            raise QueryTooLong(f"Search for at most {MAX_LENGTH} characters")
        if len(text.split()) > MAX_WORDS:
            raise QueryTooLong(f"Search for at most {MAX_WORDS} words")
        return cls(text)


def date_in(text: str) -> date | None:
    """A date of birth typed as 2004-08-19, 19/08/2004, 19-08-2004, 19.08.2004 or 19 August 2004."""
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def found(query: Query) -> QuerySet[m.Person]:
    """The people matching the query, in name order, from at most `CANDIDATES` matches.

    The matches are read without an order so that the database can stop at `CANDIDATES`; only
    those are put in name order (a common surname in a force's million people matches thousands).
    """
    ids = list(matching(query).order_by().values_list("pk", flat=True)[:CANDIDATES])
    return m.Person.objects.filter(pk__in=ids)


def matching(query: Query) -> QuerySet[m.Person]:
    """People whose PNC or local id is the query, or whose names or aliases hold every word.

    Built as a union of id lists rather than one condition OR-ed across columns, so that
    PostgreSQL answers each part from its own index (people.0006_search_indexes).
    """
    born = date_in(query.text)
    if born is not None:
        return m.Person.objects.filter(date_of_birth=born)
    by_id = m.Person.objects.filter(
        Q(pnc_id__iexact=query.text) | Q(local_id__iexact=query.text)
    ).order_by()
    words = query.text.split()
    named = m.Person.objects.order_by()
    for word in words:
        named = named.filter(pk__in=_named(word, bounded=len(words) == 1))
    return m.Person.objects.filter(pk__in=by_id.values("pk").union(named.values("pk")))


def _named(word: str, bounded: bool) -> QuerySet[m.Person]:
    """The ids of people with `word` in a given name, a family name or an alias; `bounded`: at
    most `CANDIDATES` of each kind, where the database can limit each part of a union."""
    people = m.Person.objects.filter(
        Q(given_name__icontains=word) | Q(family_name__icontains=word)
    ).order_by()
    aliases = m.Alias.objects.filter(
        Q(given_name__icontains=word) | Q(family_name__icontains=word)
    ).order_by()
    people_ids, alias_ids = people.values("pk"), aliases.values("person_id")
    if bounded and connection.features.supports_slicing_ordering_in_compound:
        people_ids, alias_ids = people_ids[:CANDIDATES], alias_ids[:CANDIDATES]
    return people_ids.union(alias_ids)
