"""A meeting's minutes: one template read as a page and printed to PDF (WeasyPrint)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.conf import settings

from iom.panels import agenda
from iom.panels.models import Meeting
from iom.pdf import template_to_pdf
from iom.referrals.models import StoredAssessment


def context(meeting: Meeting, user: Any) -> dict[str, Any]:
    attendance: dict[str, list[Any]] = defaultdict(list)
    for row in meeting.attendances.filter(present=True).select_related("user", "agency"):
        attendance[str(row.agency or "No agency")].append(
            row.user.get_full_name() or row.user.username
        )
    decisions = list(meeting.decisions.select_related("referral__person", "recorded_by"))
    decided = StoredAssessment.objects.filter(
        referral__in=[d.referral_id for d in decisions], stage=StoredAssessment.Stage.DECIDED
    )
    stored = {s.referral_id: s for s in decided.order_by("stored_at", "id")}  # the latest wins
    items = agenda.visible_items(meeting, user)
    return {
        "meeting": meeting,
        "attendance": dict(sorted(attendance.items())),
        "items": items,
        "decisions": [d for d in decisions if user.has_perm("iom.view_referrals", d.referral)],
        "stored": stored,
        "actions": meeting.actions.select_related("owner", "agency"),
        "service_name": settings.IOM_SERVICE_NAME,
    }


def pdf(meeting: Meeting, user: Any) -> bytes:
    return template_to_pdf("panels/minutes_document.html", context(meeting, user))
