"""Referral pages: the list, the form, one referral with its history, and the steps taken on it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from iom.accounts.access import CHANGE, FORM, require_object, staff_view
from iom.audit.models import Operation
from iom.audit.service import listing, record
from iom.errors import NotAllowed
from iom.people import models as pm
from iom.people.explain import evidence_rows
from iom.people.records import assessment_now
from iom.referrals import services
from iom.referrals.forms import ANSWER_FIELDS, FlagForm, ReferralForm, ScoreForm, WithdrawForm
from iom.referrals.models import Referral
from iom.referrals.queries import changes_since, visible_referrals
from iom.referrals.tasks import open_automatic_referrals
from iom.schemes.models import Scheme


@staff_view("view_referrals")
def referral_list(request: HttpRequest) -> HttpResponse:
    found = visible_referrals(request.user)
    filters = {name: request.GET.get(name, "") for name in ("scheme", "state", "trigger")}
    if (scheme := _key(filters["scheme"])) is not None:
        found = found.filter(scheme_id=scheme)
    if filters["state"] in Referral.State.values:
        found = found.filter(state=filters["state"])
    if filters["trigger"] in Referral.Trigger.values:
        found = found.filter(trigger=filters["trigger"])
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    record(
        request.user,
        Operation.CONSULTATION,
        "referral list",
        "",
        "listed referrals",
        details=listing(r.pk for r in page),
    )
    return render(
        request,
        "referrals/list.html",
        {
            "page": page,
            "filters": filters,
            "schemes": Scheme.objects.all(),
            "states": Referral.State.choices,
            "triggers": Referral.Trigger.choices,
        },
    )


def _key(text: str) -> int | None:
    """A primary key given in the address, or None for anything no row could have."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def _person_for(request: HttpRequest) -> pm.Person:
    pk = _key(request.GET.get("person", ""))
    if pk is None:
        raise Http404
    person = get_object_or_404(pm.Person, pk=pk)
    require_object(request, "view_person", person, "person")
    return person


def _scheme_for(request: HttpRequest, person: pm.Person) -> Scheme:
    pk = _key(request.GET.get("scheme", ""))
    if pk is not None:
        return get_object_or_404(Scheme, pk=pk)
    wanted_youth = person.is_youth()
    covering = [s for s in Scheme.objects.all() if s.covers(person.area)]
    for scheme in covering:
        if scheme.youth == wanted_youth:
            return scheme
    scheme = covering[0] if covering else Scheme.objects.first()
    if scheme is None:
        raise Http404("no scheme")
    return scheme


@staff_view("make_referral", FORM)
def new(request: HttpRequest) -> HttpResponse:
    person = _person_for(request)
    scheme = _scheme_for(request, person)
    require_object(request, "make_referral", Referral(person=person, scheme=scheme), "referral")
    assessment = assessment_now(person, scheme)
    user: Any = request.user
    initial = {
        **services.prefill(person, assessment),
        "agency": user.agency_id,
        "referred_on": timezone.localdate(),
    }
    form = ReferralForm(request.POST or None, initial=initial, youth=scheme.youth)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.submit(user, person, scheme, _answers(form))
        except NotAllowed as refused:
            error = str(refused)
        else:
            messages.success(request, f"Referral of {person} to {scheme} submitted")
            return redirect("referrals:detail", pk=referral.pk)
    record(user, Operation.CONSULTATION, "person", person.pk, "referral form")
    return render(
        request,
        "referrals/new.html",
        {
            "person": person,
            "scheme": scheme,
            "schemes": Scheme.objects.all(),
            "form": form,
            "error": error,
            "figures": services.figures(person, assessment),
            "assessment": assessment,
            "reasons": [(r, evidence_rows(r.evidence)) for r in assessment.reasons],
        },
    )


def _answers(form: ReferralForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in ANSWER_FIELDS}


