from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from iom.accounts.access import staff_view
from iom.audit.models import AuditEvent, Operation
from iom.audit.service import listing, record
from iom.ingest.text import storable


@staff_view("view_audit_log")
def log(request: HttpRequest) -> HttpResponse:
    events = AuditEvent.objects.order_by("-id")
    filters = {
        "username": storable(request.GET.get("username", "").strip())[:150],
        "operation": request.GET.get("operation", "").strip(),
        "record_id": storable(request.GET.get("record_id", "").strip())[:100],
    }
    if filters["username"]:
        events = events.filter(username=filters["username"])
    if filters["operation"] in Operation.values:
        events = events.filter(operation=filters["operation"])
    if filters["record_id"]:
        events = events.filter(record_id=filters["record_id"])
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    user: Any = request.user
    details_visible = user.has_perm("iom.view_audit_details")
    if details_visible:
        shown = listing(e.pk for e in page)
        record(
            user,
            Operation.CONSULTATION,
            "access log",
            "",
            "read the access log with details",
            details=shown,
        )
    return render(
        request,
        "audit/log.html",
        {
            "page": page,
            "filters": filters,
            "operations": Operation.choices,
            "details_visible": details_visible,
        },
    )
