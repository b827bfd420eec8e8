"""Check raw person records one by one: good ones become `Person`s, bad ones keep their errors."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from iom.ingest.json_records import RawRecord
from iom.ingest.tables import MAX_INTEGER
from iom.ingest.text import is_utf8
from iom.rules import Catalogue, Person, RecordError
from iom.rules.records import build_person, check_person, person_label

Reject = tuple[str, int, str, str, str]  # file, line, person, field, reason


@dataclass(frozen=True)
class CheckedRecord:
    position: str
    person: Person | None
    errors: list[RecordError] = field(default_factory=list)

    @property
    def line(self) -> int:
        """The record's line, or its number in a JSON array ("line 7", "record 3")."""
        return int(self.position.split()[-1])

    def rejects(self, file: str) -> list[Reject]:
        """Each error as a reject; the person is left blank when only the record's place names it."""
        return [
            (file, self.line, "" if e.person == self.position else e.person, e.path, e.message)
            for e in self.errors
        ]


def check_records(
    records: Iterable[RawRecord], catalogue: Catalogue, for_tables: bool = False
) -> Iterator[CheckedRecord]:
    """In input order. A person id seen earlier in the same file is an error on the later record.

    `for_tables`: the people go into DuckDB's tables, so each must also fit them (`tabular`).
    """
    first_seen: dict[str, str] = {}
    for record in records:
        checked = check_record(record, catalogue)
        if for_tables:
            checked = tabular(checked)
        if checked.person is not None:
            who = person_label(record.data, record.position)
            if who in first_seen:
                yield CheckedRecord(record.position, None, [repeated(who, first_seen[who])])
                continue
            first_seen[who] = record.position
        yield checked


def check_record(record: RawRecord, catalogue: Catalogue) -> CheckedRecord:
    """One record on its own: its problems, or the `Person` it describes."""
    if record.problem is not None:
        return CheckedRecord(
            record.position, None, [RecordError(record.position, "", record.problem)]
        )
    errors = check_person(record.data, catalogue, record.position)
    if errors:
        return CheckedRecord(record.position, None, errors)
    return CheckedRecord(record.position, build_person(record.data))


def tabular(checked: CheckedRecord) -> CheckedRecord:
    """The record refused if a good person in it cannot be held in the tables as given: text
    that is not UTF-8 (a lone surrogate, which JSON escapes allow), or a number of days past
    the tables' whole numbers. A good record of nearly anyone passes unchanged."""
    person = checked.person
    if person is None:
        return checked
    who = person_label({"id": person.id}, checked.position)
    errors = [RecordError(who, path, message) for path, message in _unfit(person)]
    return CheckedRecord(checked.position, None, errors) if errors else checked


def _unfit(person: Person) -> Iterator[tuple[str, str]]:
    for path, value in _texts(person):
        if not is_utf8(value):
            yield path, "contains a character that is not text (a lone surrogate)"
    for n, period in enumerate(person.custody):
        if period.sentence_days is not None and period.sentence_days > MAX_INTEGER:
            yield (
                f"custody[{n}].sentence_days",
                f"{period.sentence_days} is more days than can be held (at most {MAX_INTEGER:,})",
            )


def _texts(person: Person) -> Iterator[tuple[str, str]]:
    for name in ("id", "pnc_id", "given_name", "family_name", "ethnicity", "area"):
        value = getattr(person, name)
        if value is not None:
            yield name, value
    if person.ogrs is not None and person.ogrs.version is not None:
        yield "ogrs.version", person.ogrs.version
    for n, conviction in enumerate(person.convictions):
        for name in ("id", "description"):
            value = getattr(conviction, name)
            if value is not None:
                yield f"convictions[{n}].{name}", value


def repeated(who: str, first_position: str) -> RecordError:
    return RecordError(who, "id", f"{who!r} appears more than once (first at {first_position})")
