"""Check raw person records one by one: good ones become `Person`s, bad ones keep their errors."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from iom.ingest.json_records import RawRecord
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


def check_records(records: Iterable[RawRecord], catalogue: Catalogue) -> Iterator[CheckedRecord]:
    """In input order. A person id seen earlier in the same file is an error on the later record."""
    first_seen: dict[str, str] = {}
    for record in records:
        checked = check_record(record, catalogue)
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


def repeated(who: str, first_position: str) -> RecordError:
    return RecordError(who, "id", f"{who!r} appears more than once (first at {first_position})")
