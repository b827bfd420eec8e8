"""What a policy change would do: a population screened under two policies, person by person.

Both run through the same DuckDB engines as `iom screen`. The comparison keeps, per person, the
outcome and cohort under each policy; a person "enters" an outcome they did not have before and
"leaves" one they had.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import duckdb

from iom.rules import Catalogue, Policy
from iom.screening import engine
from iom.screening.run import count

OUTCOME_SQL = {name: figures["outcome"] for name, figures in engine.HEADLINES.items()}
COHORT_SQL = {name: figures["cohort"] for name, figures in engine.HEADLINES.items()}
COLUMNS = ("person_id", "outcome_before", "outcome_after", "cohort_before", "cohort_after")


@dataclass(frozen=True)
class Change:
    person_id: str
    outcome_before: str
    outcome_after: str
    cohort_before: str | None
    cohort_after: str | None


@dataclass
class Comparison:
    people: int
    changes: list[Change]
    outcomes_before: Counter[str] = field(default_factory=Counter)
    outcomes_after: Counter[str] = field(default_factory=Counter)
    cohorts_before: Counter[str] = field(default_factory=Counter)
    cohorts_after: Counter[str] = field(default_factory=Counter)

    def entering(self, outcome: str) -> list[Change]:
        return [c for c in self.changes if c.outcome_after == outcome]

    def leaving(self, outcome: str) -> list[Change]:
        return [c for c in self.changes if c.outcome_before == outcome]

    def outcomes(self) -> list[str]:
        return sorted(set(self.outcomes_before) | set(self.outcomes_after))


def screen_as(
    con: duckdb.DuckDBPyConnection, policy: Policy, as_of: date, catalogue: Catalogue, name: str
) -> None:
    """Screen the checked population of `con` under `policy` into the table `name`."""
    engine.ENGINES[policy.engine](con, policy, as_of, catalogue)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT person_id, line, "
        f"{OUTCOME_SQL[policy.engine]} AS outcome, {COHORT_SQL[policy.engine]} AS cohort "
        "FROM decided"
    )


def compare(
    con: duckdb.DuckDBPyConnection,
    current: Policy,
    proposed: Policy,
    as_of: date,
    catalogue: Catalogue,
) -> Comparison:
    """Everyone in `con`'s checked population under both policies; the changes in input order."""
    screen_as(con, current, as_of, catalogue, "before_policy")
    screen_as(con, proposed, as_of, catalogue, "after_policy")
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE policy_changes AS
        SELECT b.line, b.person_id, b.outcome AS outcome_before, a.outcome AS outcome_after,
               b.cohort AS cohort_before, a.cohort AS cohort_after
        FROM before_policy b JOIN after_policy a USING (person_id)
        WHERE b.outcome <> a.outcome OR b.cohort IS DISTINCT FROM a.cohort
        """
    )
    changes = [
        Change(*row)
        for row in con.execute(
            f"SELECT {', '.join(COLUMNS)} FROM policy_changes ORDER BY line, person_id"
        ).fetchall()
    ]

    def counts(query: str) -> Counter[str]:
        return Counter({str(k): int(n) for k, n in con.execute(query).fetchall()})

    return Comparison(
        people=count(con, "SELECT count(*) FROM before_policy"),
        changes=changes,
        outcomes_before=counts("SELECT outcome, count(*) FROM before_policy GROUP BY 1"),
        outcomes_after=counts("SELECT outcome, count(*) FROM after_policy GROUP BY 1"),
        cohorts_before=counts(
            "SELECT coalesce(cohort, 'none'), count(*) FROM before_policy GROUP BY 1"
        ),
        cohorts_after=counts(
            "SELECT coalesce(cohort, 'none'), count(*) FROM after_policy GROUP BY 1"
        ),
    )
