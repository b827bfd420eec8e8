"""`iom impact` and `iom fairness`: the impact contract's figures from files (shared/spec/impact.md)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from iom.cli.common import EXIT_BAD_INPUT, app, as_of_date, err, fail
from iom.words import how_many

if TYPE_CHECKING:
    from iom.ingest.sources import Problem

AS_OF = typer.Option(
    "--as-of", parser=as_of_date, metavar="YYYY-MM-DD", help="Count as on this day"
)
OUTPUT = typer.Option("--output", help="Where to write the results (JSON)")
REJECTS = typer.Option(help="Where to write rejected rows (default: OUTPUT.rejects.csv)")


@app.command("impact")
def impact_command(
    input: Annotated[
        Path,
        typer.Option(
            "--input",
            help="People: a .jsonl file, or a folder of people/convictions/custody .parquet or .csv",
        ),
    ],
    memberships: Annotated[
        Path,
        typer.Option(help="CSV: person_id, scheme, cohort, area, start, end, end_reason"),
    ],
    as_of: Annotated[date, AS_OF],
    output: Annotated[Path, OUTPUT],
    rejects: Annotated[Path | None, REJECTS] = None,
) -> None:
    """Offending before and after joining, per episode and per scheme, cohort and area.

    Bad rows in either input are written to the rejects file with their file, line, field and
    reason and left out; everything else is computed. The exit status is then 2.
    """
    from iom.impact import group, impact_parameters
    from iom.ingest.impact_files import read_memberships
    from iom.ingest.loading import connect
    from iom.ingest.sources import UnreadableInput, load_checked
    from iom.rules import load_catalogue
    from iom.screening.impact import measure_all

    con = connect()
    try:
        problems = load_checked(con, input, load_catalogue())
        people = {row[0] for row in con.execute("SELECT id FROM people").fetchall()}
        memberships_in, bad_rows = read_memberships(memberships, as_of, people)
    except UnreadableInput as error:
        raise fail(str(error)) from None
    episodes = measure_all(con, memberships_in, as_of, impact_parameters(as_of))
    write_json(
        output,
        {
            "as_of": as_of.isoformat(),
            "episodes": [e.to_json() for e in episodes],
            "groups": [g.to_json() for g in group(episodes)],
        },
    )
    measured = sum(e.measured for e in episodes)
    err.print(
        f"{len(episodes):,} episodes: {measured:,} measured, {len(episodes) - measured:,} too early "
        f"to measure; results in {output}",
        soft_wrap=True,
    )
    report_rejects(problems + bad_rows, rejects or output.with_name(output.name + ".rejects.csv"))


@app.command("fairness")
def fairness_command(
    input: Annotated[
        Path, typer.Option("--input", help="CSV: person_id, ethnicity, sex, date_of_birth, stage")
    ],
    as_of: Annotated[date, AS_OF],
    output: Annotated[Path, OUTPUT],
    rejects: Annotated[Path | None, REJECTS] = None,
) -> None:
    """The relative rate index at each selection stage by ethnicity, sex and age band.

    Counts of 1 to 4 are shown as "<5" with no rate or index. Bad rows are reported as
    `iom impact` reports them.
    """
    from iom.impact import fairness, impact_parameters
    from iom.ingest.impact_files import read_stages
    from iom.ingest.sources import UnreadableInput

    try:
        people, problems = read_stages(input, as_of)
    except UnreadableInput as error:
        raise fail(str(error)) from None
    rows = fairness(people, as_of, impact_parameters(as_of))
    write_json(output, {"as_of": as_of.isoformat(), "rows": [r.to_json() for r in rows]})
    significant = sum(bool(r.significant) for r in rows)
    err.print(
        f"{len(people):,} people; {len(rows):,} rows, {significant:,} significant; results in {output}",
        soft_wrap=True,
    )
    report_rejects(problems, rejects or output.with_name(output.name + ".rejects.csv"))


def write_json(path: Path, content: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, ensure_ascii=False) + "\n", encoding="utf-8")


def report_rejects(problems: list[Problem], path: Path) -> None:
    """As `iom screen` does: a rejects CSV, a line on standard error, exit status 2."""
    from iom.spreadsheet import write_csv

    if not problems:
        return
    with path.open("w", encoding="utf-8", newline="") as handle:
        write_csv(
            handle,
            ("file", "line", "person", "field", "value", "reason"),
            (
                (p.file, p.line, p.person, p.field, p.value, p.reason)
                for p in sorted(problems, key=lambda p: (p.file, p.line, p.field))
            ),
        )
    rows = how_many(len(problems), "rejected row", "rejected rows")
    err.print(f"[bold yellow]{rows}[/]; see {path}", soft_wrap=True)
    raise typer.Exit(EXIT_BAD_INPUT)
