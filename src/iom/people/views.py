"""Search, the person page (history, assessments, who has looked), and imports."""

from __future__ import annotations

import tempfile
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from iom.accounts.access import require_object, staff_view
from iom.audit.models import AuditEvent, Operation
from iom.audit.service import record
from iom.people import models as m
from iom.people.explain import evidence_rows, what_would_change
from iom.people.importer import import_file
from iom.people.records import to_rules
from iom.rules import assess, available_policies, load_catalogue, load_policy
from iom.rules.dates import parse_date

RESULTS = 50


def matching(query: str) -> QuerySet[m.Person]:
    query = query.strip()
    try:
        born = parse_date(query)
    except ValueError:
        born = None
    if born is not None:
        return m.Person.objects.filter(date_of_birth=born)
    words = query.split()
    found = m.Person.objects.filter(Q(pnc_id__iexact=query) | Q(local_id__iexact=query))
    names = m.Person.objects.all()
    for word in words:
        names = names.filter(
            Q(given_name__icontains=word)
            | Q(family_name__icontains=word)
            | Q(aliases__family_name__icontains=word)
        )
    return (found | names).distinct()


@staff_view("search_people")
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    people: list[m.Person] = []
    if query:
        user: Any = request.user
        people = [p for p in matching(query)[: RESULTS * 2] if user.has_perm("iom.view_person", p)][
            :RESULTS
        ]
        record(request.user, Operation.CONSULTATION, "person search", "", f"search for {query!r}",
               details=",".join(str(p.pk) for p in people))  # fmt: skip
    return render(request, "people/search.html", {"query": query, "people": people})


@staff_view("view_person")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(m.Person, pk=pk)
    require_object(request, "view_person", person)
    record(request.user, Operation.CONSULTATION, "person", person.pk, f"opened {person}")
    today = timezone.localdate()
    rules_person = to_rules(person)
    catalogue = load_catalogue()
    assessments = []
    for policy in map(load_policy, available_policies()):
        result = assess(rules_person, policy, today, catalogue)
        reasons = [(r, evidence_rows(r.evidence)) for r in result.reasons]
        assessments.append(
            {
                "result": result,
                "policy": policy,
                "reasons": reasons,
                "hints": what_would_change(result),
            }
        )
    user: Any = request.user
    looked = None
    if user.has_perm("iom.view_person_access_log"):
        looked = AuditEvent.objects.filter(record_type="person", record_id=str(person.pk)).order_by(
            "-id"
        )[:30]
    return render(request, "people/detail.html", {
        "person": person, "today": today, "age": _age(person.date_of_birth, today), "timeline": timeline(person),
        "assessments": assessments, "catalogue": catalogue, "looked": looked, "flags": visible_flags(person, user),
    })  # fmt: skip


def visible_flags(person: m.Person, user: Any) -> list[m.IntelligenceFlag]:
    """Intelligence flags; an agency's restricted ones only for that agency's staff."""
    flags = person.flags.select_related("agency").order_by("-recorded_at")
    return [
        f
        for f in flags
        if not f.restricted or (f.agency_id is not None and f.agency_id == user.agency_id)
    ]


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def timeline(person: m.Person) -> list[dict[str, Any]]:
    catalogue = load_catalogue()
    events: list[dict[str, Any]] = []
    for c in person.convictions.all():
        offence = catalogue.offences.get(c.offence_code)
        title = offence.description if offence else c.offence_code
        flags = [
            w
            for w, on in (
                ("attempt", c.attempt),
                ("conspiracy", c.conspiracy),
                ("domestic abuse", c.domestic_abuse),
            )
            if on
        ]
        events.append({"on": c.conviction_date, "kind": "Conviction", "title": f"{c.conviction_id}: {title}",
                       "detail": f"code {c.offence_code}" + (f"; {', '.join(flags)}" if flags else "")})  # fmt: skip
    for k in person.custody.all():
        length = f", term {k.sentence_days} days" if k.sentence_days else ""
        events.append({"on": k.start, "kind": "Custody", "title": f"{k.get_kind_display()} began{length}",
                       "detail": f"released {k.end:%d %b %Y}" if k.end else "still in custody"})  # fmt: skip
    for o in person.ogrs_entries.all():
        if o.assessed_on:
            events.append({"on": o.assessed_on, "kind": "OGRS", "title": f"OGRS {o.score:g} ({o.version or 'version not given'})",
                           "detail": f"by {o.assessor}" if o.assessor else ""})  # fmt: skip
    return sorted(events, key=lambda e: e["on"], reverse=True)


TABLE_FILES = {
    f"{table}.{fmt}" for table in ("people", "convictions", "custody") for fmt in ("csv", "parquet")
}


@staff_view("import_people")
def import_upload(request: HttpRequest) -> HttpResponse:
    """A JSON Lines file, or a .zip of the three tables (people, convictions, custody as CSV or Parquet)."""
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("extract")
        name = Path(upload.name).name.lower() if upload else ""
        if not name.endswith((".jsonl", ".json", ".zip")):
            error = "Choose a JSON Lines file (.jsonl), or a .zip of people, convictions and custody tables"
        else:
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / name
                with path.open("wb") as out:
                    for chunk in upload.chunks():
                        out.write(chunk)
                source, error = unpacked(path) if name.endswith(".zip") else (path, "")
                if not error:
                    run = import_file(source, request.user)
                    return redirect("people:import-report", pk=run.pk)
    runs = m.ImportRun.objects.all()[:20]
    return render(request, "people/import.html", {"error": error, "runs": runs})


def unpacked(archive: Path) -> tuple[Path, str]:
    """The three tables out of a zip, by name only (no paths are trusted), or an error to show."""
    folder = archive.with_suffix("")
    folder.mkdir()
    try:
        with zipfile.ZipFile(archive) as zipped:
            for member in zipped.infolist():
                base = Path(member.filename).name.lower()
                if base in TABLE_FILES:
                    (folder / base).write_bytes(zipped.read(member))
    except zipfile.BadZipFile:
        return folder, "The file is not a valid .zip"
    found = {p.name for p in folder.iterdir()}
    if not (
        {"people.csv", "convictions.csv", "custody.csv"} <= found
        or {"people.parquet", "convictions.parquet", "custody.parquet"} <= found
    ):
        return (
            folder,
            "The .zip must hold people, convictions and custody, all .csv or all .parquet",
        )
    return folder, ""


@staff_view("import_people")
def import_report(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(m.ImportRun, pk=pk)
    problems = list(run.problems.all()[:1000])
    named = ",".join(sorted({p.person for p in problems if p.person}))
    record(
        request.user,
        Operation.CONSULTATION,
        "import run",
        run.pk,
        f"import report of {run.source}",
        details=named,
    )
    return render(request, "people/import_report.html", {"run": run, "problems": problems})
