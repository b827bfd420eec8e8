"""`iom nightly`: each night's work in one command; a failing step fails it, the others still run."""

from __future__ import annotations

import pytest
from django.utils import timezone
from typer.testing import CliRunner

from iom.audit.models import AuditEvent
from iom.cli import app
from iom.governance.models import StoredFairness
from iom.referrals.models import Referral
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
    assert Referral.objects.filter(person__local_id="NIGHT1", state="draft").count() == 1
    assert StoredFairness.objects.filter(as_of=timezone.localdate()).count() == 2
    assert AuditEvent.objects.filter(description__startswith="the daily run as of").exists()
    code, said = nightly()  # a rerun opens nothing new
    assert code == 0, said
    assert "automatic referrals: 0 referrals opened" in said


def test_a_failing_step_fails_the_run_and_the_rest_still_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from iom.referrals import automatic

    def broken(as_of: object) -> dict[str, int]:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(automatic, "open_due", broken)
    w.schemes()
    code, said = nightly()
    assert code == 1
    assert "failed: automatic referrals: RuntimeError: the database went away" in said
    assert "1 step failed: automatic referrals" in said
    assert "access log: intact" in said  # the steps after it ran
    assert StoredFairness.objects.count() == 2
