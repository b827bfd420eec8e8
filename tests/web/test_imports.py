"""Uploads: permission per record, every malformed file handled, limits (findings 2, 3 and 4)."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iom.accounts.models import Role
from iom.audit.models import AuditEvent
from iom.ingest.feed import digests
from iom.people import models as m
from iom.people.importer import NOT_PERMITTED
from iom.people.records import to_rules

pytestmark = pytest.mark.django_db
EXTRACT = Path(__file__).parents[2] / "examples" / "extract"
TODAY = date.today()
CHILD_BORN = TODAY.replace(year=TODAY.year - 15, day=1).isoformat()
ADULT = {"date_of_birth": "1990-01-01"}


def upload(client: Client, name: str, content: bytes) -> Any:
    return client.post("/people/imports/", {"extract": SimpleUploadedFile(name, content)})


def report_of(client: Client, response: Any) -> tuple[m.ImportRun, str]:
    assert response.status_code == 302, response.status_code
    run = m.ImportRun.objects.latest("pk")
    return run, client.get(response["Location"]).content.decode()


def jsonl(*records: dict[str, Any]) -> bytes:
    return "\n".join(json.dumps({"convictions": [], **r}) for r in records).encode()


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def tables(**replace: bytes) -> dict[str, bytes]:
    files = {
        f"{n}.csv": (EXTRACT / f"{n}.csv").read_bytes()
        for n in ("people", "convictions", "custody")
    }
    return {**files, **replace}


# Finding 2: the importer checks each record against the uploader's permissions.


@pytest.fixture
def child(db: Any) -> m.Person:
    return m.Person.objects.create(
        local_id="Y1",
        pnc_id="2011/0000001Y",
        given_name="Yasmin",
        family_name="Young",
        date_of_birth=date.fromisoformat(CHILD_BORN),
    )


def test_a_role_barred_from_children_cannot_load_or_change_one(
    signed_in: Callable[[str], Client], child: m.Person
) -> None:
    client = signed_in(Role.MAIT_ANALYST)
    overwrite = {
        "id": "Y1",
        "pnc_id": child.pnc_id,
        "given_name": "Changed",
        "date_of_birth": CHILD_BORN,
    }
    new_child = {"id": "Y2", "pnc_id": "2011/0000002Y", "date_of_birth": CHILD_BORN}
    as_adult = {
        "id": "A9",
        "pnc_id": child.pnc_id,
        "given_name": "Changed",
        "date_of_birth": "1990-01-01",
    }
    run, _ = report_of(client, upload(client, "x.jsonl", jsonl(overwrite, new_child, as_adult)))
    assert (run.created, run.updated, run.unchanged, run.rejected) == (0, 0, 0, 3)
    reasons = {p.person: p.reason for p in run.problems.all()}
    assert reasons == {"Y1": NOT_PERMITTED, "Y2": NOT_PERMITTED, "A9": NOT_PERMITTED}
    child.refresh_from_db()
    assert child.given_name == "Yasmin"
    assert m.Person.objects.count() == 1
    refusal = AuditEvent.objects.get(operation="refused", record_type="person (import)")
    assert refusal.details == "Y1,Y2,A9"


def test_a_coordinator_may_load_a_child(
    signed_in: Callable[[str], Client], child: m.Person
) -> None:
    client = signed_in(Role.COORDINATOR)
    change = {
        "id": "Y1",
        "pnc_id": child.pnc_id,
        "given_name": "Yasmin-Rose",
        "date_of_birth": CHILD_BORN,
    }
    run, _ = report_of(client, upload(client, "x.jsonl", jsonl(change)))
    assert (run.updated, run.rejected) == (1, 0)


def test_a_report_naming_children_is_not_shown_to_a_role_barred_from_them(
    signed_in: Callable[[str], Client],
) -> None:
    """A coordinator's report may name a child kept aside; the analyst sees their own only."""
    coordinator, analyst = signed_in(Role.COORDINATOR), signed_in(Role.MAIT_ANALYST)
    bad_child = {"id": "Y3", "date_of_birth": CHILD_BORN, "sex": "boy"}
    theirs, page = report_of(coordinator, upload(coordinator, "x.jsonl", jsonl(bad_child)))
    assert "Y3" in page
    assert analyst.get(f"/people/imports/{theirs.pk}/").status_code == 404
    assert AuditEvent.objects.filter(operation="refused", record_type="import run").exists()
    own, _ = report_of(analyst, upload(analyst, "y.jsonl", jsonl({"id": "A1", **ADULT})))
    listed = analyst.get("/people/imports/").content.decode()
    assert f"/people/imports/{own.pk}/" in listed
    assert f"/people/imports/{theirs.pk}/" not in listed
    assert coordinator.get(f"/people/imports/{own.pk}/").status_code == 200


