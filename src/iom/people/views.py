"""Search, the person page (history, assessments, who has looked), and imports."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from iom.accounts.access import CHANGE, FORM, require_object, staff_view
from iom.audit.models import AuditEvent, Operation
from iom.audit.service import listing, record
from iom.people import models as m
from iom.people import services
from iom.people.explain import evidence_rows, what_would_change
from iom.people.forms import MovementForm
from iom.people.records import to_rules
from iom.people.search import MAX_LENGTH, MAX_WORDS, Query, QueryTooLong, found
from iom.people.uploads import megabytes, refused_before_receiving
from iom.rules import Policy, assess, available_policies, load_catalogue, load_policy
from iom.schemes.models import Scheme

RESULTS = 50


@staff_view("search_people")
def search(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("q", "")
    error, people = "", []
    try:
        query = Query.parse(raw)
    except QueryTooLong as too_long:
        query, error = Query(""), str(too_long)
    if query.text:
        user: Any = request.user
        matches = found(query).prefetch_related("memberships__scheme")[: RESULTS * 2]
        people = [p for p in matches if user.has_perm("iom.view_person", p)][:RESULTS]
        record(
            user,
            Operation.CONSULTATION,
            "person search",
            "",
            f"search for {query.text!r}",
            details=listing(p.pk for p in people),
        )
    context = {"query": raw[:MAX_LENGTH], "people": people, "error": error}
    return render(
        request, "people/search.html", {**context, "max_words": MAX_WORDS, "max_length": MAX_LENGTH}
    )


@staff_view("view_person")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(m.Person, pk=pk)
    require_object(request, "view_person", person, "person")
    record(request.user, Operation.CONSULTATION, "person", person.pk, f"opened {person}")
    return render(request, "people/detail.html", _detail(request, person, MovementForm()))


@staff_view("record_movement", CHANGE)
def movement(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(m.Person, pk=pk)
    require_object(request, "view_person", person, "person")
    form = MovementForm(request.POST)
    if form.is_valid():
        services.record_movement(request.user, person, form.save(commit=False))
        return redirect("people:detail", pk=person.pk)
    return render(request, "people/detail.html", _detail(request, person, form), status=400)


def _detail(request: HttpRequest, person: m.Person, movement_form: MovementForm) -> dict[str, Any]:
    today = timezone.localdate()
    as_of = _as_of(request.GET.get("as_of", ""), today)
    rules_person = to_rules(person)
    catalogue = load_catalogue()
    user: Any = request.user
    assessments = []
    for scheme, policy in schemes_first(user):
        result = assess(rules_person, policy, as_of, catalogue)
        reasons = [(r, evidence_rows(r.evidence)) for r in result.reasons]
        assessments.append(
            {
                "scheme": scheme,
                "result": result,
                "policy": policy,
                "reasons": reasons,
                "hints": what_would_change(result),
            }
        )
    looked = None
    if user.has_perm("iom.view_person_access_log"):
        looked = AuditEvent.objects.filter(record_type="person", record_id=str(person.pk)).order_by(
            "-id"
        )[:30]
    return {
        "person": person,
        "today": today,
        "as_of": as_of,
        "age": _age(person.date_of_birth, today),
        "timeline": timeline(person),
        "assessments": assessments,
        "catalogue": catalogue,
        "looked": looked,
        "flags": visible_flags(person, user),
        "movements": person.movements.all(),
        "movement_form": movement_form,
    }


def schemes_first(user: Any) -> list[tuple[Scheme | None, Policy]]:
    """Each scheme with the policy it has in force, the user's own schemes first; with no
    schemes set up yet, every bundled policy."""
    schemes = list(Scheme.objects.order_by("name"))
    if not schemes:
        return [(None, load_policy(p)) for p in available_policies()]
    mine = set(user.schemes.values_list("pk", flat=True))
    return [(s, s.policy()) for s in sorted(schemes, key=lambda s: s.pk not in mine)]


def visible_flags(person: m.Person, user: Any) -> list[m.IntelligenceFlag]:
    """Intelligence flags; an agency's restricted ones only for that agency's staff."""
    return [f for f in person.flags.select_related("agency") if f.visible_to(user)]


def _as_of(text: str, today: date) -> date:
    """The date to assess on: a past date given as YYYY-MM-DD, else today (never the future)."""
    try:
        chosen = date.fromisoformat(text)
    except ValueError:
        return today
    return min(chosen, today)


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def timeline(person: m.Person) -> list[dict[str, Any]]:
    catalogue = load_catalogue()
    events: list[dict[str, Any]] = []
    for c in person.convictions.all():
        offence = catalogue.offences.get(c.offence_code)
        title = offence.plain if offence else c.offence_code
        flags = [
            w
            for w, on in (
                ("attempt", c.attempt),
                ("conspiracy", c.conspiracy),
                ("domestic abuse", c.domestic_abuse),
            )
            if on
        ]
        events.append(
            {
                "on": c.conviction_date,
                "kind": "Conviction",
                "title": f"{c.conviction_id}: {title}",
                "detail": f"code {c.offence_code}" + (f"; {', '.join(flags)}" if flags else ""),
            }
        )
    for k in person.custody.all():
        length = f", term {k.sentence_days} days" if k.sentence_days else ""
        events.append(
            {
                "on": k.start,
                "kind": "Custody",
                "title": f"{k.get_kind_display()} began{length}",
                "detail": f"released {k.end:%-d %B %Y}" if k.end else "still in custody",
            }
        )
    for o in person.ogrs_entries.all():
        if o.assessed_on:
            events.append(
                {
                    "on": o.assessed_on,
                    "kind": "OGRS",
                    "title": f"OGRS {o.score:g} ({o.version or 'version not given'})",
                    "detail": f"by {o.assessor}" if o.assessor else "",
                }
            )
    for membership in person.memberships.select_related("scheme").prefetch_related("events"):
        events += [
            {"on": e.on, "kind": "IOM", "title": f"{membership.scheme}: {e.text}", "detail": ""}
            for e in membership.events.all()
        ]
    return sorted(events, key=lambda e: e["on"], reverse=True)


@staff_view("import_people", FORM)
def import_upload(request: HttpRequest) -> HttpResponse:
    """A JSON Lines file, or a .zip of the three tables (people, convictions, custody as CSV or Parquet)."""
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("extract")
        error = refused_before_receiving(request, upload)
        if not error and upload is not None:
            run = services.import_upload(upload, request.user)
            return redirect("people:import-report", pk=run.pk)
    runs = m.ImportRun.objects.seen_by(request.user)[:20]
    return render(
        request, "people/import.html", {"error": error, "runs": runs, "limits": upload_limits()}
    )


def upload_limits() -> dict[str, Any]:
    return {
        "size": megabytes(settings.IOM_UPLOAD_MAX_BYTES),
        "expanded": megabytes(settings.IOM_UPLOAD_MAX_EXPANDED_BYTES),
        "members": settings.IOM_UPLOAD_MAX_MEMBERS,
        "problems": settings.IOM_IMPORT_MAX_PROBLEMS,
    }


@staff_view("import_people")
def import_report(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(m.ImportRun, pk=pk)
    require_object(request, "import_people", run, "import run")
    problems = list(run.problems.all()[: settings.IOM_IMPORT_MAX_PROBLEMS])
    named = listing(sorted({p.person for p in problems if p.person}))
    record(
        request.user,
        Operation.CONSULTATION,
        "import run",
        run.pk,
        f"import report of {run.source}",
        details=named,
    )
    return render(request, "people/import_report.html", {"run": run, "problems": problems})
