"""`iom assess` and `iom policies`: the rules core, one person at a time."""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from iom.cli.common import EXIT_BAD_INPUT, app, as_of_date, err, fail, out, read_input
from iom.explain import print_explanation
from iom.ingest.json_records import UnreadableFile, read_json_records
from iom.ingest.people import check_records
from iom.rules import PolicyError, assess, available_policies, load_catalogue, load_policy
from iom.rules.parameters import kinds
from iom.words import how_many

if TYPE_CHECKING:
    pass


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
        records = how_many(bad, "record was", "records were")
        err.print(f"{records} not assessed because of the errors above.")
        raise typer.Exit(EXIT_BAD_INPUT)


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


def _show(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    return (
        "none" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    )