def _referral(request: HttpRequest, pk: int, action: str) -> Referral:
    referral = get_object_or_404(Referral.objects.select_related("person", "scheme"), pk=pk)
    require_object(request, action, referral, "referral")
    return referral


@staff_view("view_referrals")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _referral(request, pk, "view_referrals")
    user: Any = request.user
    record(user, Operation.CONSULTATION, "referral", referral.pk, f"opened referral {referral.pk}")
    return render(request, "referrals/detail.html", _detail_context(request, referral))


def _detail_context(request: HttpRequest, referral: Referral, **forms: Any) -> dict[str, Any]:
    now = assessment_now(referral.person, referral.scheme)
    stored = list(referral.assessments.all())
    user: Any = request.user
    return {
        "referral": referral,
        "stored": stored,
        "now": now,
        "changes": changes_since(stored[-1] if stored else None, now.to_json()),
        "events": referral.events.select_related("user"),
        "decisions": referral.decisions.select_related("meeting"),
        "score_form": forms.get("score_form") or ScoreForm(),
        "withdraw_form": forms.get("withdraw_form") or WithdrawForm(),
        "flag_form": forms.get("flag_form") or FlagForm(),
        "complete_form": forms.get("complete_form") or _complete_form(referral, now, user),
        "matrix": services.scored_by_matrix(referral.scheme),
        "error": forms.get("error", ""),
        "may_see_person": user.has_perm("iom.view_person", referral.person),
    }


def _complete_form(referral: Referral, now: Any, user: Any) -> ReferralForm | None:
    """The form that completes a draft, prefilled; other states have nothing to complete."""
    if referral.state != Referral.State.DRAFT:
        return None
    initial = {"agency": user.agency_id, **services.prefill(referral.person, now)}
    return ReferralForm(instance=referral, youth=referral.scheme.youth, initial=initial)


def _step(
    request: HttpRequest, pk: int, action: str, form_class: Any, form_name: str, apply: Any
) -> HttpResponse:
    """Run one step on a referral from its page's form; show the page again with any problem."""
    referral = _referral(request, pk, action)
    form = form_class(request.POST)
    error = ""
    if form.is_valid():
        try:
            apply(request.user, referral, form.cleaned_data)
        except NotAllowed as refused:
            error = str(refused)
        else:
            return redirect("referrals:detail", pk=referral.pk)
    context = _detail_context(request, referral, **{form_name: form, "error": error})
    return render(request, "referrals/detail.html", context, status=400)


@staff_view("make_referral", CHANGE)
def complete(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _referral(request, pk, "make_referral")
    form = ReferralForm(request.POST, instance=referral, youth=referral.scheme.youth)
    error = ""
    if form.is_valid():
        try:
            services.complete(request.user, referral, _answers(form))
        except NotAllowed as refused:
            error = str(refused)
        else:
            return redirect("referrals:detail", pk=referral.pk)
    context = _detail_context(request, referral, complete_form=form, error=error)
    return render(request, "referrals/detail.html", context, status=400)


@staff_view("score_referral", CHANGE)
def score(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        "score_referral",
        ScoreForm,
        "score_form",
        lambda user, r, data: services.score(user, r, data["override"], data["override_reason"]),
    )


@staff_view("withdraw_referral", CHANGE)
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        "withdraw_referral",
        WithdrawForm,
        "withdraw_form",
        lambda user, r, data: services.withdraw(user, r, data["reason"]),
    )


@staff_view("manage_referral", CHANGE)
def flag(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        "manage_referral",
        FlagForm,
        "flag_form",
        lambda user, r, data: services.flag_critical(user, r, data["note"]),
    )


@staff_view("run_auto_referrals", CHANGE)
def auto(request: HttpRequest) -> HttpResponse:
    open_automatic_referrals.enqueue(timezone.localdate().isoformat(), request.user.pk)
    messages.success(
        request,
        "Today's automatic referrals are being opened: your start page will say when it is done",
    )
    return redirect("referrals:list")
