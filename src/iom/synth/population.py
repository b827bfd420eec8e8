"""Draw people, convictions and custody spells, vectorised with numpy, one chunk at a time.

The shapes, roughly as published criminal justice statistics describe offenders:
- age peaking in the early twenties with a long tail, and a few young people;
- about 85% male; ethnicity in the 2021 census categories for England and Wales;
- offences dominated by shoplifting, common assault, drugs and breaches, with burglary,
  robbery and supply as minorities;
- repeat offending concentrated in a prolific few (a heavy-tailed count per person);
- custody more likely the longer the record, with sentence lengths, remand before sentence and
  some people still inside;
- OGRS rising with the record and falling with age; MAPPA 2/3, sex offender status and EM tags
  rare; needs common.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from iom.rules.dates import epoch_days as days

CHUNK_SIZE = 50_000

SEXES = (["M", "F", "X", "U"], [0.85, 0.14, 0.005, 0.005])
ETHNICITIES = (
    [
        "W1",
        "W2",
        "W3",
        "W4",
        "W5",
        "M1",
        "M2",
        "M3",
        "M4",
        "A1",
        "A2",
        "A3",
        "A4",
        "A5",
        "B1",
        "B2",
        "B3",
        "O1",
        "O2",
    ],
    [
        74.4,
        0.9,
        0.1,
        0.2,
        6.2,
        0.9,
        0.4,
        0.8,
        0.7,
        3.1,
        2.7,
        1.1,
        0.7,
        1.6,
        2.5,
        1.0,
        0.5,
        0.6,
        1.6,
    ],
)
AREAS = (["Derby City", "Derbyshire County"], [0.45, 0.55])
OFFENCES = {
    "04600": 0.22,
    "10501": 0.11,
    "00001": 0.08,
    "05800": 0.07,
    "09261": 0.06,
    "00806": 0.06,
    "09250": 0.04,
    "02803": 0.035,
    "05401": 0.03,
    "05325": 0.03,
    "03002": 0.02,
    "06601": 0.02,
    "03401": 0.015,
    "04510": 0.015,
    "09270": 0.015,
    "00826": 0.015,
    "03900": 0.012,
    "00801": 0.01,
    "04801": 0.01,
    "04400": 0.01,
    "09231": 0.01,
    "00808": 0.01,
    "03701": 0.004,
    "00501": 0.003,
    "02900": 0.002,
}
VIOLENT = ["10501", "00806", "00801", "00501"]
NEEDS = {
    "accommodation": 0.25,
    "substance_misuse": 0.35,
    "alcohol": 0.2,
    "mentoring": 0.1,
    "mental_health": 0.25,
    "employment": 0.3,
    "finance": 0.2,
    "family": 0.15,
    "peers": 0.2,
    "thinking_behaviour": 0.3,
}
GIVEN = {
    "M": [
        "Jack",
        "Liam",
        "Kyle",
        "Connor",
        "Jordan",
        "Ryan",
        "Callum",
        "Mohammed",
        "Daniel",
        "Reece",
        "Tyler",
        "Lewis",
        "Kieran",
        "Adam",
        "Bradley",
        "Jamal",
        "Tomasz",
        "Dean",
        "Scott",
        "Aaron",
    ],
    "F": [
        "Chloe",
        "Jade",
        "Leanne",
        "Kayleigh",
        "Amy",
        "Stacey",
        "Gemma",
        "Aisha",
        "Shannon",
        "Kerry",
    ],
}
FAMILY = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Wilson",
    "Evans",
    "Walker",
    "Wright",
    "Khan",
    "Hughes",
    "Green",
    "Hall",
    "Wood",
    "Clarke",
    "Patel",
    "Turner",
    "Hill",
    "Cooper",
    "Ward",
    "Kowalski",
    "Morris",
    "Baker",
    "Shaw",
    "Mason",
    "Begum",
    "Ali",
    "Mitchell",
    "Harris",
    "Lee",
    "Bennett",
]


@dataclass(frozen=True)
class Chunk:
    people: pa.Table
    convictions: pa.Table
    custody: pa.Table


def as_dates(values: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    return pa.array(values.astype("int32"), type=pa.int32(), mask=mask).cast(pa.date32())


def prefixed(prefix: str, numbers: np.ndarray) -> pa.Array:
    return pc.binary_join_element_wise(prefix, pa.array(numbers).cast(pa.string()), "")


def generate(people: int, seed: int, until: date) -> Iterator[Chunk]:
    """Chunks of `CHUNK_SIZE` people (the last smaller), the same for the same seed and until."""
    for index, start in enumerate(range(0, people, CHUNK_SIZE)):
        rng = np.random.default_rng([seed, index])
        yield _chunk(rng, start, min(CHUNK_SIZE, people - start), days(until))


def _chunk(rng: np.random.Generator, first: int, n: int, until: int) -> Chunk:
    age = np.where(rng.random(n) < 0.06, rng.uniform(12, 18, n), 18 + rng.gamma(1.6, 9.0, n))
    age = np.minimum(age, 85)
    born = (until - age * 365.25).astype("int64")
    sex = rng.choice(SEXES[0], n, p=SEXES[1])

    career_start = born + (14 + rng.gamma(2.0, 1.5, n)) * 365.25
    career_start = np.minimum(career_start, until - 30).astype("int64")
    career_years = (until - career_start) / 365.25
    counts = np.floor(rng.lognormal(1.9, 1.05, n)).astype("int64")
    counts = np.minimum(counts, np.maximum(1, (career_years * 12).astype("int64")))
    counts = np.minimum(counts, 150)

    convictions, conviction_days, owner = _convictions(rng, first, counts, career_start, until)
    custody = _custody(rng, first, counts, owner, conviction_days, until)
    people = _people(rng, first, n, born, sex, counts, owner, conviction_days, until)
    return Chunk(people, convictions, custody)


def _convictions(
    rng: np.random.Generator, first: int, counts: np.ndarray, career_start: np.ndarray, until: int
) -> tuple[pa.Table, np.ndarray, np.ndarray]:
    total = int(counts.sum())
    owner = np.repeat(np.arange(len(counts)), counts)
    offsets = np.repeat(np.cumsum(counts) - counts, counts)
    number = np.arange(total) - offsets + 1
    span = (until - career_start)[owner]
    on = career_start[owner] + (rng.random(total) ** 0.7 * span).astype("int64")
    codes, weights = list(OFFENCES), np.array(list(OFFENCES.values()))
    code = rng.choice(codes, total, p=weights / weights.sum())
    domestic = np.isin(code, VIOLENT) & (rng.random(total) < 0.25)
    offence_on = on - rng.integers(1, 240, total)
    no_offence_date = rng.random(total) < 0.08
    order = np.lexsort((on, owner))  # each person's convictions in date order, ids follow it
    table = pa.table(
        {
            "person_id": prefixed("S", first + owner + 1),
            "id": prefixed("C", number),
            "offence_code": pa.array(code[order]),
            "offence_date": as_dates(offence_on[order], no_offence_date),
            "conviction_date": as_dates(on[order]),
            "attempt": pa.array(rng.random(total) < 0.03),
            "conspiracy": pa.array(rng.random(total) < 0.005),
            "domestic_abuse": pa.array(domestic[order]),
        }
    )
    return table, on[order], owner


def _custody(
    rng: np.random.Generator,
    first: int,
    counts: np.ndarray,
    owner: np.ndarray,
    conviction_days: np.ndarray,
    until: int,
) -> pa.Table:
    n = len(counts)
    spells = np.where(rng.random(n) < np.minimum(0.8, 0.04 * counts), 1 + rng.poisson(0.6, n), 0)
    spells = np.minimum(spells, counts)
    who = np.repeat(np.arange(n), spells)
    # each spell follows one of that person's convictions
    firsts = np.cumsum(counts) - counts
    pick = firsts[who] + (rng.random(len(who)) * counts[who]).astype("int64")
    start = conviction_days[pick]
    term = np.clip(rng.lognormal(5.2, 0.9, len(who)), 14, 3650).astype("int64")
    released = start + term // 2
    still_in = released > until
    no_term = rng.random(len(who)) < 0.05
    sentences = {
        "person_id": prefixed("S", first + who + 1),
        "kind": pa.array(np.full(len(who), "sentence")),
        "start": as_dates(start),
        "end": as_dates(np.minimum(released, until), still_in),
        "sentence_days": pa.array(term, type=pa.int32(), mask=no_term),
    }
    remanded = rng.random(len(who)) < 0.3
    remand_days = rng.integers(7, 120, len(who))[remanded]
    remands = {
        "person_id": prefixed("S", first + who[remanded] + 1),
        "kind": pa.array(np.full(int(remanded.sum()), "remand")),
        "start": as_dates(start[remanded] - remand_days),
        "end": as_dates(start[remanded]),
        "sentence_days": pa.nulls(int(remanded.sum()), pa.int32()),
    }
    return pa.concat_tables([pa.table(sentences), pa.table(remands)])


def _people(
    rng: np.random.Generator,
    first: int,
    n: int,
    born: np.ndarray,
    sex: np.ndarray,
    counts: np.ndarray,
    owner: np.ndarray,
    conviction_days: np.ndarray,
    until: int,
) -> pa.Table:
    last = np.full(n, -(10**6))
    np.maximum.at(last, owner, conviction_days)
    recent = last >= until - 365
    age = (until - born) / 365.25
    x = -2.6 + 0.55 * np.log1p(counts) + 0.9 * recent - 0.035 * (age - 25) + rng.normal(0, 0.6, n)
    ogrs = np.clip(np.round(100 / (1 + np.exp(-x))), 1, 99)
    has_ogrs = rng.random(n) < np.where(recent, 0.8, 0.5)
    # Children are supervised by the youth justice service, never by probation.
    probation = (rng.random(n) < np.where(recent, 0.6, 0.12)) & (age >= 18)
    mappa_draw = rng.random(n)
    mappa = np.select([mappa_draw < 0.003, mappa_draw < 0.013, mappa_draw < 0.043], [3, 2, 1], 0)
    given_m = rng.choice(GIVEN["M"], n)
    given_f = rng.choice(GIVEN["F"], n)
    number = first + np.arange(n) + 1
    year = (born // 365.25 + 1970 + 16).astype("int64")  # first arrest year, roughly
    return pa.table(
        {
            "id": prefixed("S", number),
            "pnc_id": pc.binary_join_element_wise(
                pa.array(year.astype(str)),
                "/",
                pa.array(np.char.zfill(number.astype(str), 7)),
                pa.array(rng.choice(list("ABCDEFGHJKLMNPQRTUVWXYZ"), n)),
                "",
            ),
            "given_name": pa.array(np.where(sex == "F", given_f, given_m)),
            "family_name": pa.array(rng.choice(FAMILY, n)),
            "date_of_birth": as_dates(born),
            "sex": pa.array(sex),
            "ethnicity": pa.array(
                rng.choice(ETHNICITIES[0], n, p=np.array(ETHNICITIES[1]) / sum(ETHNICITIES[1]))
            ),
            "area": pa.array(rng.choice(AREAS[0], n, p=AREAS[1])),
            "ogrs_score": pa.array(ogrs, mask=~has_ogrs),
            "ogrs_assessed_on": as_dates(until - rng.integers(0, 365, n), ~has_ogrs),
            "ogrs_version": pa.array(np.full(n, "OGRS3"), mask=~has_ogrs),
            "probation_current": pa.array(probation),
            "mappa_level": pa.array(mappa, type=pa.int8(), mask=mappa == 0),
            "sex_offender_current": pa.array(rng.random(n) < 0.01),
            "em_acquisitive_tag": pa.array(rng.random(n) < 0.004),
            "significant_intelligence": pa.array(rng.random(n) < 0.02),
            "needs": _needs(rng, n),
        }
    )


def _needs(rng: np.random.Generator, n: int) -> pa.Array:
    has = {need: rng.random(n) < p for need, p in NEEDS.items()}
    text = np.full(n, "", dtype=object)
    for need, flags in has.items():
        text = np.where(flags, np.where(text == "", need, text + ";" + need), text)
    return pa.array(text.astype(str))
