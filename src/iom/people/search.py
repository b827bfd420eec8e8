"""Finding people by name, alias, PNC id, local id or date of birth, with bounded cost.

A query has at most `MAX_WORDS` words and `MAX_LENGTH` characters; every word must match a given
name, family name or alias, each through a subquery (no join a word), so a long query can
neither exhaust the database's join limit nor build an unbounded pattern.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q, QuerySet

from iom.ingest.text import storable
from iom.people import models as m

MAX_WORDS = 5
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


def matching(query: Query) -> QuerySet[m.Person]:
    born = date_in(query.text)
    if born is not None:
        return m.Person.objects.filter(date_of_birth=born)
    by_id = Q(pnc_id__iexact=query.text) | Q(local_id__iexact=query.text)
    by_name = Q()
    for word in query.text.split():
        aliases = m.Alias.objects.filter(
            Q(given_name__icontains=word) | Q(family_name__icontains=word)
        ).values("person_id")
        by_name &= (
            Q(given_name__icontains=word) | Q(family_name__icontains=word) | Q(pk__in=aliases)
        )
    return m.Person.objects.filter(by_id | by_name)
