"""Runs the worked cases in tests/impact/*.yaml, one file per section of shared/spec/impact.md."""

from __future__ import annotations

from datetime import date
from itertools import count
from pathlib import Path
from typing import Any

import pytest
import yaml

from iom.impact import (
    Episode,
    Membership,
    StagedPerson,
    fairness,
    group,
    impact_parameters,
    measure,
)
from iom.rules import load_catalogue
from iom.rules.dates import parse_date
from iom.rules.model import Conviction, CustodyPeriod
from tests.helpers import plain

HERE = Path(__file__).parent
PARAMETERS = impact_parameters(date(2024, 6, 30))
BORN_25_34 = date(1994, 1, 1)


def cases(name: str) -> list[Any]:
    suite = plain(yaml.safe_load((HERE / name).read_text()))
    return [pytest.param(suite, case, id=case["name"]) for case in suite["cases"]]


def day(value: str | None) -> date | None:
    return None if value is None else parse_date(value)


def as_json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


# --- section 1 ----------------------------------------------------------------------------


@pytest.mark.parametrize(("suite", "case"), cases("impact_1_episodes.yaml"))
def test_episode(suite: dict[str, Any], case: dict[str, Any]) -> None:
    given = {**suite["membership"], **case.get("membership", {})}
    membership = Membership(
        "P1",
        "derbyshire",
        "fixed",
        "north",
        parse_date(given["start"]),
        day(given.get("end")),
        given.get("end_reason"),
    )
    convictions = [
        Conviction(
            c["id"],
            c["offence_code"],
            parse_date(c["conviction_date"]),
            day(c.get("offence_date")),
            attempt=c.get("attempt", False),
        )
        for c in case.get("convictions", [])
    ]
    custody = [
        CustodyPeriod(p["kind"], parse_date(p["start"]), day(p.get("end")), p.get("sentence_days"))
        for p in case.get("custody", [])
    ]
    as_of = parse_date(case.get("as_of", suite["as_of"]))
    episode = measure(membership, convictions, custody, as_of, load_catalogue(), PARAMETERS)
    output = episode.to_json()
    for key, expected in case["expect"].items():
        assert output[key] == as_json(expected), (
            f"{key}: expected {expected!r}, got {output[key]!r}"
        )


# --- section 2 ----------------------------------------------------------------------------


def episode_from(given: dict[str, Any]) -> Episode:
    membership = Membership(
        f"P{given.get('id', 1)}", given["scheme"], given["cohort"], given["area"], date(2024, 1, 1)
    )
    figures = {k: given.get(k) for k in ("before_count", "after_count", "before_css", "after_css")}
    return Episode(
        membership,
        given["status"],
        given["days_at_liberty"],
        date(2023, 1, 1) if given["status"] == "measured" else None,
        **figures,
    )


@pytest.mark.parametrize(("suite", "case"), cases("impact_2_groups.yaml"))
def test_group(suite: dict[str, Any], case: dict[str, Any]) -> None:
    groups = group(episode_from(e) for e in case.get("episodes", suite["episodes"]))
    if "groups_in_order" in case:
        assert [g.by for g in groups] == case["groups_in_order"]
        return
    found = next(g for g in groups if g.by == case["by"]).to_json()
    for key, expected in case["expect"].items():
        assert found[key] == expected, f"{key}: expected {expected!r}, got {found[key]!r}"


# --- section 3 ----------------------------------------------------------------------------


def population(groups: list[dict[str, Any]]) -> list[StagedPerson]:
    ids = count(1)
    people = []
    for spec in groups:
        born = BORN_25_34 if "age_band" not in spec else born_in(spec["age_band"])
        for stage, n in spec["furthest"].items():
            people += [
                StagedPerson(
                    f"P{next(ids)}",
                    spec.get("ethnicity", "White"),
                    spec.get("sex", "M"),
                    born,
                    stage,
                )
                for _ in range(n)
            ]
    return people


def born_in(band: str) -> date:
    return {"under 18": date(2010, 1, 1), "18-24": date(2003, 1, 1), "25-34": BORN_25_34}.get(
        band, date(1960, 1, 1)
    )


@pytest.mark.parametrize(("suite", "case"), cases("impact_3_relative_rate_index.yaml"))
def test_relative_rate_index(suite: dict[str, Any], case: dict[str, Any]) -> None:
    people = population(case.get("population", suite["population"]))
    rows = fairness(people, parse_date(suite["as_of"]), PARAMETERS)
    if "order" in case:
        assert [[r.characteristic, r.group, r.stage] for r in rows] == case["order"]
        return
    wanted = case["row"]
    found = next(
        r.to_json()
        for r in rows
        if (r.characteristic, r.group, r.stage)
        == (wanted["characteristic"], wanted["group"], wanted["stage"])
    )
    for key, expected in case["expect"].items():
        assert found[key] == expected, f"{key}: expected {expected!r}, got {found[key]!r}"


def test_an_episode_is_written_with_the_contracts_columns_in_order() -> None:
    from iom.impact.episodes import EPISODE_COLUMNS

    episode = Episode(Membership("P1", "s", None, None, date(2024, 1, 1)), "too_early", 10)
    assert tuple(episode.to_json()) == EPISODE_COLUMNS
