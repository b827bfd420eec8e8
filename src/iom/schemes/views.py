"""The schemes, editing them (coordinators and system administrators), and policy what-ifs."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from iom.accounts.access import CHANGE, FORM, staff_view
from iom.audit.models import Operation
from iom.audit.service import record
from iom.schemes import services
from iom.schemes import what_if as what_ifs
from iom.schemes.forms import ActivateForm, MeetingTypeForm, SchemeForm, WhatIfForm
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


SEEN = "policy_what_if"  # session key: the proposals whose what-if this user has seen


@staff_view("run_policy_what_if", FORM)
def what_if(request: HttpRequest) -> HttpResponse:
    schemes = list(Scheme.objects.order_by("name"))
    chosen = next((s for s in schemes if s.slug == request.GET.get("scheme")), schemes[0])
    form = WhatIfForm(request.POST or None, request.FILES or None, scheme=chosen)
    result = None
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        result = what_ifs.run(
            chosen, form.cleaned_data["policy"], form.cleaned_data["in_force_from"]
        )
        digest = hashlib.sha256(text.encode()).hexdigest()
        request.session[SEEN] = {"scheme": chosen.pk, "digest": digest, "text": text}
        shown = ",".join(str(p.pk) for p in result.people.values())
        record(
            request.user,
            Operation.CONSULTATION,
            "policy what-if",
            chosen.pk,
            f"compared {result.current.version_label} with {result.proposed.version_label}",
            details=shown[:2000],
        )
    context = {
        "schemes": schemes,
        "scheme": chosen,
        "form": form,
        "result": result,
        "activate": ActivateForm(initial={"digest": request.session.get(SEEN, {}).get("digest")}),
    }
    return render(request, "schemes/what_if.html", context)


@staff_view("activate_policy", CHANGE)
def activate(request: HttpRequest) -> HttpResponse:
    form = ActivateForm(request.POST)
    seen = request.session.get(SEEN) or {}
    if not form.is_valid() or form.cleaned_data["digest"] != seen.get("digest"):
        messages.error(
            request,
            "Run the what-if for this version and give a reason before putting it in force.",
        )
        return redirect("policies:what-if")
    scheme = get_object_or_404(Scheme, pk=seen["scheme"])
    version = services.activate_policy(
        request.user, scheme, seen["text"], form.cleaned_data["note"]
    )
    del request.session[SEEN]
    messages.success(request, f"{version.label} is now in force for {scheme.name}")
    return redirect("schemes:list")
