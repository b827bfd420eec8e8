"""What every `iom` command shares: the Typer app, consoles, exit codes, argument helpers."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from iom.rules.dates import parse_date

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


def progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
