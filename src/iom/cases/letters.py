"""The printed documents: the case review (what the member page shows, from
`queries.member_record`), the introduction and consent letter, the 3-month notice and the exit
letter (WeasyPrint).

A scheme can have its own letter wording: `cases/letters/<scheme slug>/<kind>.html` is used where
it exists, else `cases/letters/<kind>.html`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import select_template
from django.utils import timezone

from iom.cases import models as cm
from iom.cases import queries
from iom.cases.services import step_for
from iom.pdf import html_to_pdf, template_to_pdf

LETTERS = ("consent", "notice", "exit")


def review_pdf(membership: cm.Membership, user: Any) -> bytes:
    record = queries.member_record(membership, user)
    return template_to_pdf("cases/review_document.html", record)


def letter_context(membership: cm.Membership) -> dict[str, Any]:
    agencies = sorted(
        {str(a.worker.agency) for a in membership.open_allocations() if a.worker.agency}
    )
    return {
        "membership": membership,
        "person": membership.person,
        "scheme": membership.scheme,
        "today": timezone.localdate(),
        "allocations": membership.open_allocations(),
        "agencies": agencies,
        "step": step_for(membership, timezone.localdate()) if membership.current else None,
        "last_decision": membership.exit_decisions.first(),
        "partnership": settings.IOM_PARTNERSHIP_NAME,
        "service_name": settings.IOM_SERVICE_NAME,
    }


def letter_pdf(membership: cm.Membership, kind: str) -> bytes:
    if kind not in LETTERS:
        raise ValueError(f"no letter called {kind!r}")
    template = select_template(
        [f"cases/letters/{membership.scheme.slug}/{kind}.html", f"cases/letters/{kind}.html"]
    )
    return html_to_pdf(template.render(letter_context(membership)))
