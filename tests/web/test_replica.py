"""Report queries read from a replica when one is configured (two SQLite databases)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

SCRIPT = """
from iom.web.bootstrap import setup
setup()
from datetime import date
from django.db import connections
from iom.cases.models import Membership
from iom.governance import queries
from iom.people.models import Person
from iom.database_routing import reports_database
from iom.web.demo_scheme import make_schemes

scheme = make_schemes()["derbyshire"]  # made before the copy: on both
person = Person.objects.using("replica").create(local_id="R1", date_of_birth=date(1990, 1, 1))
Membership.objects.using("replica").create(
    person=person, scheme_id=scheme.pk, cohort="fixed", start=date(2026, 1, 1)
)
chosen = [scheme]
print("primary", queries.memberships(chosen).count())
with reports_database():
    print("reports", queries.memberships(chosen).count())
print("after", queries.memberships(chosen).count())
"""

SCHEMES = """
from iom.web.bootstrap import setup
setup()
from iom.web.demo_scheme import make_schemes
make_schemes()
"""


def test_reports_read_the_replica_and_everything_else_the_primary(tmp_path: Path) -> None:
    primary, replica = tmp_path / "primary.sqlite3", tmp_path / "replica.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{primary}", "IOM_ROOT": str(tmp_path)}
    env.pop("DATABASE_REPLICA_URL", None)
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
        env=env,
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[2],
    )
    assert migrate.returncode == 0, migrate.stderr
    schemes = subprocess.run(
        [sys.executable, "-c", SCHEMES], env=env, capture_output=True, text=True, cwd=tmp_path
    )
    assert schemes.returncode == 0, schemes.stderr
    # The replica starts as a copy of the primary, as streaming replication would make it.
    shutil.copy(primary, replica)
    env["DATABASE_REPLICA_URL"] = f"sqlite:///{replica}"
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, cwd=tmp_path
    )
    assert run.returncode == 0, run.stderr
    # The membership exists only on the replica: the report block sees it, nothing else does.
    assert run.stdout.split() == ["primary", "0", "reports", "1", "after", "0"]
