"""Policy what-ifs: a proposal screened against the policy in force, and putting a seen proposal
in force (coordinators)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from iom.accounts.access import CHANGE, FORM, require_object, staff_view
from iom.audit.models import Operation
from iom.audit.service import listing, record
from iom.governance import queries
from iom.governance import services as governance
from iom.governance import what_if as what_ifs
from iom.governance.forms import ActivateForm, WhatIfForm
from iom.governance.models import WhatIfRun
from iom.governance.tasks import work_out_what_if_run
from iom.governance.what_if import WhatIf
from iom.schemes import services
from iom.schemes.models import Scheme

SEEN = "policy_what_if"  # session key: the proposals whose what-if this user has seen


@staff_view("run_policy_what_if", FORM)
def what_if(request: HttpRequest) -> HttpResponse:
    schemes = list(Scheme.objects.order_by("name"))
    chosen = next((s for s in schemes if s.slug == request.GET.get("scheme")), schemes[0])
    form = WhatIfForm(request.POST or None, request.FILES or None, scheme=chosen)
    if request.method != "POST" or not form.is_valid():
        return _page(request, schemes, chosen, form)
    text, as_of = form.cleaned_data["text"], form.cleaned_data["in_force_from"]
    if queries.people_in_areas(chosen) > settings.IOM_SCREENED_IN_PAGE:
        run = governance.ask_for_what_if(request.user, chosen, text, as_of)
        work_out_what_if_run.enqueue(run.pk)
        messages.success(
            request,
            "The what-if is being worked out: your start page will say when it is ready",
        )
        return redirect("policies:what-if-run", run.pk)
    result = what_ifs.run(chosen, form.cleaned_data["policy"], as_of)
    return _page(request, schemes, chosen, form, _seen(request, chosen, result, text))


@staff_view("run_policy_what_if")
def what_if_run(request: HttpRequest, pk: int) -> HttpResponse:
    """A what-if the task worker works out: whether it is done, and what it found. Only its asker
    and the coordinators may open it (it names the people the proposal would change)."""
    run = get_object_or_404(WhatIfRun.objects.select_related("scheme"), pk=pk)
    require_object(request, "run_policy_what_if", run, "policy what-if")
    schemes = list(Scheme.objects.order_by("name"))
    form = WhatIfForm(scheme=run.scheme)
    if run.state != WhatIfRun.State.DONE:
        return _page(request, schemes, run.scheme, form, waiting=run)
    result = what_ifs.from_json(run.scheme, run.result)
    return _page(
        request, schemes, run.scheme, form, _seen(request, run.scheme, result, run.proposed_text)
    )


def _seen(request: HttpRequest, scheme: Scheme, result: WhatIf, text: str) -> WhatIf:
    """The result as this user may see it, logged, and remembered as seen (activation needs it)."""
    user: Any = request.user
    result.people = {  # a child's name only to a role that may open the child's record
        local_id: person
        for local_id, person in result.people.items()
        if user.has_perm("iom.view_person", person)
    }
    digest = hashlib.sha256(text.encode()).hexdigest()
    request.session[SEEN] = {"scheme": scheme.pk, "digest": digest, "text": text}
    record(
        request.user,
        Operation.CONSULTATION,
        "policy what-if",
        scheme.pk,
        f"compared {result.current_label} with {result.proposed_label}",
        details=listing(p.pk for p in result.people.values()),
    )
    return result


def _page(
    request: HttpRequest,
    schemes: list[Scheme],
    scheme: Scheme,
    form: WhatIfForm,
    result: WhatIf | None = None,
    waiting: WhatIfRun | None = None,
) -> HttpResponse:
    context = {
        "schemes": schemes,
        "scheme": scheme,
        "form": form,
        "result": result,
        "waiting": waiting,
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
