"""The cohort pages: the cohort and caseloads, what is due, contacts against plan, a member's page
(the case review) with its forms, the letters, and the morning intelligence check."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from iom.accounts.access import CHANGE, refused, require_object, staff_view
from iom.audit.models import Operation
from iom.audit.service import listing, record
from iom.cases import forms as cf
from iom.cases import letters, queries, services
from iom.cases import models as cm
from iom.errors import NotAllowed
from iom.people import models as pm

M = cm.Membership


def _read(request: HttpRequest, what: str, members: list[M], record_type: str = "cohort") -> None:
    """Log a list read, naming the people shown."""
    shown = listing(m.person_id for m in members)
    record(request.user, Operation.CONSULTATION, record_type, "", what, details=shown)


@staff_view("view_cohort")
def cohort(request: HttpRequest) -> HttpResponse:
    form = cf.CohortFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    members = queries.cohort(request.user, filters)
    _read(request, "read the cohort", members)
    context = {"form": form, "members": members, "total": len(members)}
    return render(request, "cases/cohort.html", context)


@staff_view("view_cohort")
def mine(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    members = queries.caseload(request.user)
    _read(request, "read my cohort", members)
    context = {
        "members": members,
        "steps": queries.steps(members, today),
        "flags": queries.unseen_flags(request.user, members),
        "contacts": {c.membership.pk: c for c in queries.against_plan(members, today)},
        "today": today,
    }
    return render(request, "cases/mine.html", context)


@staff_view("view_cohort")
def due(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    found = queries.due(request.user, today)
    _read(request, "read what is due", [d.membership for d in found["steps"]] + found["no_consent"])
    return render(request, "cases/due.html", {**found, "today": today})


@staff_view("view_cohort")
def contacts(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    members = queries.visible(request.user, queries.with_related(M.objects.current()))
    counted = queries.against_plan(members, today)
    checks = [c for c in counted if c.short]
    planned = {c.membership.pk for c in counted}
    no_plan = [m for m in members if m.pk not in planned]
    _read(request, "read contacts against plan", [c.membership for c in checks] + no_plan)
    context = {"checks": checks, "no_plan": no_plan, "today": today}
    return render(request, "cases/contacts.html", context)


def _member(request: HttpRequest, pk: int, action: str) -> M:
    membership = get_object_or_404(M.objects.select_related("person", "scheme"), pk=pk)
    require_object(request, action, membership, "membership")
    return membership


@staff_view("view_cohort")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _member(request, pk, "view_cohort")
    record(
        request.user,
        Operation.CONSULTATION,
        "membership",
        membership.pk,
        f"opened the member page of person {membership.person_id}",
    )
    return _page(request, membership)


def _page(request: HttpRequest, membership: M, status: int = 200, **failed: Any) -> HttpResponse:
    context = queries.member_record(membership, request.user)
    context["forms"] = _forms(membership, failed)
    context["error_forms"] = [f for f in failed.values() if f.errors]
    return render(request, "cases/detail.html", context, status=status)


# The member page's forms, by the prefix each posts under.
PAGE_FORMS: dict[str, type[cf.MemberForm]] = {
    "allocate": cf.AllocationForm,
    "plan": cf.PlanForm,
    "contact": cf.ContactForm,
    "consent": cf.ConsentForm,
    "pathway": cf.PathwayForm,
    "requirement": cf.RequirementForm,
    "enforcement": cf.EnforcementForm,
    "intelligence": cf.IntelligenceForm,
    "notice": cf.NoticeForm,
    "exit": cf.ExitForm,
}


def _forms(membership: M, failed: dict[str, Any]) -> dict[str, Any]:
    """Every form of the page, blank, except the one that failed (as it was sent)."""
    blank = {
        name: cls(prefix=name, membership=membership)
        for name, cls in PAGE_FORMS.items()
        if name not in failed
    }
    return {**blank, **failed}


Apply = Callable[[Any, M, dict[str, Any]], Any]


def _submit(
    request: HttpRequest, pk: int, action: str, name: str, apply: Apply, done: str
) -> HttpResponse:
    """Validate one form of the member page, apply its service, and return to the page."""
    membership = _member(request, pk, action)
    form = PAGE_FORMS[name](request.POST, prefix=name, membership=membership)
    if form.is_valid():
        try:
            apply(request.user, membership, form.cleaned_data)
        except NotAllowed as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, done)
            return redirect("cases:detail", pk=membership.pk)
    return _page(request, membership, status=400, **{name: form})


@staff_view("allocate_workers", CHANGE)
def allocate(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(user: Any, m: M, d: dict[str, Any]) -> Any:
        return services.allocate(user, m, d["kind"], d["worker"], d["start"])

    return _submit(request, pk, "allocate_workers", "allocate", apply, "Allocation recorded")


@staff_view("manage_member", CHANGE)
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(user: Any, m: M, d: dict[str, Any]) -> Any:
        return services.agree_plan(user, m, cf.plan_lines(d), d["agreed_on"])

    return _submit(request, pk, "manage_member", "plan", apply, "Contact plan agreed")


@staff_view("manage_member", CHANGE)
def contact(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(user: Any, m: M, d: dict[str, Any]) -> Any:
        return services.record_contact(user, m, **d)

    return _submit(request, pk, "manage_member", "contact", apply, "Contact recorded")


@staff_view("manage_member", CHANGE)
def consent(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(user: Any, m: M, d: dict[str, Any]) -> Any:
        return services.record_consent(user, m, d["answer"], d["on"], d["witness"])

    return _submit(request, pk, "manage_member", "consent", apply, "Consent recorded")


@staff_view("manage_member", CHANGE)
def pathway(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(user: Any, m: M, d: dict[str, Any]) -> Any:
        code, status = d["status"].split(":", 1)
        return services.record_pathway(user, m, code, status, d["on"], d["note"])

    return _submit(request, pk, "manage_member", "pathway", apply, "Pathway recorded")


@staff_view("manage_member", CHANGE)
def requirement(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(user: Any, m: M, d: dict[str, Any]) -> Any:
        return services.add_requirement(user, m, d["kind"], d["start"], d["end"])

    return _submit(request, pk, "manage_member", "requirement", apply, "Requirement recorded")


@staff_view("manage_member", CHANGE)
def enforcement(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(user: Any, m: M, d: dict[str, Any]) -> Any:
        return services.record_enforcement(user, m, **d)

    return _submit(request, pk, "manage_member", "enforcement", apply, "Enforcement recorded")


@staff_view("record_intelligence", CHANGE)
def intelligence(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(user: Any, m: M, d: dict[str, Any]) -> Any:
        return services.record_intelligence(user, m.person, **d)

    return _submit(
        request, pk, "record_intelligence", "intelligence", apply, "Intelligence recorded"
    )


@staff_view("manage_member", CHANGE)
def notice(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(user: Any, m: M, d: dict[str, Any]) -> Any:
        return services.give_notice(user, m, d["on"])

    return _submit(request, pk, "manage_member", "notice", apply, "Notice recorded")


@staff_view("decide_exit", CHANGE)
def exit_decision(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(user: Any, m: M, d: dict[str, Any]) -> Any:
        return services.decide_exit(user, m, services.ExitInput(**d))

    return _submit(request, pk, "decide_exit", "exit", apply, "Exit decision recorded")


@staff_view("manage_member", CHANGE)
def seen(request: HttpRequest, pk: int) -> HttpResponse:
    check = get_object_or_404(cm.IntelligenceCheck.objects.select_related("membership"), pk=pk)
    require_object(request, "manage_member", check.membership, "membership")
    services.mark_seen(request.user, check)
    if request.POST.get("next") == "mine":
        return redirect("cases:mine")
    return redirect("cases:detail", pk=check.membership_id)


def _pdf(request: HttpRequest, membership: M, kind: str, document: bytes) -> HttpResponse:
    record(
        request.user,
        Operation.DISCLOSURE,
        "membership",
        membership.pk,
        f"printed the {kind} of person {membership.person_id}",
        reason=f"{kind} printed",
    )
    response = HttpResponse(document, content_type="application/pdf")
    name = f"{kind.replace(' ', '-')}-{membership.person.local_id}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@staff_view("view_cohort")
def review_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _member(request, pk, "view_cohort")
    return _pdf(request, membership, "case review", letters.review_pdf(membership, request.user))


@staff_view("manage_member")
def notice_letter(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _member(request, pk, "manage_member")
    return _pdf(request, membership, "notice letter", letters.letter_pdf(membership, "notice"))


@staff_view("manage_member")
def exit_letter(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _member(request, pk, "manage_member")
    if membership.current:
        messages.error(request, "The exit letter is printed once the panel has decided the exit.")
        return redirect("cases:detail", pk=membership.pk)
    return _pdf(request, membership, "exit letter", letters.letter_pdf(membership, "exit"))


@staff_view("manage_member")
def consent_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The introduction letter and consent statement for the person's current membership."""
    person = get_object_or_404(pm.Person, pk=pk)
    membership = M.objects.current().filter(person=person).select_related("scheme").first()
    if membership is None:
        require_object(request, "view_person", person, "person")
        messages.error(request, "The consent letter is for people on the scheme.")
        return redirect("people:detail", pk=person.pk)
    require_object(request, "manage_member", membership, "membership")
    return _pdf(request, membership, "consent letter", letters.letter_pdf(membership, "consent"))


