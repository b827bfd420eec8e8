"""Read the files `iom impact` and `iom fairness` take: memberships and selection stages (CSV).

Every bad row becomes a `Problem` naming its file, line, person and field, and is kept out; the
good rows are returned. A file whose header is wrong cannot be read at all (`UnreadableInput`).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from iom.impact import Membership, StagedPerson
from iom.impact.fairness import ETHNIC_GROUPS, NOT_STATED, SEXES, STAGES
from iom.ingest.sources import Problem, UnreadableInput
from iom.rules.dates import parse_date

MEMBERSHIP_COLUMNS = ("person_id", "scheme", "cohort", "area", "start", "end", "end_reason")
STAGE_COLUMNS = ("person_id", "ethnicity", "sex", "date_of_birth", "stage")
ETHNICITY_LABELS = (*ETHNIC_GROUPS, NOT_STATED)
T = TypeVar("T")


class RowProblem(ValueError):
    def __init__(self, field: str, value: str, reason: str) -> None:
        super().__init__(reason)
        self.field, self.value, self.reason = field, value, reason


def rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, list[str], str]]:
    """Each data row with its line number (the header is line 1), cells in `columns` order, and
    what is wrong with its shape ("" when nothing is); blank lines are skipped."""
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as error:
        raise UnreadableInput(f"{path}: cannot read: {error.strerror}") from None
    with handle:
        reader = csv.reader(handle)
        header = [name.strip() for name in next(reader, [])]
        missing = [c for c in columns if c not in header]
        unknown = [c for c in header if c not in columns]
        if missing or unknown:
            problems = [f"missing column {c!r}" for c in missing] + [
                f"unknown column {c!r}" for c in unknown
            ]
            raise UnreadableInput(f"{path}: " + "; ".join(problems))
        order = [header.index(c) for c in columns]
        try:
            for cells in reader:
                if not cells:
                    continue
                shape = ""
                if len(cells) != len(header):
                    shape = f"{len(cells)} cells where the header has {len(header)}"
                    cells = (cells + [""] * len(header))[: len(header)]
                yield reader.line_num, [cells[i].strip() for i in order], shape
        except UnicodeDecodeError:
            raise UnreadableInput(f"{path}: not UTF-8 text; save the file as UTF-8") from None


def required(field: str, value: str) -> str:
    if not value:
        raise RowProblem(field, value, f"{field} is required")
    return value


def a_date(field: str, value: str) -> date:
    try:
        return _parse_date(value)
    except ValueError as error:
        raise RowProblem(field, value, str(error)) from None


_parse_date = lru_cache(maxsize=100_000)(parse_date)  # a file repeats the same dates many times


def one_of(field: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise RowProblem(
            field, value, f"{value!r} is not one of " + ", ".join(repr(a) for a in allowed)
        )
    return value


def read_rows(
    path: Path, columns: tuple[str, ...], build: Callable[[list[str]], T]
) -> tuple[list[T], list[Problem]]:
    good: list[T] = []
    problems: list[Problem] = []
    for line, cells, shape in rows(path, columns):
        if shape:
            problems.append(Problem(str(path), line, cells[0], "row", shape, ""))
            continue
        try:
            good.append(build(cells))
        except RowProblem as problem:
            problems.append(
                Problem(str(path), line, cells[0], problem.field, problem.reason, problem.value)
            )
    return good, problems


def read_memberships(
    path: Path, as_of: date, people: set[str]
) -> tuple[list[Membership], list[Problem]]:
    """Memberships of people in `people` (the good people of the population input)."""

    def build(cells: list[str]) -> Membership:
        person_id, scheme, cohort, area, start, end, end_reason = cells
        required("person_id", person_id)
        if person_id not in people:
            raise RowProblem(
                "person_id", person_id, "not in the people input (or held back for a bad row)"
            )
        joined = a_date("start", required("start", start))
        if joined > as_of:
            raise RowProblem("start", start, f"after the as-of date {as_of.isoformat()}")
        left = a_date("end", end) if end else None
        if left is not None and left < joined:
            raise RowProblem("end", end, f"before the start {joined.isoformat()}")
        if end_reason and left is None:
            raise RowProblem("end_reason", end_reason, "given for a membership with no end")
        return Membership(
            person_id,
            required("scheme", scheme),
            cohort or None,
            area or None,
            joined,
            left,
            end_reason or None,
        )

    return read_rows(path, MEMBERSHIP_COLUMNS, build)


def read_stages(path: Path, as_of: date) -> tuple[list[StagedPerson], list[Problem]]:
    """Each person once, with their furthest stage; a repeated person_id is a bad row."""
    seen: set[str] = set()

    def build(cells: list[str]) -> StagedPerson:
        person_id, ethnicity, sex, born, stage = cells
        required("person_id", person_id)
        if person_id in seen:
            raise RowProblem("person_id", person_id, "appears more than once")
        person = StagedPerson(
            person_id,
            one_of("ethnicity", ethnicity, ETHNICITY_LABELS),
            one_of("sex", sex, SEXES),
            a_date("date_of_birth", required("date_of_birth", born)),
            one_of("stage", stage, STAGES),
        )
        if person.date_of_birth > as_of:
            raise RowProblem("date_of_birth", born, f"after the as-of date {as_of.isoformat()}")
        seen.add(person_id)
        return person

    return read_rows(path, STAGE_COLUMNS, build)
