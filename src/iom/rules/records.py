"""Person records in, checked against `schemas/person.schema.json` and the offence catalogue.

Every problem names the person (by id, or by position when the id itself is bad), the field path
and what is wrong, e.g. `BAD2: date_of_birth: '1990-13-45' is not a date`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from math import isnan
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator, FormatChecker, ValidationError

from iom.rules.catalogue import Catalogue
from iom.rules.dates import parse_date
from iom.rules.model import Conviction, CustodyPeriod, Ogrs, Person

JSON = dict[str, Any]
TYPE_WORDS = {
    "string": "text",
    "boolean": "true or false",
    "integer": "a whole number",
    "number": "a number",
    "object": "an object",
    "array": "a list",
    "null": "null",
}


@dataclass(frozen=True)
class RecordError:
    """One problem with one input record."""

    person: str
    path: str
    message: str

    def __str__(self) -> str:
        return ": ".join(part for part in (self.person, self.path, self.message) if part)


class InvalidRecord(ValueError):
    def __init__(self, errors: list[RecordError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


def _date_checker() -> FormatChecker:
    checker = FormatChecker(formats=())
    checker.checks("date")(lambda value: not isinstance(value, str) or _is_date(value))
    return checker


@cache
def fast_check() -> Callable[[Any], Any]:
    """A compiled validator (fastjsonschema): 10x quicker on good records, which most are.

    It only says yes or no; a record it refuses is checked again by jsonschema for the full,
    worded list of problems. It fills in the schema's defaults as it goes.
    """
    schema = json.loads(
        resources.files("iom.rules").joinpath("schemas/person.schema.json").read_text()
    )
    schema["$schema"] = (
        "http://json-schema.org/draft-07/schema#"  # the keywords used are all draft 7
    )
    compiled: Callable[[Any], Any] = fastjsonschema.compile(schema, formats={"date": _is_date})
    return compiled


def _is_valid(data: Any) -> bool:
    try:
        fast_check()(data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


@cache
def person_validator() -> Draft202012Validator:
    schema = json.loads(
        resources.files("iom.rules").joinpath("schemas/person.schema.json").read_text()
    )
    return Draft202012Validator(schema, format_checker=_date_checker())


def person_label(data: Any, position: str) -> str:
    """How errors name a record: its id when it has a usable one, else its place in the file."""
    if isinstance(data, dict) and isinstance(data.get("id"), str) and data["id"].strip():
        return str(data["id"])
    return position


def check_person(data: Any, catalogue: Catalogue, position: str = "record") -> list[RecordError]:
    """Every problem with one record: schema first, then the offence codes and custody dates."""
    who = person_label(data, position)
    if _is_valid(data):
        return _check_content(data, who, catalogue)
    problems = sorted(
        person_validator().iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]
    )
    errors = [RecordError(who, path, message) for e in problems for path, message in _describe(e)]
    return errors + _check_content(data, who, catalogue) if isinstance(data, dict) else errors


def _check_content(data: JSON, who: str, catalogue: Catalogue) -> list[RecordError]:
    """Checks the schema cannot make, run on whatever parts of the record are well formed."""
    errors = []
    seen: set[str] = set()
    for i, conviction in _well_formed(data.get("convictions"), ("id", "offence_code")):
        where = f"convictions[{i}]"
        if conviction["offence_code"] not in catalogue:
            errors.append(
                RecordError(
                    who,
                    f"{where}.offence_code",
                    f"conviction {conviction['id']}: offence code {conviction['offence_code']!r} "
                    "is not in the offence catalogue",
                )
            )
        if conviction["id"] in seen:
            errors.append(
                RecordError(who, f"{where}.id", f"conviction id {conviction['id']!r} is used twice")
            )
        seen.add(conviction["id"])
    for i, period in _well_formed(data.get("custody"), ("start", "end")):
        if (
            _is_date(period["start"])
            and _is_date(period["end"])
            and period["end"] < period["start"]
        ):
            errors.append(
                RecordError(
                    who,
                    f"custody[{i}].end",
                    f"{period['end']!r} is before the start {period['start']!r}",
                )
            )
    ogrs = data.get("ogrs")
    if isinstance(ogrs, dict) and isinstance(ogrs.get("score"), float) and isnan(ogrs["score"]):
        # Python's JSON reader accepts NaN, which no bound of the schema refuses.
        errors.append(RecordError(who, "ogrs.score", "NaN is not a number"))
    return errors


def _well_formed(items: Any, keys: tuple[str, ...]) -> list[tuple[int, JSON]]:
    """List entries that are objects with these keys as text; the schema reports the others."""
    if not isinstance(items, list):
        return []
    return [
        (i, item)
        for i, item in enumerate(items)
        if isinstance(item, dict) and all(isinstance(item.get(k), str) for k in keys)
    ]


def _is_date(text: str) -> bool:
    try:
        parse_date(text)
    except ValueError:
        return False
    return True


def _describe(error: ValidationError) -> list[tuple[str, str]]:
    """(field path, what is wrong) in words a person entering data can act on."""
    path = _path(error.absolute_path)
    instance: Any = error.instance
    expected: Any = error.validator_value
    match error.validator:
        case "format":
            return [(path, f"{instance!r} is not a {expected}")]
        case "required":
            missing = error.message.split("'")[1]
            return [(_join(path, missing), "is required but missing")]
        case "additionalProperties":
            schema: Any = error.schema
            unknown = sorted(set(instance) - set(schema.get("properties", {})))
            return [(_join(path, name), "unknown field") for name in unknown]
        case "type":
            wanted = expected if isinstance(expected, list) else [expected]
            words = " or ".join(TYPE_WORDS.get(str(w), str(w)) for w in wanted)
            return [(path, f"{instance!r} should be {words}")]
        case "enum":
            options = ", ".join("null" if v is None else repr(v) for v in expected)
            return [(path, f"{instance!r} is not one of {options}")]
        case "minLength":
            return [(path, "must not be empty")]
        case _:
            return [(path, error.message)]


def _path(parts: Any) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(record)"


def _join(path: str, field: str) -> str:
    return field if path == "(record)" else f"{path}.{field}"


def person_from_json(data: Any, catalogue: Catalogue, position: str = "record") -> Person:
    """A checked `Person`, or `InvalidRecord` listing every problem."""
    errors = check_person(data, catalogue, position)
    if errors:
        raise InvalidRecord(errors)
    return build_person(data)


def build_person(data: JSON) -> Person:
    """A `Person` from a record that has passed `check_person`."""
    ogrs = data.get("ogrs")
    return Person(
        id=data["id"],
        date_of_birth=parse_date(data["date_of_birth"]),
        convictions=tuple(_conviction(c) for c in data["convictions"]),
        custody=tuple(_custody(c) for c in data.get("custody", [])),
        pnc_id=data.get("pnc_id"),
        given_name=data.get("given_name"),
        family_name=data.get("family_name"),
        sex=data.get("sex"),
        ethnicity=data.get("ethnicity"),
        area=data.get("area"),
        ogrs=None
        if ogrs is None
        else Ogrs(
            score=float(ogrs["score"]),
            assessed_on=_optional_date(ogrs.get("assessed_on")),
            version=ogrs.get("version"),
        ),
        probation_current=data.get("probation_current", False),
        mappa_level=data.get("mappa_level"),
        sex_offender_current=data.get("sex_offender_current", False),
        em_acquisitive_tag=data.get("em_acquisitive_tag", False),
        significant_intelligence=data.get("significant_intelligence", False),
        needs=tuple(data.get("needs", [])),
    )


def _conviction(data: JSON) -> Conviction:
    return Conviction(
        id=data["id"],
        offence_code=data["offence_code"],
        conviction_date=parse_date(data["conviction_date"]),
        offence_date=_optional_date(data.get("offence_date")),
        attempt=data.get("attempt", False),
        conspiracy=data.get("conspiracy", False),
        domestic_abuse=data.get("domestic_abuse", False),
        description=data.get("description"),
    )


def _custody(data: JSON) -> CustodyPeriod:
    return CustodyPeriod(
        kind=data["kind"],
        start=parse_date(data["start"]),
        end=_optional_date(data.get("end")),
        sentence_days=data.get("sentence_days"),
    )


def _optional_date(value: str | None) -> date | None:
    return None if value is None else parse_date(value)
