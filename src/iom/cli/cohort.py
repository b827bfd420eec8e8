"""`iom exits` and `iom intel-check`: the cohort's daily runs."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import typer

from iom.cli.common import app, as_of_date

AS_OF = typer.Option("--as-of", parser=as_of_date, help="The day to run for (YYYY-MM-DD)")


@app.command("exits")
def exits_command(as_of: Annotated[date, AS_OF]) -> None:
    """Each current member's next step under the exit rules, one JSON line each.

    Brings each membership up to date first: the status follows custody (in custody, released),
    and a recorded transfer of supervision out of the area ends the membership. A rerun for the
    same day changes nothing.
    """
    from iom.web.bootstrap import setup

    setup()
    from iom.cases.services import bring_all_up_to_date

    for member, step in bring_all_up_to_date(as_of):
        line = {
            "person_id": member.person.local_id,
            "membership_id": member.pk,
            "scheme": member.scheme.slug,
            "next_step": step.code,
            "due_on": step.due_on.isoformat() if step.due_on else None,
            "evidence": step.reasons[0].evidence if step.reasons else {},
            "reason": step.reasons[0].text if step.reasons else "",
        }
        typer.echo(json.dumps(line, sort_keys=True))


@app.command("intel-check")
def intel_check_command(as_of: Annotated[date, AS_OF]) -> None:
    """The morning intelligence list: per scheme, members with entries not yet checked.

    One JSON line per member: scheme, person, membership and the entry ids to check (every entry,
    restricted ones included: the page shows each checker only what their agency may read).
    """
    from iom.web.bootstrap import setup

    setup()
    from iom.audit.service import listing, record
    from iom.cases.queries import intelligence_to_check

    to_check = intelligence_to_check(as_of)
    ids = listing(r.membership.person_id for rows in to_check.values() for r in rows)
    record(
        None,
        "consultation",
        "intelligence",
        "",
        f"iom intel-check --as-of {as_of}",
        details=ids,
    )
    for scheme, rows in to_check.items():
        for row in rows:
            line = {
                "scheme": scheme,
                "person_id": row.membership.person.local_id,
                "membership_id": row.membership.pk,
                "entries": [e.pk for e in row.entries],
            }
            typer.echo(json.dumps(line, sort_keys=True))
