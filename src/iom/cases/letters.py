"""What a member's page and case review show, and the printed documents: the case review, the
introduction and consent letter, the 3-month notice and the exit letter (WeasyPrint).

A scheme can have its own letter wording: `cases/letters/<scheme slug>/<kind>.html` is used where
it exists, else `cases/letters/<kind>.html`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string, select_template
from django.utils import timezone

from iom.cases import models as cm
from iom.cases import queries, schedule
from iom.cases.pathways import PATHWAYS
from iom.cases.services import step_for, step_label
from iom.referrals.services import assessment_now

LETTERS = ("consent", "notice", "exit")


def pathway_history(membership: cm.Membership) -> list[dict[str, Any]]:
    """Each pathway with a status recorded: the latest first, then the earlier ones."""
    rows: dict[str, list[cm.PathwayStatus]] = {}
    for row in membership.pathways.select_related("recorded_by").order_by("-on", "-id"):
        rows.setdefault(row.pathway, []).append(row)
    return [{"pathway": PATHWAYS[code], "history": rows[code]} for code in PATHWAYS if code in rows]


def review_context(membership: cm.Membership, user: Any) -> dict[str, Any]:
    """Everything the member page and the case review PDF show."""
    today = timezone.localdate()
    person = membership.person
    step = step_for(membership, today) if membership.current else None
    flags = [f for f in person.flags.select_related("agency", "recorded_by") if f.visible_to(user)]
    checks = {c.entry_id: c for c in membership.intelligence_checks.select_related("checked_by")}
    contact_check = queries.against_plan([membership], today)
    return {
        "membership": membership,
        "person": person,
        "today": today,
        "step": step,
        "step_label": step_label(step) if step else "",
        "allocations": membership.allocations.select_related("worker", "worker__agency"),
        "plan": membership.contact_plan.select_related("agreed_by").order_by("ended_on", "kind"),
        "against_plan": contact_check[0] if contact_check else None,
        "contacts": membership.contacts.select_related("agency", "recorded_by", "requirement")[:50],
        "consents": membership.consents.select_related("recorded_by"),
        "consent_overdue": schedule.consent_overdue(
            membership.start, membership.consents.exists(), today
        ),
        "pathways": pathway_history(membership),
        "requirements": [
            (
                r,
                r.attendance.filter(outcome=cm.Contact.Outcome.ATTENDED).count(),
                r.attendance.count(),
            )
            for r in membership.requirements.all()
        ],
        "enforcement": membership.enforcement.select_related("agency"),
        "flags": [(f, checks.get(f.pk)) for f in flags],
        "exit_decisions": membership.exit_decisions.select_related("meeting", "recorded_by"),
        "events": membership.events.select_related("by")[:100],
        "assessment": assessment_now(person, membership.scheme, today),
        "service_name": settings.IOM_SERVICE_NAME,
        "partnership": settings.IOM_PARTNERSHIP_NAME,
    }


def _pdf(html: str) -> bytes:
    from weasyprint import HTML  # loads Pango: only when a PDF is asked for

    return bytes(HTML(string=html, base_url=str(settings.STATICFILES_DIRS[0])).write_pdf())


def review_pdf(membership: cm.Membership, user: Any) -> bytes:
    return _pdf(render_to_string("cases/review_document.html", review_context(membership, user)))


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
    return _pdf(template.render(letter_context(membership)))
