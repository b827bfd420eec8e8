"""Import (command and page), the person page and its explained assessments, search."""

from __future__ import annotations

import importlib
import json
import shutil
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from django.test import Client

from iom.accounts.models import Role
from iom.audit.models import AuditEvent
from iom.people import models as m
from iom.people.importer import import_file
from tests.helpers import development_env, migrated, run_iom

pytestmark = pytest.mark.django_db
EXAMPLES = Path(__file__).parents[2] / "examples"


def test_a_record_with_empty_optional_text_is_unchanged_on_a_rerun(tmp_path: Path) -> None:
    """The database holds "" for none; the fingerprint must see the record as it is held."""
    from iom.ingest.feed import digests
    from iom.people.records import to_rules

    record = {
        "id": "A",
        "date_of_birth": "1990-01-01",
        "given_name": "",
        "area": "",
        "ogrs": {"score": 40, "version": ""},
        "convictions": [
            {
                "id": "C1",
                "offence_code": "02803",
                "conviction_date": "2024-01-01",
                "description": "",
            }
        ],
    }
    path = tmp_path / "people.jsonl"
    path.write_text(json.dumps(record) + "\n")
    assert import_file(path).created == 1
    person = m.Person.objects.get(local_id="A")
    assert digests([to_rules(person)]) == {"A": person.feed_digest}
    again = import_file(path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


AWKWARD_TEXT = [
    "a,b",
    'say "hi"',
    "two\nlines",
    "back\\slash",
    "\\.",
    "\\N",
    " spaced ",
    "tab\there",
]


def test_any_text_of_a_conviction_is_held_as_given(tmp_path: Path) -> None:
    """PostgreSQL is handed convictions as CSV: commas, quotes, line breaks, backslashes, copy
    markers and empty text must come back exactly."""
    convictions = [
        {
            "id": text,
            "offence_code": "02803",
            "conviction_date": "2024-01-01",
            "description": description,
        }
        for text, description in zip(AWKWARD_TEXT, [*AWKWARD_TEXT[1:], ""], strict=True)
    ]
    path = tmp_path / "people.jsonl"
    record = {"id": "A", "date_of_birth": "1990-01-01", "convictions": convictions}
    path.write_text(json.dumps(record) + "\n")
    assert import_file(path).created == 1
    held = m.Person.objects.get(local_id="A").convictions.order_by("pk")
    expected = [(c["id"], c["description"], None) for c in convictions]
    assert [(c.conviction_id, c.description, c.offence_date) for c in held] == expected


def test_import_tables_then_rerun_changes_nothing() -> None:
    first = import_file(EXAMPLES / "extract")
    assert (first.created, first.updated, first.unchanged, first.rejected) == (4, 0, 0, 0)
    assert m.Person.objects.get(local_id="E1").convictions.count() == 2
    assert AuditEvent.objects.filter(operation="collection", record_type="person").count() == 4
    again = import_file(EXAMPLES / "extract")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert m.Person.objects.count() == 4


def test_a_failure_part_way_through_a_batch_leaves_nothing_of_that_batch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """People, their convictions and their access-log events go in by COPY (or one prepared
    statement on SQLite) inside the batch's transaction: a batch that fails leaves no trace, the
    batches before it stay, and a rerun loads the rest."""
    from iom.people import importer, records

    monkeypatch.setattr(importer, "BATCH", 2)
    real_children, calls = records._children, []

    def failing_second_time(pks: dict, *rows: list) -> None:
        calls.append(len(pks))
        real_children(pks, *rows)
        if len(calls) == 2:
            raise RuntimeError("the database went away")

    monkeypatch.setattr(records, "_children", failing_second_time)
    with pytest.raises(RuntimeError):
        import_file(EXAMPLES / "extract")
    run = m.ImportRun.objects.get()
    assert run.status == m.ImportRun.Status.FAILED
    held = set(m.Person.objects.values_list("local_id", flat=True))
    assert len(held) == 2
    assert m.Conviction.objects.exclude(person__local_id__in=held).count() == 0
    logged = AuditEvent.objects.filter(record_type="person", operation="collection")
    assert {int(e.record_id) for e in logged} == set(m.Person.objects.values_list("pk", flat=True))
    monkeypatch.setattr(records, "_children", real_children)
    again = import_file(EXAMPLES / "extract")
    assert (again.created, again.unchanged) == (2, 2)
    assert m.Person.objects.get(local_id="E1").convictions.count() == 2


def test_import_updates_by_pnc_id_and_keeps_bad_rows_aside(tmp_path: Path) -> None:
    import_file(EXAMPLES / "people.jsonl")
    rows = [json.loads(line) for line in (EXAMPLES / "people.jsonl").read_text().splitlines()]
    rows[0]["pnc_id"] = "2010/0000001Z"
    import_file(_jsonl(tmp_path / "a.jsonl", rows))
    rows[0]["id"] = "NEW-LOCAL-ID"  # same PNC id: the same person
    rows[0]["convictions"].append(
        {"id": "C9", "offence_code": "03401", "conviction_date": "2025-01-01"}
    )
    rows[1]["date_of_birth"] = "1990-13-45"
    run = import_file(_jsonl(tmp_path / "b.jsonl", rows))
    assert (run.created, run.updated, run.rejected) == (0, 1, 1)
    person = m.Person.objects.get(pnc_id="2010/0000001Z")
    assert person.local_id == "NEW-LOCAL-ID"
    assert person.convictions.count() == 4
    [problem] = run.problems.all()
    assert (problem.line, problem.person, problem.field) == (2, "DEMO2", "date_of_birth")
    assert problem.reason == "'1990-13-45' is not a date"


def test_tables_carry_descriptions_and_text_too_long_to_hold_is_kept_aside(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "extract"
    shutil.copytree(EXAMPLES / "extract", folder)
    people = folder / "people.csv"
    people.write_text(people.read_text().replace(",Sample,", f",{'S' * 101},"))
    convictions = folder / "convictions.csv"
    lines = convictions.read_text().splitlines()
    lines[4] += "x" * 301  # E3's conviction (line 5): its description is empty in the example
    convictions.write_text("\n".join(lines) + "\n")
    run = import_file(folder)
    assert (run.created, run.rejected) == (2, 2)
    problems = [(p.file, p.line, p.person, p.field, p.reason) for p in run.problems.all()]
    assert sorted(problems) == [
        ("convictions.csv", 5, "E3", "description", "conviction C1: longer than 300 characters"),
        ("people.csv", 3, "E2", "family_name", "longer than 100 characters"),
    ]
    [conviction] = m.Conviction.objects.filter(person__local_id="E1", conviction_id="C1")
    assert conviction.description == "Entered a garage and took power tools"
    again = import_file(folder)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 2, 2)


def test_upgrading_works_out_each_fingerprint_again_so_a_rerun_changes_nothing() -> None:
    """Migration 0007: the fingerprint changed form; without it, the first import after
    upgrading would rewrite everyone and log alterations that never happened."""
    from django.apps import apps

    upgrade = importlib.import_module("iom.people.migrations.0007_feed_digest_from_duckdb")
    import_file(EXAMPLES / "extract")
    m.Person.objects.update(feed_digest="an older form")
    sam = m.Person.objects.get(local_id="E1")  # a practitioner's OGRS is not the feed's
    m.OgrsEntry.objects.create(person=sam, score=12, assessed_on=date(2026, 1, 5), assessor="Jo")
    upgrade.refingerprint(apps, None)
    again = import_file(EXAMPLES / "extract")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


def _jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


def test_the_person_page_explains_each_policy(
    signed_in: Callable[[str], Client], adult: m.Person
) -> None:
    m.CustodyPeriod.objects.create(
        person=adult, kind="remand", start="2020-01-01", end="2020-02-01"
    )
    page = signed_in(Role.POLICE_IOM_OFFICER).get(f"/people/{adult.pk}/").content.decode()
    assert "Derbyshire IOM strategy 2021-2023" in page
    assert "Nottinghamshire YJS IOM practice guide 2022" in page
    assert "Fixed: neighbourhood crime conviction in the last 12 months at liberty" in page
    assert "Policy derbyshire-2021@1+" in page
    assert "Other burglary in a dwelling" in page  # the history names the offence
    assert "Conviction" in page
    assert "Custody" in page


def test_what_would_change_it(signed_in: Callable[[str], Client]) -> None:
    import_file(EXAMPLES / "people.jsonl")
    person = m.Person.objects.get(local_id="DEMO3")  # no OGRS
    person.date_of_birth = date(1990, 3, 1)
    person.save()
    page = signed_in(Role.COORDINATOR).get(f"/people/{person.pk}/").content.decode()
    assert "An OGRS from probation is needed" in page


def test_search_by_name_pnc_and_date_of_birth(signed_in: Callable[[str], Client]) -> None:
    import_file(EXAMPLES / "extract")
    client = signed_in(Role.MAIT_ANALYST)
    assert "Sam Example" in client.get("/people/?q=example").content.decode()
    assert "Sam Example" in client.get("/people/?q=2009/0001234K").content.decode()
    assert "Jo Sample" in client.get("/people/?q=1990-08-30").content.decode()
    assert "0 people found" in client.get("/people/?q=nobody").content.decode()


def test_upload_page_and_report(signed_in: Callable[[str], Client], tmp_path: Path) -> None:
    client = signed_in(Role.COORDINATOR)
    rows = [json.loads(line) for line in (EXAMPLES / "people.jsonl").read_text().splitlines()]
    rows[2]["convictions"][0]["offence_code"] = "99999"
    path = _jsonl(tmp_path / "upload.jsonl", rows)
    with path.open("rb") as handle:
        response = client.post("/people/imports/", {"extract": handle})
    assert response.status_code == 302
    report = client.get(response["Location"]).content.decode()
    assert "offence code &#39;99999&#39; is not in the offence catalogue" in report
    looked = AuditEvent.objects.get(record_type="import run", operation="consultation")
    assert looked.details == "DEMO3"  # the people the report named
    assert m.Person.objects.count() == 3
    wrong = client.post("/people/imports/", {})
    assert "Choose a file to import" in wrong.content.decode()


def test_upload_a_zip_of_tables(signed_in: Callable[[str], Client], tmp_path: Path) -> None:
    archive = tmp_path / "extract.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for name in ("people", "convictions", "custody"):
            zipped.write(EXAMPLES / "extract" / f"{name}.csv", f"extract/{name}.csv")
    client = signed_in(Role.MAIT_ANALYST)
    with archive.open("rb") as handle:
        response = client.post("/people/imports/", {"extract": handle})
    assert response.status_code == 302
    assert m.Person.objects.count() == 4
    incomplete = tmp_path / "partial.zip"
    with zipfile.ZipFile(incomplete, "w") as zipped:
        zipped.write(EXAMPLES / "extract" / "people.csv", "people.csv")
    with incomplete.open("rb") as handle:
        page = client.post("/people/imports/", {"extract": handle}, follow=True).content.decode()
    assert "The import failed" in page
    assert "must hold people, convictions and custody" in page
    assert m.ImportRun.objects.latest("pk").status == m.ImportRun.Status.FAILED


def test_iom_import_command(tmp_path: Path) -> None:
    env = migrated(development_env(tmp_path))
    first = run_iom("import", str(EXAMPLES / "extract"), env=env)
    assert first.returncode == 0, first.stderr
    assert "4 new, 0 updated, 0 unchanged, 0 kept aside" in first.stderr
    again = run_iom("import", str(EXAMPLES / "extract"), env=env)
    assert "0 new, 0 updated, 4 unchanged" in again.stderr
    verified = run_iom("audit-verify", env=env)
    assert verified.returncode == 0
    assert "4 events chained" in verified.stdout


def test_the_latest_dated_ogrs_is_the_one_used(adult: m.Person) -> None:
    from iom.people.records import to_rules

    m.OgrsEntry.objects.create(
        person=adult, score=20, assessed_on=None, version="OGRS3", assessor="probation"
    )
    m.OgrsEntry.objects.create(
        person=adult, score=70, assessed_on=date(2026, 1, 1), version="OGRS4", assessor="probation"
    )
    ogrs = to_rules(adult).ogrs
    assert ogrs is not None
    assert ogrs.score == 70


def test_the_person_page_shows_what_the_rules_said_on_a_past_date(
    signed_in: Callable[[str], Client], adult: m.Person
) -> None:
    client = signed_in(Role.COORDINATOR)
    today = client.get(f"/people/{adult.pk}/").content.decode()
    assert "Eligible" in today
    before = client.get(f"/people/{adult.pk}/", {"as_of": "2020-01-01"}).content.decode()
    assert "Assessments on 1 January 2020" in before
    assert "Eligible" not in before  # the burglary was not yet committed
    future = client.get(f"/people/{adult.pk}/", {"as_of": "2999-01-01"}).content.decode()
    assert "Assessments on 1 January 2999" not in future
    assert client.get(f"/people/{adult.pk}/", {"as_of": "not a date"}).status_code == 200
