"""The schemes, and editing them (coordinators and system administrators)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from iom.accounts.access import FORM, staff_view
from iom.schemes import services
from iom.schemes.forms import MeetingTypeForm, SchemeForm
from iom.schemes.models import MeetingType, Scheme


@staff_view("view_schemes")
def scheme_list(request: HttpRequest) -> HttpResponse:
    schemes = Scheme.objects.prefetch_related("meeting_types")
    return render(request, "schemes/list.html", {"schemes": schemes})


@staff_view("edit_schemes", FORM)
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = get_object_or_404(Scheme, pk=pk)
    form = SchemeForm(request.POST or None, instance=scheme)
    return _edit(request, form, services.save_scheme, f"Edit {scheme.name}")


@staff_view("edit_schemes", FORM)
def edit_meeting_type(request: HttpRequest, pk: int) -> HttpResponse:
    kind = get_object_or_404(MeetingType, pk=pk)
    form = MeetingTypeForm(request.POST or None, instance=kind)
    return _edit(request, form, services.save_meeting_type, f"Edit {kind.name} ({kind.scheme})")


def _edit(request: HttpRequest, form: Any, save: Any, title: str) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        save(request.user, form)
        return redirect("schemes:list")
    return render(request, "schemes/edit.html", {"form": form, "title": title})
