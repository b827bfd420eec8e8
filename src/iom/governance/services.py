"""Changes the governance and policy pages ask for: each writes its access-log event in its
transaction."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from iom.audit.models import Operation
from iom.audit.service import listing, record
from iom.governance import queries, what_if
from iom.governance.models import StoredFairness, WhatIfRun
from iom.impact import fairness, impact_parameters
from iom.people.held import Screenings
from iom.schemes.models import Scheme
from iom.words import how_many


def work_out_fairness(
    scheme: Scheme, as_of: date, by: Any, screenings: Screenings | None = None
) -> StoredFairness:
    """Screen the scheme's people as on `as_of` (unless `screenings` holds them) and keep its
    disproportionality figures (a rerun replaces them). The figures are counts by group; no
    person's record is kept with them."""
    staged = queries.staged_people(scheme, as_of, screenings)
    rows = [row.to_json() for row in fairness(staged, as_of, impact_parameters(as_of))]
    with transaction.atomic():
        stored, _ = StoredFairness.objects.update_or_create(
            scheme=scheme,
            as_of=as_of,
            defaults={"worked_out_at": timezone.now(), "screened": len(staged), "rows": rows},
        )
        record(
            by,
            Operation.CONSULTATION,
            "aggregate figures",
            "",
            f"worked out the disproportionality figures of {scheme}",
            details=f"as of {as_of}; {len(staged):,} people's records screened",
        )
    return stored


def ask_for_what_if(user: Any, scheme: Scheme, proposed_text: str, as_of: date) -> WhatIfRun:
    """Keep a what-if for the task worker to work out (`work_out_what_if`)."""
    with transaction.atomic():
        run = WhatIfRun.objects.create(
            scheme=scheme,
            asked_by=user,
            asked_at=timezone.now(),
            as_of=as_of,
            proposed_text=proposed_text,
        )
        record(
            user,
            Operation.CONSULTATION,
            "policy what-if",
            run.pk,
            f"asked for a what-if of {scheme}",
        )
    return run


def work_out_what_if(run: WhatIfRun) -> None:
    """Screen the scheme's people under its policy and the proposal, and keep what changes."""
    try:
        found = what_if.run(run.scheme, what_if.proposed_policy(run.proposed_text), run.as_of)
    except Exception:
        WhatIfRun.objects.filter(pk=run.pk).update(
            state=WhatIfRun.State.FAILED, finished_at=timezone.now()
        )
        raise
    with transaction.atomic():
        run.result = what_if.to_json(found)
        run.state, run.finished_at = WhatIfRun.State.DONE, timezone.now()
        run.save(update_fields=["result", "state", "finished_at"])
        record(
            run.asked_by,
            Operation.CONSULTATION,
            "policy what-if",
            run.pk,
            f"compared {found.current_label} with {found.proposed_label}",
            details=f"{found.comparison.people:,} people's records screened",
        )


def forget_old_what_ifs(older_than_days: int, by: Any = None) -> int:
    """Erase the kept what-ifs asked for more than `older_than_days` ago (each holds the local
    ids of the people it would change): how many were erased."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    with transaction.atomic():
        old = WhatIfRun.objects.filter(asked_at__lt=cutoff)
        ids = list(old.values_list("pk", flat=True))
        if ids:
            old.delete()
            erased = how_many(len(ids), "kept what-if", "kept what-ifs")
            record(
                by,
                Operation.ERASURE,
                "policy what-if",
                "",
                f"erased {erased} asked for before {cutoff:%-d %B %Y}",
                details=listing(ids),
            )
    return len(ids)
