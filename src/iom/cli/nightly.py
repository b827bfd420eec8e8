"""`iom nightly`: every night's work in one command, so that a deployment schedules one line."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, timedelta
from typing import Annotated

import typer

from iom.cli.common import app, as_of_date, err, out
from iom.words import how_many

PRUNED_AFTER_DAYS = 14  # how long a finished task's record is kept


@app.command("nightly")
def nightly_command(
    as_of: Annotated[
        date, typer.Option("--as-of", parser=as_of_date, help="The day to run for (YYYY-MM-DD)")
    ],
    keep_what_ifs: Annotated[
        int, typer.Option("--keep-what-ifs", help="Days a kept policy what-if is kept", min=1)
    ] = 30,
) -> None:
    """Bring the cohort up to date, screen each scheme's people once, open the automatic
    referrals, keep each scheme's disproportionality figures, erase old what-ifs and finished
    task records, then check the access log. Every step runs even when one before it fails; the
    command then fails, naming it.
    """
    from iom.web.bootstrap import setup

    setup()
    failed = []
    for name, step in _steps(as_of, keep_what_ifs):
        try:
            out.print(f"{name}: {step()}")
        except Exception as error:
            err.print(f"[bold red]failed:[/] {name}: {type(error).__name__}: {error}")
            failed.append(name)
    if failed:
        err.print(f"{how_many(len(failed), 'step', 'steps')} failed: {', '.join(failed)}")
        raise typer.Exit(1)


def _steps(as_of: date, keep_what_ifs: int) -> list[tuple[str, Callable[[], str]]]:
    from django.core.management import call_command
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from iom.audit.models import AuditEvent
    from iom.audit.service import verify
    from iom.cases.services import bring_all_up_to_date
    from iom.governance import queries
    from iom.governance.services import forget_old_what_ifs, work_out_fairness
    from iom.people.held import Screenings
    from iom.referrals.automatic import open_due, screened_population
    from iom.rules import load_catalogue

    screenings = Screenings()  # the referrals and the figures read the same screening

    def cohort() -> str:
        return how_many(len(bring_all_up_to_date(as_of)), "member", "members")

    def screening() -> str:
        said = []
        for scheme in queries.schemes():
            everyone = screened_population(scheme, as_of) | queries.staged_population(scheme, as_of)
            found = screenings.of(everyone, scheme.policy(), as_of, load_catalogue())
            said.append(f"{scheme}: {how_many(len(found), 'person', 'people')}")
        return ", ".join(said)

    def referrals() -> str:
        opened = sum(open_due(as_of, screenings).values())
        return how_many(opened, "referral opened", "referrals opened")

    def fairness() -> str:
        kept = [work_out_fairness(s, as_of, None, screenings) for s in queries.schemes()]
        return ", ".join(f"{s.scheme}: {how_many(s.screened, 'person', 'people')}" for s in kept)

    def what_ifs() -> str:
        return how_many(forget_old_what_ifs(keep_what_ifs), "erased", "erased")

    def task_records() -> str:
        # Counted among records already old enough to go, which no task started meanwhile joins.
        cut_off = timezone.now() - timedelta(days=PRUNED_AFTER_DAYS)
        old = DBTaskResult.objects.finished().filter(finished_at__lte=cut_off)
        before = old.count()
        call_command(
            "prune_db_task_results",
            f"--min-age-days={PRUNED_AFTER_DAYS}",
            verbosity=0,
            stdout=io.StringIO(),
        )
        return how_many(before - old.count(), "record", "records")

    def access_log() -> str:
        broken = verify()
        if broken is not None:
            raise RuntimeError(f"event {broken.event_id} {broken.problem}")
        return f"intact, {AuditEvent.objects.count():,} events chained"

    return [
        ("cohort brought up to date", cohort),
        ("people screened", screening),
        ("automatic referrals", referrals),
        ("disproportionality figures kept", fairness),
        ("old policy what-ifs", what_ifs),
        ("finished task records pruned", task_records),
        ("access log", access_log),
    ]
