"""`iom`: the command line, a module per command group. Each command is a thin door onto the library."""

from __future__ import annotations

import sys

from iom.cli import (  # noqa: F401 - each registers its commands
    app_commands,
    cohort,
    governance,
    impact,
    nightly,
    referrals,
    rules,
    screening,
)
from iom.cli.common import app, err

app.add_typer(referrals.referrals, name="referrals")
app.add_typer(governance.governance, name="governance")

__all__ = ["app", "main"]


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
