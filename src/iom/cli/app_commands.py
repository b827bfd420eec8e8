"""Commands for the web app's database: import, audit-verify, demo, demo-code, permissions-doc."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from iom.cli.common import EXIT_BAD_INPUT, app, err, fail, out, progress


@app.command("import")
def import_command(
    file: Annotated[
        Path,
        typer.Argument(
            help="A .jsonl file, or a folder of people/convictions/custody .parquet or .csv"
        ),
    ],
) -> None:
    """Load an extract into the web app's database: upsert by PNC id or local id, bad rows reported."""
    from iom.web.bootstrap import setup

    setup()
    from iom.people.importer import import_file

    if not file.exists():
        raise fail(f"{file}: no such file or folder")
    with progress() as bar:
        task = bar.add_task("importing", total=None)
        run = import_file(
            file, progress=lambda done, total: bar.update(task, completed=done, total=total)
        )
    err.print(
        f"import {run.pk}: {run.created:,} new, {run.updated:,} updated, {run.unchanged:,} unchanged, "
        f"{run.rejected:,} kept aside",
        soft_wrap=True,
    )
    for problem in run.problems.all()[:50]:
        err.print(
            f"{problem.file}: line {problem.line}: {problem.person}: {problem.field}: {problem.reason}",
            markup=False,
            soft_wrap=True,
        )
    if run.rejected:
        raise typer.Exit(EXIT_BAD_INPUT)


@app.command("audit-verify")
def audit_verify_command() -> None:
    """Check the access log: its keyed hash chain, and its end against the checkpoint."""
    from iom.web.bootstrap import setup

    setup()
    from iom.audit import checkpoint
    from iom.audit.models import AuditEvent
    from iom.audit.service import verify

    broken = verify()
    if broken is not None:
        err.print(f"[bold red]broken:[/] event {broken.event_id} {broken.problem}", soft_wrap=True)
        raise typer.Exit(1)
    head = checkpoint.read()
    end = (
        f"holds the checkpointed event {head.event_id}"
        if head
        else "is empty, with no checkpoint yet"
    )
    out.print(f"the access log is intact: {AuditEvent.objects.count():,} events chained; it {end}")


@app.command("demo")
def demo_command(
    people: Annotated[int, typer.Option(help="Synthetic people to load")] = 2000,
) -> None:
    """Development only: synthetic people, one demo user per role, and a scheme at work."""
    from iom.web.bootstrap import setup

    setup()
    from iom.web.demo import DemoRefused, load_people, make_scheme_at_work, make_users

    try:
        users = make_users()
    except DemoRefused as error:
        raise fail(str(error)) from None
    loaded = load_people(people)
    made = make_scheme_at_work()
    out.print(
        f"Schemes at work: {made['referrals']:,} referrals, meetings with agendas and decisions, "
        f"{made['members']:,} members ({made['past']:,} of them from the last two years' panels)."
    )
    out.print(
        f"{loaded:,} synthetic people loaded. Demo users (password, then TOTP secret for an authenticator app):"
    )
    for u in users:
        out.print(
            f"  {u.username:<28} {u.role:<36} {u.password}  {u.secret}",
            markup=False,
            soft_wrap=True,
        )
    out.print("No authenticator app? `iom demo-code USERNAME` prints the current code.")


@app.command("demo-code")
def demo_code_command(username: str) -> None:
    """Development only: print the current TOTP code of a demo user."""
    from iom.web.bootstrap import setup

    setup()
    from iom.web.demo import DemoRefused, current_code

    try:
        out.print(current_code(username))
    except DemoRefused as error:
        raise fail(str(error)) from None
    except Exception:
        raise fail(f"no demo user {username!r} with an authenticator") from None


@app.command("permissions-doc")
def permissions_doc_command(
    write: Annotated[Path | None, typer.Option(help="Write to this file")] = None,
) -> None:
    """Print (or write) docs/permissions.md from the permission matrix."""
    from iom.web.bootstrap import setup

    setup()
    from iom.accounts.permissions import markdown

    text = markdown()
    if write:
        write.write_text(text)
    else:
        sys.stdout.write(text)
