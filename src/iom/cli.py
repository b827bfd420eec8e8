"""`iom`: the command line. Each command is a thin door onto the library."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from iom.explain import print_explanation
from iom.ingest.json_records import UnreadableFile, read_json_records
from iom.ingest.people import check_records
from iom.rules import PolicyError, assess, available_policies, load_catalogue, load_policy
from iom.rules.dates import parse_date
from iom.rules.parameters import kinds

if TYPE_CHECKING:
    from iom.screening.run import Screened
    from iom.synth import Chunk

app = typer.Typer(
    help="Integrated Offender Management: selection rules and scheme tools.", no_args_is_help=True
)
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

EXIT_BAD_INPUT = 2


def fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", soft_wrap=True)
    return typer.Exit(EXIT_BAD_INPUT)


def as_of_date(text: str | date) -> date:
    if isinstance(text, date):  # a default given as a date
        return text
    try:
        return parse_date(text)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None


def read_input(file: str) -> str:
    if file == "-":
        return sys.stdin.read()
    try:
        return Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise fail(f"{file}: cannot read: {error}") from None


@app.command("assess")
def assess_command(
    file: Annotated[
        str,
        typer.Argument(help="JSON object, JSON array or JSON Lines of person records; - for stdin"),
    ],
    policy: Annotated[
        str, typer.Option(help="Policy id, e.g. derbyshire-2021 (see `iom policies`)")
    ],
    as_of: Annotated[
        date,
        typer.Option(
            "--as-of", parser=as_of_date, metavar="YYYY-MM-DD", help="Assess as on this day"
        ),
    ],
    explain: Annotated[
        bool, typer.Option(help="Print a readable account of each decision instead of JSON Lines")
    ] = False,
) -> None:
    """Assess each person in FILE under a policy: JSON Lines on stdout, in input order.

    Bad records are reported on stderr and skipped; the exit status is then 2.
    """
    try:
        chosen = load_policy(policy)
    except PolicyError as error:
        raise fail(str(error)) from None
    catalogue = load_catalogue()
    text = read_input(file)
    bad = 0
    try:
        for record in check_records(read_json_records(text), catalogue):
            if record.person is None:
                bad += 1
                for problem in record.errors:
                    where = (
                        file if problem.person == record.position else f"{file}: {record.position}"
                    )
                    err.print(f"{where}: {problem}", markup=False, soft_wrap=True)
                continue
            result = assess(record.person, chosen, as_of, catalogue)
            if explain:
                print_explanation(result, out)
            else:
                sys.stdout.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
    except UnreadableFile as error:
        raise fail(f"{file}: {error}") from None
    if bad:
        err.print(f"{bad} record(s) not assessed because of the errors above.")
        raise typer.Exit(EXIT_BAD_INPUT)


@app.command("synth")
def synth_command(
    people: Annotated[int, typer.Option(min=1, help="How many people")],
    out: Annotated[
        Path,
        typer.Option(help="people.jsonl, or a folder ending .parquet or .csv for the three tables"),
    ],
    seed: Annotated[int, typer.Option(help="The same seed gives the same population")] = 1,
    until: Annotated[
        date, typer.Option(parser=as_of_date, metavar="YYYY-MM-DD", help="Latest conviction date")
    ] = date(2025, 12, 31),
) -> None:
    """Generate a synthetic population (no real people) for demos, tests and benchmarks."""
    from iom.synth import CHUNK_SIZE, generate
    from iom.synth.writers import write

    if out.suffix.lower() not in (".jsonl", ".parquet", ".csv"):
        raise fail(f"{out}: the output must end in .jsonl, .parquet or .csv")
    chunks = -(-people // CHUNK_SIZE)
    with progress() as bar:
        task = bar.add_task("generating", total=chunks)

        def counted() -> Iterator[Chunk]:
            for chunk in generate(people, seed, until):
                yield chunk
                bar.advance(task)

        counts = write(counted(), out)
    err.print(f"wrote {out}: " + ", ".join(f"{n:,} {name}" for name, n in counts.items()))


@app.command("screen")
def screen_command(
    policy: Annotated[str, typer.Option(help="Policy id, e.g. derbyshire-2021")],
    as_of: Annotated[
        date,
        typer.Option(
            "--as-of", parser=as_of_date, metavar="YYYY-MM-DD", help="Screen as on this day"
        ),
    ],
    input: Annotated[
        Path,
        typer.Option(
            "--input",
            help="A .jsonl file, or a folder of people/convictions/custody .parquet or .csv",
        ),
    ],
    output: Annotated[Path, typer.Option(help="Results: .parquet, .csv or .jsonl")],
    candidates: Annotated[
        bool, typer.Option(help="Write the ranked candidate list instead of everyone")
    ] = False,
    on_scheme: Annotated[
        Path | None,
        typer.Option(
            help="File of person ids already on the scheme (one a line), left out of --candidates"
        ),
    ] = None,
    rejects: Annotated[
        Path | None, typer.Option(help="Where to write rejected rows (default: OUTPUT.rejects.csv)")
    ] = None,
    memory_limit: Annotated[str | None, typer.Option(help="DuckDB memory limit, e.g. 3GB")] = None,
) -> None:
    """Screen a whole population under a policy, vectorised in DuckDB.

    Bad rows are written to the rejects file with their file, line, field and reason; the people
    they belong to are held back and the rest are screened. The exit status is then 2.
    """
    from iom.ingest.loading import InputError
    from iom.screening.run import STEPS, connect, screen

    try:
        chosen = load_policy(policy)
    except PolicyError as error:
        raise fail(str(error)) from None
    if not input.exists():
        raise fail(f"{input}: no such file or folder")
    ids = set(on_scheme.read_text().split()) if on_scheme else set()
    with progress() as bar:
        task = bar.add_task("screening", total=len(STEPS))

        def step(name: str) -> None:
            bar.update(task, description=name, completed=STEPS.index(name))

        try:
            result = screen(
                input,
                chosen,
                as_of,
                output,
                load_catalogue(),
                candidates=candidates,
                on_scheme=ids,
                rejects_file=rejects,
                con=connect(memory_limit),
                step=step,
            )
        except (InputError, ValueError) as error:
            raise fail(str(error)) from None
        bar.update(task, completed=len(STEPS), description="done")
    print_summary(result, output)
    if result.rejected_rows:
        raise typer.Exit(EXIT_BAD_INPUT)


def print_summary(result: Screened, output: Path) -> None:
    err.print(f"screened {result.people:,} people; results in {output}", soft_wrap=True)
    for heading, counts in result.summary.items():
        err.print(
            f"  {heading.replace('_', ' ')}: "
            + (", ".join(f"{k} {v:,}" for k, v in counts.items()) or "none")
        )
    if result.rejected_rows:
        err.print(
            f"[bold yellow]{result.rejected_rows:,} rejected row(s)[/]; {result.held_back:,} person(s) held back; "
            f"see {result.rejects_file}",
            soft_wrap=True,
        )


def progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


@app.command("policies")
def policies_command() -> None:
    """List the policies and every parameter with its value, unit and source."""
    for policy_id in available_policies():
        policy = load_policy(policy_id)
        out.print(f"[bold underline]{policy.id}[/]: {policy.title}")
        out.print(f"version {policy.version_label}; source: {policy.source['document']}\n")
        for name in kinds(policy.engine):
            parameter = policy.parameters[name]
            values = "; ".join(
                f"{_show(value)} from {since.isoformat()}" for since, value in parameter.values
            )
            out.print(f"[bold]{name}[/] = {values}")
            out.print(f"    {parameter.label} [dim]({parameter.unit})[/]")
            out.print(f"    [dim]{parameter.reference}[/]")
        out.print()


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
    err.print(f"import {run.pk}: {run.created:,} new, {run.updated:,} updated, {run.unchanged:,} unchanged, "
              f"{run.rejected:,} kept aside", soft_wrap=True)  # fmt: skip
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
    """Development only: load synthetic people and make one demo user per role."""
    from iom.web.bootstrap import setup

    setup()
    from iom.web.demo import DemoRefused, load_people, make_users

    try:
        users = make_users()
    except DemoRefused as error:
        raise fail(str(error)) from None
    loaded = load_people(people)
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


def _show(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    return (
        "none" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    )


def main() -> None:
    """Entry point: no traceback reaches the user, whatever happens."""
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
    except Exception as error:
        err.print(f"[bold red]error:[/] unexpected failure: {type(error).__name__}: {error}")
        sys.exit(1)