@staff_view("check_intelligence")
def checks(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    listing = queries.intelligence_to_check(today, request.user)
    rows = [row for rows in listing.values() for row in rows]
    _read(
        request, "read the morning intelligence check", [r.membership for r in rows], "intelligence"
    )
    forms = {
        (row.membership.pk, e.pk): cf.CheckForm(auto_id=f"c{row.membership.pk}-{e.pk}-%s")
        for row in rows
        for e in row.entries
    }
    context = {"listing": listing, "forms": forms, "today": today}
    return render(request, "cases/checks.html", context)


@staff_view("check_intelligence", CHANGE)
def check(request: HttpRequest, pk: int, entry: int) -> HttpResponse:
    membership = _member(request, pk, "check_intelligence")
    found = get_object_or_404(pm.IntelligenceFlag, pk=entry, person=membership.person)
    if not found.visible_to(request.user):
        refused(request, "check_intelligence", "intelligence", found.pk)
        raise Http404
    form = cf.CheckForm(request.POST)
    if form.is_valid():
        try:
            services.check_intelligence(
                request.user,
                membership,
                found,
                form.cleaned_data["flagged"],
                form.cleaned_data["note"],
            )
        except NotAllowed as problem:
            messages.error(request, str(problem))
        else:
            messages.success(request, f"Checked: {membership.person}")
    return redirect("cases:checks")
