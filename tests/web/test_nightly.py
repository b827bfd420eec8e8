"""`iom nightly`: each night's work in one command; a failing step fails it, the others still run."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from typer.testing import CliRunner

from iom.audit.models import AuditEvent
from iom.cases.models import Membership
from iom.cli import app
from iom.governance import queries
from iom.governance.models import StoredFairness
from iom.impact import fairness, impact_parameters
from iom.people import held
from iom.people import models as m
from iom.referrals.automatic import open_due
from iom.referrals.models import Referral, Screening
from iom.referrals.services import SCREENING_FIELDS
from iom.rules.dates import spoken
from tests.web import workflow as w

# Committed for real, so that the access log's checkpoint moves on as in production.
pytestmark = pytest.mark.django_db(transaction=True)


def nightly() -> tuple[int, str]:
    done = CliRunner().invoke(app, ["nightly", "--as-of", timezone.localdate().isoformat()])
    return done.exit_code, done.output


def test_every_step_runs_and_says_what_it_did() -> None:
    w.schemes()
    w.fixed_candidate("NIGHT1")
    code, said = nightly()
    assert code == 0, said
    assert "automatic referrals: 1 referral opened" in said
    assert "disproportionality figures kept: " in said
    assert "access log: intact" in said
    assert "finished task records pruned: 0 records" in said
    assert Referral.objects.filter(person__local_id="NIGHT1", state="draft").count() == 1
    assert StoredFairness.objects.filter(as_of=timezone.localdate()).count() == 2
    today = timezone.localdate()
    assert AuditEvent.objects.filter(description=f"the daily run as of {spoken(today)}").exists()
    code, said = nightly()  # a rerun opens nothing new
    assert code == 0, said
    assert "automatic referrals: 0 referrals opened" in said


def test_the_night_prunes_old_finished_task_records_and_counts_them() -> None:
    long_ago = timezone.now() - timedelta(days=20)
    fields = {"args_kwargs": {}, "task_path": "x", "backend_name": "default", "run_after": long_ago}
    DBTaskResult.objects.create(status=TaskResultStatus.SUCCESSFUL, finished_at=long_ago, **fields)
    DBTaskResult.objects.create(status=TaskResultStatus.READY, **fields)  # waiting: kept
    code, said = nightly()
    assert code == 0, said
    assert "finished task records pruned: 1 record" in said
    assert DBTaskResult.objects.count() == 1


def test_a_failing_step_fails_the_run_and_the_rest_still_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from iom.referrals import automatic

    def broken(*asked: object) -> dict[str, int]:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(automatic, "open_due", broken)
    w.schemes()
    code, said = nightly()
    assert code == 1
    assert "failed: automatic referrals: RuntimeError: the database went away" in said
    assert "1 step failed: automatic referrals" in said
    assert "access log: intact" in said  # the steps after it ran
    assert StoredFairness.objects.count() == 2


def outcome_of_the_night() -> tuple[list[Any], list[Any]]:
    """The referrals opened and the screening kept on each draft, in a comparable form."""
    referrals = Referral.objects.order_by("person__local_id", "scheme__slug").values_list(
        "person__local_id", "scheme__slug", "trigger", "trigger_detail", "state"
    )
    screenings = Screening.objects.order_by("referral__person__local_id").values_list(
        "referral__person__local_id", *SCREENING_FIELDS[1:]
    )
    return list(referrals), list(screenings)


def test_one_screening_a_scheme_gives_what_each_step_gives_on_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The nightly screens each scheme's people once, for the automatic referrals and the
    disproportionality figures both; what they open, keep and count is what each step gives
    when it screens for itself. The people include those each step screens and the other does
    not: a draft's person who moved away, a member living elsewhere, adults in a youth scheme's
    areas and a young member about to turn 18."""
    today = timezone.localdate()
    found = w.schemes()
    derbyshire, nottinghamshire = found["derbyshire"], found["nottinghamshire"]
    w.fixed_candidate("FIX1")
    moved = w.fixed_candidate("MOVED1")
    open_due(today - timedelta(days=1))
    m.Person.objects.filter(pk=moved.pk).update(area="Leeds")
    elsewhere = w.fixed_candidate("AWAY1", area="Leeds")
    Membership.objects.create(person=elsewhere, scheme=derbyshire, cohort="fixed", start=today)
    notts_area = nottinghamshire.areas[0]
    young = w.person("YOUNG1", today.replace(year=today.year - 15), area=notts_area)
    for n in range(4):
        w.conviction(young, f"Y{n}", "02803", today - timedelta(days=40 * n + 10))
    w.fixed_candidate("ADULT1", area=notts_area)
    soon = w.person("TURN18", today.replace(year=today.year - 18) + timedelta(days=10))
    Membership.objects.create(
        person=soon, scheme=nottinghamshire, cohort="youth", start=today - timedelta(days=200)
    )
    parameters, before = impact_parameters(today), outcome_of_the_night()
    with transaction.atomic():  # each step on its own, then undone
        open_due(today)
        alone = outcome_of_the_night()
        figures_alone = {
            s.slug: [
                row.to_json()
                for row in fairness(queries.staged_people(s, today), today, parameters)
            ]
            for s in (derbyshire, nottinghamshire)
        }
        transaction.set_rollback(True)
    assert outcome_of_the_night() == before  # undone
    screens: list[Any] = []
    real = held.screen_held
    monkeypatch.setattr(held, "screen_held", lambda *asked: screens.append(asked) or real(*asked))
    code, said = nightly()
    assert code == 0, said
    assert len(screens) == 2  # once a scheme
    assert outcome_of_the_night() == alone
    opened = {(who, scheme) for who, scheme, *_ in alone[0]}
    assert opened == {
        ("FIX1", "derbyshire"),
        ("MOVED1", "derbyshire"),  # opened the day before, its person since moved away
        ("TURN18", "derbyshire"),
        ("YOUNG1", "nottinghamshire"),
    }
    assert {who for who, *_ in alone[1]} == {"FIX1", "MOVED1", "YOUNG1"}
    kept = {f.scheme.slug: f.rows for f in StoredFairness.objects.filter(as_of=today)}
    assert kept == figures_alone
