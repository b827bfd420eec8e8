"""Policy what-ifs: the scheme's current population screened under its policy and a proposed
version (new dated values, or a whole policy file), with who would enter and leave each outcome,
the counts by cohort, and the disproportionality of candidates under each.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from datetime import date
from typing import Any

import yaml
from django.db.models import QuerySet

from iom.impact import Row, fairness, impact_parameters
from iom.impact.fairness import StagedPerson, ethnic_group
from iom.people import models as pm
from iom.people.held import held_for_screening
from iom.referrals.automatic import in_scope
from iom.rules import Policy, load_catalogue
from iom.rules.parameters import PARAMETER_SETS
from iom.rules.policy import PlainLoader, parse_policy
from iom.schemes.models import Scheme
from iom.screening.compare import Change, Comparison, compare
from iom.screening.engine import CANDIDATE_OUTCOMES

LISTED_AT_ONCE = 10_000


def adjustable(policy: Policy, on: date) -> dict[str, tuple[str, float]]:
    """The policy's single-number parameters (thresholds, ages): name -> (label, value on `on`)."""
    values = policy.parameters_on(on)
    return {
        f.name: (policy.parameters[f.name].label, getattr(values, f.name))
        for f in fields(PARAMETER_SETS[policy.engine])
        if isinstance(getattr(values, f.name), int | float)
        and not isinstance(getattr(values, f.name), bool)
    }


def with_new_values(text: str, changes: Mapping[str, float], in_force_from: date) -> str:
    """The policy file with each change added as a new dated value (old values are kept)."""
    data = yaml.load(text, Loader=PlainLoader)
    for name, value in changes.items():
        data["parameters"][name]["values"][in_force_from.isoformat()] = _number(value)
    data["version"] = f"{data['version']}+{in_force_from.isoformat()}"
    return str(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def proposed_policy(text: str) -> Policy:
    return parse_policy(text, "the proposed policy")


@dataclass(frozen=True)
class ParameterChange:
    name: str
    label: str
    now: Any
    proposed: Any


@dataclass
class WhatIf:
    scheme: Scheme
    current_label: str  # the version labels of the policy in force and the proposal
    proposed_label: str
    as_of: date
    comparison: Comparison
    people: dict[str, pm.Person]  # local id -> person, for those who change
    changed_parameters: list[ParameterChange]
    fairness_now: list[Row]
    fairness_proposed: list[Row]


def differences(current: Policy, proposed: Policy, on: date) -> list[ParameterChange]:
    before, after = current.parameters_on(on), proposed.parameters_on(on)
    return [
        ParameterChange(
            f.name,
            proposed.parameters[f.name].label,
            getattr(before, f.name, None),
            getattr(after, f.name),
        )
        for f in fields(after)
        if getattr(before, f.name, None) != getattr(after, f.name)
    ]


def run(scheme: Scheme, proposed: Policy, as_of: date) -> WhatIf:
    """Screen the scheme's population (people in its areas) under both policies on `as_of`."""
    current, catalogue = scheme.policy(), load_catalogue()
    people = in_scope(scheme, as_of)
    con = held_for_screening(people, catalogue)
    comparison = compare(con, current, proposed, as_of, catalogue)
    after = {c.person_id: c.outcome_after for c in comparison.changes}
    before = {c.person_id: c.outcome_before for c in comparison.changes}
    changed = sorted(after | before)
    candidates_now = _candidates(con, "before_policy")
    candidates_proposed = _candidates(con, "after_policy")
    parameters = impact_parameters(as_of)
    # as the screening read them, at the same moment: not a second read of the database
    held = con.execute(
        "SELECT id, ethnicity, sex, date_of_birth FROM raw_people ORDER BY line"
    ).fetchall()
    return WhatIf(
        scheme,
        current.version_label,
        proposed.version_label,
        as_of,
        comparison,
        _people(people, changed),
        differences(current, proposed, as_of),
        _candidate_stage(fairness(_staged(held, candidates_now), as_of, parameters)),
        _candidate_stage(fairness(_staged(held, candidates_proposed), as_of, parameters)),
    )


def _people(people: QuerySet[pm.Person], local_ids: list[str]) -> dict[str, pm.Person]:
    """The people with these local ids, a block at a time (a database takes only so many values
    in one query)."""
    found = {}
    for at in range(0, len(local_ids), LISTED_AT_ONCE):
        for person in people.filter(local_id__in=local_ids[at : at + LISTED_AT_ONCE]):
            found[person.local_id] = person
    return found


def _candidates(con: Any, table: str) -> set[str]:
    wanted = ", ".join(f"'{o}'" for o in CANDIDATE_OUTCOMES)
    query = f"SELECT person_id FROM {table} WHERE outcome IN ({wanted})"
    return {row[0] for row in con.execute(query).fetchall()}


def _staged(held: list[tuple[Any, ...]], candidates: set[str]) -> list[StagedPerson]:
    """Each held person (local id, ethnicity, sex, date of birth), a candidate or not."""
    return [
        StagedPerson(
            local_id,
            ethnic_group(ethnicity),
            sex or "U",
            born,
            "candidate" if local_id in candidates else "screened",
        )
        for local_id, ethnicity, sex, born in held
    ]


def _candidate_stage(rows: list[Row]) -> list[Row]:
    return [r for r in rows if r.stage == "candidate"]


def to_json(result: WhatIf) -> dict[str, Any]:
    """What a what-if found, to keep (`WhatIfRun.result`): the people as local ids only."""
    c = result.comparison
    return {
        "current_label": result.current_label,
        "proposed_label": result.proposed_label,
        "as_of": result.as_of.isoformat(),
        "people": c.people,
        "changes": [asdict(change) for change in c.changes],
        "counts": {
            name: dict(getattr(c, name))
            for name in ("outcomes_before", "outcomes_after", "cohorts_before", "cohorts_after")
        },
        "changed_parameters": [
            {**asdict(p), "now": _shown(p.now), "proposed": _shown(p.proposed)}
            for p in result.changed_parameters
        ],
        "fairness_now": [row.to_json() for row in result.fairness_now],
        "fairness_proposed": [row.to_json() for row in result.fairness_proposed],
    }


def from_json(scheme: Scheme, kept: dict[str, Any]) -> WhatIf:
    """A kept what-if as the page shows it, with today's records of the people who change."""
    changes = [Change(**change) for change in kept["changes"]]
    counts = {name: Counter(values) for name, values in kept["counts"].items()}
    return WhatIf(
        scheme,
        kept["current_label"],
        kept["proposed_label"],
        date.fromisoformat(kept["as_of"]),
        Comparison(kept["people"], changes, **counts),
        _people(pm.Person.objects.all(), sorted({c.person_id for c in changes})),
        [ParameterChange(**p) for p in kept["changed_parameters"]],
        [Row(**row) for row in kept["fairness_now"]],
        [Row(**row) for row in kept["fairness_proposed"]],
    )


def _shown(value: Any) -> str | None:
    return None if value is None else str(value)
