from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from iom.accounts.access import staff_view
from iom.audit.models import AuditEvent, Operation


@staff_view("view_audit_log")
def log(request: HttpRequest) -> HttpResponse:
    events = AuditEvent.objects.order_by("-id")
    filters = {
        "username": request.GET.get("username", "").strip(),
        "operation": request.GET.get("operation", "").strip(),
        "record_id": request.GET.get("record_id", "").strip(),
    }
    if filters["username"]:
        events = events.filter(username=filters["username"])
    if filters["operation"] in Operation.values:
        events = events.filter(operation=filters["operation"])
    if filters["record_id"]:
        events = events.filter(record_id=filters["record_id"])
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/log.html",
        {"page": page, "filters": filters, "operations": Operation.choices},
    )
