"""Policy what-ifs: a proposal screened against the policy in force, and putting a seen proposal
in force (coordinators)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from iom.accounts.access import CHANGE, FORM, staff_view
from iom.audit.models import Operation
from iom.audit.service import listing, record
from iom.governance import what_if as what_ifs
from iom.governance.forms import ActivateForm, WhatIfForm
from iom.schemes import services
from iom.schemes.models import Scheme

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
        user: Any = request.user
        result.people = {  # a child's name only to a role that may open the child's record
            local_id: person
            for local_id, person in result.people.items()
            if user.has_perm("iom.view_person", person)
        }
        digest = hashlib.sha256(text.encode()).hexdigest()
        request.session[SEEN] = {"scheme": chosen.pk, "digest": digest, "text": text}
        shown = listing(p.pk for p in result.people.values())
        record(
            request.user,
            Operation.CONSULTATION,
            "policy what-if",
            chosen.pk,
            f"compared {result.current.version_label} with {result.proposed.version_label}",
            details=shown,
        )
    context = {
        "schemes": schemes,
        "scheme": chosen,
        "form": form,
        "result": result,
        "activate": ActivateForm(initial={"digest": request.session.get(SEEN, {}).get("digest")}),
    }
    return render(request, "governance/what_if.html", context)


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
