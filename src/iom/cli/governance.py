"""`iom governance`: the nightly work behind the governance and policy pages: keeping the
disproportionality figures, and erasing old kept what-ifs."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from iom.cli.common import as_of_date, fail, out
from iom.words import how_many

governance = typer.Typer(help="The governance group's figures in the app.", no_args_is_help=True)


@governance.command("fairness")
def fairness_command(
    as_of: Annotated[
        date, typer.Option("--as-of", parser=as_of_date, help="The day to work out (YYYY-MM-DD)")
    ],
    scheme: Annotated[
        str, typer.Option("--scheme", help="One scheme's slug; every scheme by default")
    ] = "",
) -> None:
    """Screen each scheme's people and keep its disproportionality figures as on the day, so that
    the app's pages read them rather than screening a force's population while a reader waits."""
    from iom.web.bootstrap import setup

    setup()
    from iom.governance import queries
    from iom.governance.services import work_out_fairness

    chosen = queries.schemes(scheme or None)
    if not chosen:
        raise fail(f"--scheme: no scheme is called {scheme!r}")
    for each in chosen:
        stored = work_out_fairness(each, as_of, None)
        screened = how_many(stored.screened, "person", "people")
        out.print(f"{each}: {screened} screened, {how_many(len(stored.rows), 'row', 'rows')} kept")


@governance.command("forget-what-ifs")
def forget_what_ifs_command(
    days: Annotated[int, typer.Option("--older-than", help="Days kept", min=1)] = 30,
) -> None:
    """Erase the policy what-ifs asked for more than the given number of days ago (nightly):
    each names the people it would change."""
    from iom.web.bootstrap import setup

    setup()
    from iom.governance.services import forget_old_what_ifs

    erased = forget_old_what_ifs(days)
    out.print(f"{how_many(erased, 'kept what-if', 'kept what-ifs')} erased")