# Finding 3: malformed uploads give a report that says what is wrong, never a 500.

BROKEN = {
    "unknown column": (
        "x.zip",
        zipped(tables(**{"people.csv": b"id,date_of_birth,shoe_size\nP1,1990-01-01,9\n"})),
    ),
    "missing column": ("x.zip", zipped(tables(**{"convictions.csv": b"person_id,id\nE1,C1\n"}))),
    "fake parquet": (
        "x.zip",
        zipped({f"{n}.parquet": b"PAR1 not really" for n in ("people", "convictions", "custody")}),
    ),
    "truncated array": (
        "x.json",
        b'[{"id": "P1", "date_of_birth": "1990-01-01", "convictions": []}, {"id": "P2"',
    ),
    "latin-1 bytes": (
        "x.jsonl",
        '{"id": "P1", "given_name": "Zoë", "date_of_birth": "1990-01-01"}'.encode("latin-1"),
    ),
    "latin-1 table": (
        "x.zip",
        zipped(
            tables(
                **{
                    "people.csv": "id,given_name,date_of_birth\nP1,Zoë,1990-01-01\n".encode(
                        "latin-1"
                    )
                }
            )
        ),
    ),
    "not a zip": ("x.zip", b"PK\x03\x04 this is not a zip"),
    "nested array": ("x.json", b"[" * 10_000 + b"]" * 10_000),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_malformed_upload_fails_its_run_with_a_reason(
    signed_in: Callable[[str], Client], case: str
) -> None:
    client = signed_in(Role.COORDINATOR)
    name, content = BROKEN[case]
    run, page = report_of(client, upload(client, name, content))
    assert run.status == m.ImportRun.Status.FAILED
    assert run.failure
    assert "The import failed" in page
    assert "every row went in" not in page
    assert m.Person.objects.count() == 0


def test_a_line_of_nested_brackets_is_kept_aside_and_the_rest_go_in(
    signed_in: Callable[[str], Client],
) -> None:
    client = signed_in(Role.COORDINATOR)
    good = {"id": "P1", "date_of_birth": "1990-01-01", "convictions": []}
    content = jsonl(good) + b"\n" + b"[" * 10_000 + b"]" * 10_000 + b"\n" + b"{" * 10_000
    run, page = report_of(client, upload(client, "x.jsonl", content))
    assert run.status == m.ImportRun.Status.FINISHED
    assert (run.created, run.rejected) == (1, 2)
    assert "nested too deeply" in page


def test_a_bad_column_is_named_without_the_server_folder(
    signed_in: Callable[[str], Client],
) -> None:
    client = signed_in(Role.COORDINATOR)
    name, content = BROKEN["unknown column"]
    run, _ = report_of(client, upload(client, name, content))
    assert run.failure == "people.csv: unknown column 'shoe_size'"


# Finding 4: limits on size, members, expansion and problem rows.


def test_an_upload_over_the_size_limit_is_refused_before_it_is_stored(
    signed_in: Callable[[str], Client],
) -> None:
    client = signed_in(Role.COORDINATOR)
    with override_settings(IOM_UPLOAD_MAX_BYTES=10_000):
        response = upload(client, "big.jsonl", b" " * 20_000)
    assert response.status_code == 200
    assert "The file is larger than" in response.content.decode()
    assert not m.ImportRun.objects.exists()


def test_a_zip_that_expands_past_the_limit_is_stopped(signed_in: Callable[[str], Client]) -> None:
    client = signed_in(Role.COORDINATOR)
    bomb = zipped(tables(**{"people.csv": b"id,date_of_birth\n" + b"P1,1990-01-01\n" * 200_000}))
    assert len(bomb) < 100_000
    with override_settings(IOM_UPLOAD_MAX_EXPANDED_BYTES=1_000_000):
        run, _ = report_of(client, upload(client, "bomb.zip", bomb))
    assert run.status == m.ImportRun.Status.FAILED
    assert "expand to more than" in run.failure


def test_a_zip_with_too_many_members_is_refused(signed_in: Callable[[str], Client]) -> None:
    client = signed_in(Role.COORDINATOR)
    crowded = zipped({**tables(), **{f"other/{n}.txt": b"" for n in range(20)}})
    run, _ = report_of(client, upload(client, "crowded.zip", crowded))
    assert run.status == m.ImportRun.Status.FAILED
    assert "at most 10 are accepted" in run.failure


def test_problem_rows_are_capped_and_counted(signed_in: Callable[[str], Client]) -> None:
    client = signed_in(Role.COORDINATOR)
    lines = b"\n".join(b"x" for _ in range(2_000))
    with override_settings(IOM_IMPORT_MAX_PROBLEMS=100):
        run, page = report_of(client, upload(client, "junk.jsonl", lines))
    assert run.problems.count() == 100
    assert run.problems_total == 2_000
    assert "The first 100 of 2,000 problems are listed" in page


def test_the_limits_are_stated_on_the_page(signed_in: Callable[[str], Client]) -> None:
    page = signed_in(Role.COORDINATOR).get("/people/imports/").content.decode()
    assert "At most 50 MB uploaded" in page
    assert "up to 10 files whose tables expand to at most 200 MB" in page


@pytest.fixture
def analyst(signed_in: Callable[[str], Client]) -> Client:
    """Signed in once for all of hypothesis's examples (a code works once per time step)."""
    return signed_in(Role.MAIT_ANALYST)


# Any bytes, any zip, any JSON: never a 500, never a run without a state, never a partial person.

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
person_like = st.fixed_dictionaries(
    {
        "id": st.text(min_size=1, max_size=80),
        "date_of_birth": st.sampled_from(["1990-01-01", CHILD_BORN, "x"]),
    },
    optional={
        "pnc_id": st.text(max_size=30),
        "given_name": st.text(max_size=120),
        "convictions": st.lists(
            st.fixed_dictionaries(
                {
                    "id": st.text(max_size=70),
                    "offence_code": st.sampled_from(["02803", "03401", "nope"]),
                    "conviction_date": st.sampled_from(["2024-01-01", "2024-02-30"]),
                },
                # any text: PostgreSQL is handed the convictions as CSV
                optional={"description": st.text(max_size=40)},
            ),
            max_size=3,
        ),
        "custody": json_values,
        "ogrs": json_values,
        "needs": json_values,
    },
)
table_names = st.sampled_from(
    [f"{t}.{f}" for t in ("people", "convictions", "custody") for f in ("csv", "parquet")]
    + ["other.txt"]
)
uploads = st.one_of(
    st.tuples(st.sampled_from(["x.jsonl", "x.json", "x.zip"]), st.binary(max_size=400)),
    st.tuples(
        st.just("x.jsonl"),
        st.lists(st.one_of(person_like, json_values), max_size=5).map(
            lambda rows: "\n".join(json.dumps(r) for r in rows).encode()
        ),
    ),
    st.tuples(
        st.just("x.json"),
        st.lists(person_like, max_size=4).map(lambda rows: json.dumps(rows).encode()),
    ),
    st.tuples(
        st.just("x.zip"),
        st.dictionaries(table_names, st.binary(max_size=200), max_size=6).map(zipped),
    ),
    st.tuples(
        st.just("x.zip"),
        st.dictionaries(
            table_names,
            st.sampled_from(
                [
                    (EXTRACT / "people.csv").read_bytes(),
                    (EXTRACT / "convictions.csv").read_bytes(),
                    (EXTRACT / "custody.csv").read_bytes(),
                    b"id,date_of_birth\n\x00,1990-01-01\n",
                    b"a,b\n1\n",
                ]
            ),
            max_size=6,
        ).map(zipped),
    ),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=uploads)
def test_any_upload_ends_in_a_report_and_whole_people(
    analyst: Client, case: tuple[str, bytes]
) -> None:
    client = analyst
    name, content = case
    response = upload(client, name, content)
    assert response.status_code == 302
    run = m.ImportRun.objects.latest("pk")
    assert run.status in (m.ImportRun.Status.FINISHED, m.ImportRun.Status.FAILED)
    assert client.get(response["Location"]).status_code == 200
    held = m.Person.objects.all()
    assert digests(to_rules(p) for p in held) == {p.local_id: p.feed_digest for p in held}
    assert not any(person.is_youth() for person in held)  # the analyst may not load children


def test_nul_and_lone_surrogates_are_kept_aside_not_stored(
    signed_in: Callable[[str], Client],
) -> None:
    client = signed_in(Role.COORDINATOR)
    rows = b'{"id": "P\\u0000", "date_of_birth": "1990-01-01", "convictions": []}\n'
    rows += (
        b'{"id": "P2", "given_name": "\\ud800", "date_of_birth": "1990-01-01", "convictions": []}\n'
    )
    rows += b'{"id": "P3", "date_of_birth": "19\\u000090-01-01", "convictions": []}\n'
    run, page = report_of(client, upload(client, "x.jsonl", rows))
    assert run.status == m.ImportRun.Status.FINISHED
    assert (run.created, run.rejected) == (0, 3)
    assert "\\x00" in page
