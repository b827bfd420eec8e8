"""Assess one person under one policy on one date: the single entry point to the rules."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from iom.rules.catalogue import Catalogue, load_catalogue
from iom.rules.cohorts import assess_cohorts
from iom.rules.matrix import assess_matrix
from iom.rules.model import Assessment, Person
from iom.rules.policy import Policy

Engine = Callable[[Person, Policy, date, Catalogue], Assessment]

ENGINES: dict[str, Engine] = {
    "derbyshire_cohorts": assess_cohorts,
    "nottinghamshire_matrix": assess_matrix,
}


def assess(
    person: Person, policy: Policy, as_of: date, catalogue: Catalogue | None = None
) -> Assessment:
    """Same input, same output: no clock and no randomness; the as-of date is always given."""
    return ENGINES[policy.engine](person, policy, as_of, catalogue or load_catalogue())
