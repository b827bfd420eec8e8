"""`iom referrals auto`: open the referrals the schemes' triggers call for."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from iom.cli.common import as_of_date, out

referrals = typer.Typer(help="Referrals to the schemes.", no_args_is_help=True)


@referrals.command("auto")
def auto_command(
    as_of: Annotated[
        date, typer.Option("--as-of", parser=as_of_date, help="The day to run for (YYYY-MM-DD)")
    ],
) -> None:
    """Open a referral for each screening candidate, GPS-tag release and young person turning 18.

    Never two open referrals for one person and scheme; a rerun opens nothing new.
    """
    from iom.web.bootstrap import setup

    setup()
    from iom.referrals.automatic import open_due

    opened = open_due(as_of)
    for trigger, count in opened.items():
        out.print(f"{count:,} {trigger}")
    out.print(f"{sum(opened.values()):,} referrals opened")
