"""A screened row in the rules core's own words, made when the row is read.

The batch stores each person's reasons as codes (see iom.screening.reasons). Reading a row for
people (JSON Lines output, one person at a time) gives the very reasons of `iom assess`: words
and evidence come from the core's own wording, run on the person the row was screened from, and
every decision field and code of the row must agree with it, or `Disagreement` says where.
Free of DuckDB and Django: the caller brings the row and the person.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from iom.rules import Catalogue, Person, Policy, assess
from iom.screening.reasons import split

ROW_ONLY = {"reason_codes", "evidence", "rank"}


class Disagreement(ValueError):
    """The batch and the rules core decided one person differently: a fault, never expected."""


def assessment(
    row: Mapping[str, Any], person: Person, policy: Policy, catalogue: Catalogue
) -> dict[str, Any]:
    """The row as `iom assess` writes it (with its `rank` when it has one), reasons in words."""
    if person.id != row["person_id"]:
        raise ValueError(f"row for {row['person_id']} rendered with person {person.id}")
    core = assess(person, policy, _as_date(row["as_of"]), catalogue).to_json()
    decided = {key: plain(value) for key, value in row.items() if key not in ROW_ONLY}
    differing = sorted(key for key, value in decided.items() if core.get(key) != value)
    codes = [reason["code"] for reason in core["reasons"]]
    if codes != split(row["reason_codes"]):
        differing.append("reason_codes")
    if differing:
        raise Disagreement(f"{person.id}: the batch and the rules core differ on {differing}")
    return {"rank": row["rank"], **core} if "rank" in row else core


def plain(value: Any) -> Any:
    """A DuckDB value as the core's JSON has it: dates as ISO text, inside structs and lists too."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)
