"""Changes the governance pages ask for: each writes its access-log event in its transaction."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from iom.audit.models import Operation
from iom.audit.service import record
from iom.governance import queries
from iom.governance.models import StoredFairness
from iom.impact import fairness, impact_parameters
from iom.schemes.models import Scheme


def work_out_fairness(scheme: Scheme, as_of: date, by: Any) -> StoredFairness:
    """Screen the scheme's people as on `as_of` and keep its disproportionality figures (a rerun
    replaces them). The figures are counts by group; no person's record is kept with them."""
    staged = queries.staged_people(scheme, as_of)
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
