"""Meeting pages: the list, one meeting (agenda, attendance, decisions, actions), minutes; my actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from iom.accounts.access import CHANGE, require_object, staff_view
from iom.audit.models import Operation
from iom.audit.service import listing, record
from iom.cases.models import Membership
from iom.errors import NotAllowed
from iom.panels import agenda, minutes, services
from iom.panels.forms import (
    ActionForm,
    ActionUpdateForm,
    AttendanceForm,
    CriticalCaseForm,
    DecisionForm,
    PlanForm,
)
from iom.panels.models import Action, Meeting


@staff_view("view_meetings")
def meeting_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request, PlanForm())


def _list_page(request: HttpRequest, plan_form: PlanForm, status: int = 200) -> HttpResponse:
    """Meetings to come (soonest first) and held (latest first), with the planning form."""
    user: Any = request.user
    today = timezone.localdate()
    meetings = Meeting.objects.select_related("scheme", "kind", "chair")
    visible = [m for m in meetings[:200] if user.has_perm("iom.view_meetings", m)]
    upcoming = sorted((m for m in visible if m.held_on >= today), key=lambda m: m.held_on)
    past = [m for m in visible if m.held_on < today]
    context = {"upcoming": upcoming, "past": past, "plan_form": plan_form}
    return render(request, "panels/list.html", context, status=status)


@staff_view("plan_meetings", CHANGE)
def plan(request: HttpRequest) -> HttpResponse:
    form = PlanForm(request.POST)
    if form.is_valid():
        try:
            meeting = services.plan(
                request.user,
                form.scheme,
                form.cleaned_data["kind"],
                form.cleaned_data["held_on"],
                form.cleaned_data["chair"],
            )
        except NotAllowed as refused:
            form.add_error(None, str(refused))
        else:
            return redirect("panels:detail", pk=meeting.pk)
    return _list_page(request, form, status=400)


def _meeting(request: HttpRequest, pk: int, action: str) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("scheme", "kind", "chair"), pk=pk)
    require_object(request, action, meeting, "meeting")
    return meeting


@staff_view("view_meetings")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, "view_meetings")
    record(request.user, Operation.CONSULTATION, "meeting", meeting.pk, f"opened {meeting}")
    return render(request, "panels/detail.html", _context(request, meeting))


def _context(request: HttpRequest, meeting: Meeting, **forms: Any) -> dict[str, Any]:
    user: Any = request.user
    items = agenda.visible_items(meeting, user)
    present_ids = list(meeting.attendances.filter(present=True).values_list("user_id", flat=True))
    return {
        "meeting": meeting,
        "items": items,
        "problems": services.quorum_problems(meeting),
        "attendances": meeting.attendances.select_related("user", "agency"),
        "decisions": {d.referral_id: d for d in meeting.decisions.all()},
        "members": dict(
            Membership.objects.current()
            .filter(scheme=meeting.scheme)
            .values_list("person_id", "pk")
        ),
        "actions": meeting.actions.select_related("owner", "person"),
        "attendance_form": forms.get("attendance_form")
        or AttendanceForm(initial={"present": present_ids}),
        "decision_forms": _decision_forms(
            meeting, items, forms.get("decision_form"), forms.get("decision_referral")
        ),
        "critical_form": forms.get("critical_form") or CriticalCaseForm(meeting=meeting),
        "action_form": forms.get("action_form") or ActionForm(),
        "error": forms.get("error", ""),
    }


def _decision_forms(
    meeting: Meeting, items: list[Any], failed: Any, failed_for: Any
) -> dict[int, DecisionForm]:
    """A decision form for each referral on the agenda still to decide (the failed one as sent)."""
    decided = set(meeting.decisions.exclude(outcome="defer").values_list("referral_id", flat=True))
    forms = {}
    for item in items:
        pk = item.referral_id
        if pk is None or pk in decided or item.referral.state not in ("listed", "deferred"):
            continue
        if failed is not None and str(failed_for) == str(pk):
            forms[pk] = failed
        else:
            forms[pk] = DecisionForm(meeting=meeting, initial={"referral": pk}, auto_id=f"r{pk}-%s")
    return forms


def _again(request: HttpRequest, meeting: Meeting, **forms: Any) -> HttpResponse:
    return render(request, "panels/detail.html", _context(request, meeting, **forms), status=400)


@staff_view("plan_meetings", CHANGE)
def build_agenda(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, "plan_meetings")
    services.build_agenda(request.user, meeting)
    messages.success(request, "The agenda was built from the records")
    return redirect("panels:detail", pk=meeting.pk)


@staff_view("plan_meetings", CHANGE)
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, "plan_meetings")
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        return _again(request, meeting, attendance_form=form)
    services.record_attendance(request.user, meeting, list(form.cleaned_data["present"]))
    return redirect("panels:detail", pk=meeting.pk)


@staff_view("plan_meetings", CHANGE)
def critical(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, "plan_meetings")
    form = CriticalCaseForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            services.add_critical_case(
                request.user, meeting, form.cleaned_data["person"], form.cleaned_data["note"]
            )
        except NotAllowed as refused:
            return _again(request, meeting, critical_form=form, error=str(refused))
        return redirect("panels:detail", pk=meeting.pk)
    return _again(request, meeting, critical_form=form)


@staff_view("decide_referrals", CHANGE)
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, "decide_referrals")
    form = DecisionForm(
        request.POST, meeting=meeting, auto_id=f"r{request.POST.get('referral', '')}-%s"
    )
    if not form.is_valid():
        return _again(
            request, meeting, decision_form=form, decision_referral=request.POST.get("referral")
        )
    data = form.cleaned_data
    proposal = services.Proposal(
        outcome=data["outcome"],
        cohort=data["cohort"],
        rationale=data["rationale"],
        reason=data["reason"],
        defer_to=data["defer_to"],
        agreeing=[a.pk for a in data["agreeing"]],
    )
    try:
        services.decide(request.user, meeting, data["referral"], proposal)
    except NotAllowed as refused:
        return _again(
            request,
            meeting,
            decision_form=form,
            decision_referral=data["referral"].pk,
            error=str(refused),
        )
    messages.success(request, f"Decision recorded for {data['referral'].person}")
    return redirect("panels:detail", pk=meeting.pk)


@staff_view("raise_actions", CHANGE)
def raise_action(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, "raise_actions")
    form = ActionForm(request.POST)
    if not form.is_valid():
        return _again(request, meeting, action_form=form)
    data = form.cleaned_data
    services.raise_action(
        request.user, data["text"], data["owner"], data["due_on"], meeting=meeting
    )
    return redirect("panels:detail", pk=meeting.pk)


@staff_view("read_minutes")
def minutes_page(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, "read_minutes")
    record(
        request.user,
        Operation.CONSULTATION,
        "minutes",
        meeting.pk,
        f"read the minutes of {meeting}",
    )
    return render(request, "panels/minutes.html", minutes.context(meeting, request.user))


@staff_view("read_minutes")
def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, "read_minutes")
    document = minutes.pdf(meeting, request.user)
    record(
        request.user,
        Operation.DISCLOSURE,
        "minutes",
        meeting.pk,
        f"downloaded the minutes of {meeting} as PDF",
        reason="minutes downloaded as a document",
    )
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="minutes-{meeting.pk}-{meeting.held_on}.pdf"'
    )
    return response


@staff_view("view_actions")
def my_actions(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    mine = list(
        Action.objects.filter(owner=request.user)
        .select_related("meeting", "person")
        .prefetch_related("updates")
    )
    mine.sort(key=lambda a: (not a.overdue(today), a.status != Action.Status.OPEN, a.due_on))
    shown = listing(a.pk for a in mine)
    record(request.user, Operation.CONSULTATION, "actions", "", "read my actions", details=shown)
    rows = [
        (a, ActionUpdateForm(initial={"status": a.status}, auto_id=f"a{a.pk}-%s")) for a in mine
    ]
    return render(request, "panels/actions.html", {"rows": rows, "today": today})


@staff_view("view_actions", CHANGE)
def update_action(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(Action, pk=pk)
    require_object(request, "view_actions", action, "action")
    form = ActionUpdateForm(request.POST)
    if form.is_valid():
        services.update_action(
            request.user, action, form.cleaned_data["status"], form.cleaned_data["text"]
        )
        messages.success(request, "Action updated")
    return redirect("panels:actions")
