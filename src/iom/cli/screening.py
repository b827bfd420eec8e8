"""`iom synth` and `iom screen`: whole populations, made up or screened."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from iom.cli.common import EXIT_BAD_INPUT, app, as_of_date, err, fail, progress
from iom.people.labels import EXCLUSIONS
from iom.rules import Policy, PolicyError, load_catalogue, load_policy, load_policy_file
from iom.words import how_many

if TYPE_CHECKING:
    from iom.screening.run import Screened
    from iom.synth import Chunk


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
    compare_policy: Annotated[
        Path | None,
        typer.Option(
            help="A policy file (e.g. a new dated version): write who would change outcome or "
            "cohort under it instead of the results"
        ),
    ] = None,
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
    if compare_policy is not None:
        compare_command(input, chosen, compare_policy, as_of, output, rejects, memory_limit)
        return
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
            + (
                ", ".join(f"{summary_label(heading, k)} ({v:,})" for k, v in counts.items())
                or "none"
            )
        )
    if result.rejected_rows:
        print_rejects(result.rejected_rows, result.held_back, result.rejects_file)


def summary_label(heading: str, key: str) -> str:
    """A value the summary counts, in words: 'not eligible', 'under 18', 'refer'."""
    if heading == "exclusion":
        return EXCLUSIONS.get(key, key)
    if heading == "refer_to_selection_meeting":
        return "refer" if key == "True" else "do not refer"
    return key.replace("_", " ")


def compare_command(
    source: Path,
    current: Policy,
    proposed_file: Path,
    as_of: date,
    output: Path,
    rejects: Path | None,
    memory_limit: str | None,
) -> None:
    """`iom screen --compare-policy FILE`: the people whose outcome or cohort would change."""
    from iom.ingest.loading import InputError
    from iom.screening.run import compare_policies, connect

    try:
        proposed = load_policy_file(proposed_file)
    except (OSError, PolicyError) as error:
        raise fail(str(error)) from None
    try:
        result = compare_policies(
            source,
            current,
            proposed,
            as_of,
            output,
            load_catalogue(),
            rejects_file=rejects,
            con=connect(memory_limit),
        )
    except (InputError, ValueError) as error:
        raise fail(str(error)) from None
    compared = result.comparison
    err.print(
        f"screened {compared.people:,} people under {current.version_label} and "
        f"{proposed.version_label}: {len(compared.changes):,} would change; the changes are in {output}",
        soft_wrap=True,
    )
    for outcome in compared.outcomes():
        err.print(
            f"  {outcome.replace('_', ' ')}: {compared.outcomes_before[outcome]:,} now, "
            f"{compared.outcomes_after[outcome]:,} under the new policy "
            f"({len(compared.entering(outcome)):,} in, {len(compared.leaving(outcome)):,} out)"
        )
    if result.rejected_rows:
        print_rejects(result.rejected_rows, result.held_back, result.rejects_file)
        raise typer.Exit(EXIT_BAD_INPUT)


def print_rejects(rejected: int, held_back: int, where: Path | None) -> None:
    err.print(
        f"[bold yellow]{how_many(rejected, 'rejected row', 'rejected rows')}[/]; "
        f"{how_many(held_back, 'person', 'people')} held back; see {where}",
        soft_wrap=True,
    )
