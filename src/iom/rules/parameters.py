"""What each rules engine reads from its policy file, with the type of every parameter.

A policy file (`policies/<id>.yaml`) gives each parameter a label, a unit, a reference and dated
values. The dataclasses below say which parameters an engine needs and what each must hold; the
policy loader derives its validation schema from them, so a parameter is declared once, here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

from iom.rules.dates import Duration

JSON = dict[str, Any]

OFFENCE_GROUPS = ("burglary", "robbery", "other_theft", "pwits")
NEEDS = (
    "accommodation",
    "substance_misuse",
    "alcohol",
    "mentoring",
    "mental_health",
    "employment",
    "finance",
    "family",
    "peers",
    "thinking_behaviour",
)
CUSTODY_ADJUSTMENTS = ("half_sentence_term", "actual_custody")
POINTS_COLUMNS = ("notts_matrix_points", "notts_matrix_points_da", "css_weight")


@dataclass(frozen=True)
class Kind:
    """The JSON schema one parameter value must satisfy, and how it becomes a Python value."""

    schema: JSON
    convert: Callable[[Any], Any] = lambda value: value


def _kind(kind: Kind) -> Any:
    return field(metadata={"kind": kind})


def _tuple(value: Any) -> tuple[Any, ...]:
    return tuple(value)


DURATION = Kind({"type": "string", "pattern": r"^P(\d+Y)?(\d+M)?(\d+D)?$"}, Duration.parse)
OPTIONAL_DURATION = Kind(
    {"type": ["string", "null"], "pattern": r"^P(\d+Y)?(\d+M)?(\d+D)?$"},
    lambda value: None if value is None else Duration.parse(value),
)
SCORE = Kind({"type": "number", "minimum": 0})
RATIO = Kind({"type": "number", "minimum": 0, "maximum": 1})
AGE = Kind({"type": "integer", "minimum": 0, "maximum": 120})
BOOLEAN = Kind({"type": "boolean"})
GROUPS = Kind(
    {"type": "array", "items": {"enum": list(OFFENCE_GROUPS)}, "uniqueItems": True}, _tuple
)
NEED_LIST = Kind({"type": "array", "items": {"enum": list(NEEDS)}, "uniqueItems": True}, _tuple)
MAPPA_LEVELS = Kind({"type": "array", "items": {"enum": [0, 1, 2, 3]}, "uniqueItems": True}, _tuple)
CUSTODY_MODE = Kind({"enum": list(CUSTODY_ADJUSTMENTS)})
POINTS_COLUMN = Kind({"enum": list(POINTS_COLUMNS)})
OGRS_BANDS = Kind(
    {
        "type": "object",
        "additionalProperties": False,
        "required": ["medium", "high", "very_high"],
        "properties": {band: {"type": "number"} for band in ("medium", "high", "very_high")},
    }
)


@dataclass(frozen=True)
class DerbyshireParameters:
    """Derbyshire IOM strategy 2021-2023: Fixed, Flex and Free cohorts (rules contract 1, 2, 4, 5)."""

    w12_length: Duration = _kind(DURATION)
    w6_length: Duration = _kind(DURATION)
    css_length: Duration = _kind(DURATION)
    css_custody_adjustment: str = _kind(CUSTODY_MODE)
    css_weight_column: str = _kind(POINTS_COLUMN)
    css_indicator_threshold: float = _kind(SCORE)
    fixed_offence_groups: tuple[str, ...] = _kind(GROUPS)
    free_offence_groups: tuple[str, ...] = _kind(GROUPS)
    fixed_min_ogrs: float = _kind(SCORE)
    free_ogrs_exceeds: float = _kind(SCORE)
    ogrs_indicator_min: float = _kind(SCORE)
    adult_age: int = _kind(AGE)
    excluded_mappa_levels: tuple[int, ...] = _kind(MAPPA_LEVELS)
    tier1_min_ogrs: float = _kind(SCORE)
    tier1_offence_groups: tuple[str, ...] = _kind(GROUPS)
    ogrs_bands: dict[str, float] = _kind(OGRS_BANDS)
    indicator_needs: tuple[str, ...] = _kind(NEED_LIST)
    fixed_min_share: float = _kind(RATIO)
    exit_notice_after: Duration = _kind(DURATION)
    exit_review_after: Duration = _kind(DURATION)
    custody_deselect_over: Duration = _kind(DURATION)
    release_point: float = _kind(RATIO)


@dataclass(frozen=True)
class NottinghamshireParameters:
    """Nottinghamshire YJS IOM scoring matrix (rules contract 3)."""

    points_column: str = _kind(POINTS_COLUMN)
    points_column_da: str = _kind(POINTS_COLUMN)
    matrix_threshold: int = _kind(Kind({"type": "integer", "minimum": 0}))
    matrix_count_attempts: bool = _kind(BOOLEAN)
    lookback: Duration | None = _kind(OPTIONAL_DURATION)
    adult_age: int = _kind(AGE)


PARAMETER_SETS: dict[str, type[DerbyshireParameters] | type[NottinghamshireParameters]] = {
    "derbyshire_cohorts": DerbyshireParameters,
    "nottinghamshire_matrix": NottinghamshireParameters,
}


def kinds(engine: str) -> dict[str, Kind]:
    return {f.name: f.metadata["kind"] for f in fields(PARAMETER_SETS[engine])}
