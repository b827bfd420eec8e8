"""Disproportionality at each selection stage: the relative rate index (impact contract, section 3).

People are counted by the furthest stage they reached; `n_k(g)` counts those in group g who got
to stage k or further, so each stage's rate is the share of the previous stage's people who went
on. Each group's rate is compared with the reference group's; small counts are suppressed.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from iom.impact.disclosure import SUPPRESSED, small
from iom.impact.parameters import ImpactParameters
from iom.rules.dates import nth_birthday
from iom.rules.model import JSON

STAGES = ("screened", "candidate", "referred", "selected")
ETHNIC_GROUPS = ("Asian", "Black", "Mixed", "White", "Other")
NOT_STATED = "Not stated"
SEXES = ("M", "F", "X", "U")
INDEXED_SEXES = ("M", "F")
AGE_BANDS = ("under 18", "18-24", "25-34", "35-49", "50+")
CHARACTERISTICS = ("ethnicity", "sex", "age_band")
# 2021 census detailed codes (W1, A3...) by their first letter.
CENSUS_GROUP_LETTERS = {"A": "Asian", "B": "Black", "M": "Mixed", "W": "White", "O": "Other"}

OK, REFERENCE, SUPPRESSED_STATUS, NOT_COMPUTABLE = "ok", "reference", "suppressed", "not_computable"
Z_95 = 1.96


class StagedPerson(NamedTuple):
    """One person of the screened population and the furthest stage they reached.

    A named tuple rather than a dataclass: a force's population is a million of them.
    """

    person_id: str
    ethnicity: str  # a top-level group or "Not stated"
    sex: str
    date_of_birth: date
    stage: str


def ethnic_group(code: str | None) -> str:
    """The census top-level group of a recorded code ('W1' -> 'White'); anything else is 'Not stated'."""
    if not code:
        return NOT_STATED
    text = code.strip()
    if text in ETHNIC_GROUPS:
        return text
    detailed = text.upper()
    if len(detailed) == 2 and detailed[1] in "0123456789":
        return CENSUS_GROUP_LETTERS.get(detailed[0], NOT_STATED)
    return NOT_STATED


def age_band(born: date, on: date) -> str:
    age = on.year - born.year - (on < nth_birthday(born, on.year - born.year))
    if age < 18:
        return "under 18"
    for band, top in (("18-24", 24), ("25-34", 34), ("35-49", 49)):
        if age <= top:
            return band
    return "50+"


# (characteristic, group) -> how many people reached each stage as their furthest.
Tally = Mapping[tuple[str, str], Mapping[str, int]]


def tally(people: Iterable[StagedPerson], as_of: date) -> dict[tuple[str, str], Counter[str]]:
    counts: defaultdict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    bands: dict[date, str] = {}  # a force has far fewer birthdays than people
    for person in people:
        band = bands.get(person.date_of_birth)
        if band is None:
            band = bands[person.date_of_birth] = age_band(person.date_of_birth, as_of)
        counts[("ethnicity", person.ethnicity)][person.stage] += 1
        counts[("sex", person.sex)][person.stage] += 1
        counts[("age_band", band)][person.stage] += 1
    return dict(counts)


def reached(furthest: Mapping[str, int], stage: str) -> int:
    """n_k: people whose furthest stage is `stage` or later."""
    return sum(furthest.get(s, 0) for s in STAGES[STAGES.index(stage) :])


@dataclass(frozen=True)
class Row:
    characteristic: str
    group: str
    stage: str
    count: int | str
    previous: int | str
    rate: float | None
    rri: float | None
    ci_low: float | None
    ci_high: float | None
    significant: bool | None
    status: str

    def to_json(self) -> JSON:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def indexed(characteristic: str, group: str) -> bool:
    if characteristic == "ethnicity":
        return group in ETHNIC_GROUPS
    if characteristic == "sex":
        return group in INDEXED_SEXES
    return group in AGE_BANDS


def reference_of(characteristic: str, parameters: ImpactParameters) -> str:
    return {
        "ethnicity": parameters.rri_reference_ethnicity,
        "sex": parameters.rri_reference_sex,
        "age_band": parameters.rri_reference_age_band,
    }[characteristic]


def row(
    characteristic: str,
    group: str,
    stage: str,
    counts: tuple[int, int],
    reference: tuple[int, int] | None,
    is_reference: bool,
) -> Row:
    """One row of the index; `counts` and `reference` are (n_k, n_{k-1})."""
    n, previous = counts
    if small(n) or small(previous):
        return Row(
            characteristic, group, stage, SUPPRESSED, SUPPRESSED, *(None,) * 5, SUPPRESSED_STATUS
        )
    rate = round(n / previous, 4) if previous else None
    computable = (
        indexed(characteristic, group)
        and reference is not None
        and 0 not in (n, previous, *reference)
    )
    if not computable or reference is None:
        return Row(characteristic, group, stage, n, previous, rate, *(None,) * 4, NOT_COMPUTABLE)
    if is_reference:
        return Row(
            characteristic, group, stage, n, previous, rate, 1.0, None, None, None, REFERENCE
        )
    ref_n, ref_previous = reference
    index = (n / previous) / (ref_n / ref_previous)
    spread = Z_95 * math.sqrt(1 / n - 1 / previous + 1 / ref_n - 1 / ref_previous)
    low, high = math.exp(math.log(index) - spread), math.exp(math.log(index) + spread)
    return Row(
        characteristic,
        group,
        stage,
        n,
        previous,
        rate,
        round(index, 2),
        round(low, 2),
        round(high, 2),
        low > 1 or high < 1,
        OK,
    )


def group_order(characteristic: str, group: str, reference: str) -> tuple[bool, int, str]:
    """The reference group first, then the census (or band) order, unknown values last."""
    known = {"ethnicity": (*ETHNIC_GROUPS, NOT_STATED), "sex": SEXES, "age_band": AGE_BANDS}
    order = known[characteristic]
    return (group != reference, order.index(group) if group in order else len(order), group)


def relative_rates(counts: Tally, parameters: ImpactParameters) -> list[Row]:
    """Every characteristic x group present x stage after screening, in a fixed order."""
    rows = []
    for characteristic in CHARACTERISTICS:
        ref_group = reference_of(characteristic, parameters)
        present = sorted(
            (g for c, g in counts if c == characteristic),
            key=lambda g: group_order(characteristic, g, ref_group),
        )
        ref_counts = counts.get((characteristic, ref_group))
        for group in present:
            furthest = counts[(characteristic, group)]
            for k in range(1, len(STAGES)):
                stage, before = STAGES[k], STAGES[k - 1]
                reference = (
                    None
                    if ref_counts is None
                    else (reached(ref_counts, stage), reached(ref_counts, before))
                )
                rows.append(
                    row(
                        characteristic,
                        group,
                        stage,
                        (reached(furthest, stage), reached(furthest, before)),
                        reference,
                        group == ref_group,
                    )
                )
    return rows


def fairness(
    people: Iterable[StagedPerson], as_of: date, parameters: ImpactParameters
) -> list[Row]:
    return relative_rates(tally(people, as_of), parameters)
