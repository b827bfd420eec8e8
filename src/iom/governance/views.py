"""Impact, fairness and the SIG report: aggregates for the partnership and its governance group.

Every page is depersonalised. The one export of personal rows (each member's episode) needs a
recorded reason and is logged as a disclosure.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from iom.accounts.access import CHANGE, FORM, staff_view
from iom.audit.models import Operation
from iom.audit.service import listing, record
from iom.database_routing import on_reports_database
from iom.governance import exports, figures, queries
from iom.governance.forms import FiguresFilter, PeriodForm, ReasonForm
from iom.governance.report import sig_pdf
from iom.governance.tasks import work_out_fairness_figures
from iom.rules.dates import spoken


def _filters(request: HttpRequest) -> tuple[FiguresFilter, list[Any], date]:
    form = FiguresFilter(request.GET or None)
    valid = form.is_valid()
    scheme = form.cleaned_data.get("scheme") if valid else None
    as_of = form.cleaned_data.get("as_of") if valid else None
    return form, queries.schemes(scheme.slug if scheme else None), as_of or timezone.localdate()


def _consulted(request: HttpRequest, what: str, as_of: date) -> None:
    record(
        request.user,
        Operation.CONSULTATION,
        "aggregate figures",
        "",
        what,
        details=f"as of {as_of}",
    )


def _period_words(report: dict[str, Any]) -> str:
    return f"from {spoken(report['start'])} to {spoken(report['end'])}"


def _csv(text: str, name: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@staff_view("view_governance")
@on_reports_database
def impact(request: HttpRequest) -> HttpResponse:
    form, chosen, as_of = _filters(request)
    found = figures.impact(chosen, as_of)
    _consulted(request, "read the impact figures", as_of)
    context = {
        "form": form,
        "as_of": as_of,
        "schemes": found,
        "caveat": figures.CONVICTION_LAG,
        "outcomes": queries.pathway_outcomes(chosen, as_of),
        "trends": figures.trends(chosen, as_of),
        **figures.cohort_flow(chosen, as_of, quarters=4),
        "enforcement": queries.enforcement(chosen, as_of - relativedelta(years=1, days=-1), as_of),
        "reason_form": ReasonForm(),
        "query": request.GET.urlencode(),
    }
    return render(request, "governance/impact.html", context)


@staff_view("view_governance")
@on_reports_database
def impact_csv(request: HttpRequest) -> HttpResponse:
    _, chosen, as_of = _filters(request)
    _consulted(request, "downloaded the impact table", as_of)
    return _csv(exports.impact_csv(figures.impact(chosen, as_of)), f"impact-{as_of}.csv")


@staff_view("export_personal_rows", FORM)
@on_reports_database
def episodes_csv(request: HttpRequest) -> HttpResponse:
    _, chosen, as_of = _filters(request)
    form = ReasonForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "governance/episodes.html", {"form": form, "as_of": as_of})
    episodes = queries.episodes(chosen, as_of)
    record(
        request.user,
        Operation.DISCLOSURE,
        "membership episodes",
        "",
        f"downloaded {len(episodes)} members' before and after figures",
        reason=form.cleaned_data["reason"],
        details=listing(e.membership.person_id for e in episodes),
    )
    return _csv(exports.episodes_csv(episodes), f"episodes-{as_of}.csv")


@staff_view("view_governance")
@on_reports_database
def fairness(request: HttpRequest) -> HttpResponse:
    form, chosen, as_of = _filters(request)
    found = figures.fairness_by_scheme(chosen, as_of)
    _consulted(request, "read the disproportionality figures", as_of)
    context = {"form": form, "as_of": as_of, "schemes": found, "query": request.GET.urlencode()}
    return render(request, "governance/fairness.html", context)


@staff_view("view_governance", CHANGE)
def work_out_fairness(request: HttpRequest) -> HttpResponse:
    form = FiguresFilter(request.POST)
    if not form.is_valid():
        context = {"form": form, "as_of": timezone.localdate(), "schemes": []}
        return render(request, "governance/fairness.html", context, status=400)
    scheme, as_of = form.cleaned_data["scheme"], form.cleaned_data["as_of"]
    slug = scheme.slug if scheme else ""
    work_out_fairness_figures.enqueue(as_of.isoformat(), slug, request.user.pk)
    messages.success(
        request,
        "The figures are being worked out: your start page will say when they are ready",
    )
    return redirect(reverse("governance:fairness") + f"?as_of={as_of}&scheme={slug}")


@staff_view("view_governance")
@on_reports_database
def fairness_csv(request: HttpRequest) -> HttpResponse:
    _, chosen, as_of = _filters(request)
    _consulted(request, "downloaded the disproportionality table", as_of)
    return _csv(
        exports.fairness_csv(figures.fairness_by_scheme(chosen, as_of)), f"fairness-{as_of}.csv"
    )


def _period(request: HttpRequest) -> tuple[PeriodForm, dict[str, Any] | None]:
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return form, None
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    shown = PeriodForm(initial={"start": start, "end": end})  # the period chosen, in the fields
    return shown, figures.sig_report(start, end)


@staff_view("view_governance")
@on_reports_database
def sig(request: HttpRequest) -> HttpResponse:
    form, report = _period(request)
    if report is not None:
        _consulted(request, f"read the SIG report {_period_words(report)}", report["end"])
    return render(request, "governance/sig.html", {"form": form, "report": report})


@staff_view("view_governance")
@on_reports_database
def sig_pdf_view(request: HttpRequest) -> HttpResponse:
    form, report = _period(request)
    if report is None:
        return render(request, "governance/sig.html", {"form": form, "report": None}, status=400)
    _consulted(request, f"downloaded the SIG report {_period_words(report)}", report["end"])
    response = HttpResponse(sig_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="sig-report-{report["start"]}-to-{report["end"]}.pdf"'
    )
    return response
