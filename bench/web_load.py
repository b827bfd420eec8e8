"""Benchmark: the web app under load (`make bench`, not a test).

Fills a PostgreSQL database with N synthetic people (1,000,000 by default; kept for the next run
when it already holds them), adds a scheme at work (members allocated to the load users, a meeting
with its agenda) and one person with 200 convictions, then:
- times the daily automatic referrals (`iom referrals auto`) over everyone held, twice: the first
  run opens a draft for each screening candidate, the second opens none and refreshes their
  screening;
- times the person page with 200 convictions, and the coordinator's start page ranking those
  drafts, in-process (server time, no network);
- times the nightly disproportionality figures of each scheme (`iom governance fairness`), then
  the page that reads them;
- serves the app with gunicorn (2 workers) on loopback and runs bench/locustfile.py headless with
  50 users for a bounded time;
and writes bench/results/web-load.json: p95 per page and overall, failures, the person page's
server time, against the targets (p95 at most 300 ms, no errors; the page at most 150 ms).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from postgres import ensure_database

ROOT = Path(__file__).parents[1]
BIN = Path(sys.executable).parent
PASSWORD = "load-test-passphrase-2026"
TARGET_P95_MS = 300
TARGET_PERSON_PAGE_MS = 150


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument(
        "--database", default="postgres://postgres@127.0.0.1:5432/iom_load", help="PostgreSQL URL"
    )
    parser.add_argument("--port", type=int, default=8010)
    parser.add_argument(
        "--think", default="5,15", help="seconds between one user's pages: least,most"
    )
    parser.add_argument(
        "--arrivals", type=float, default=1, help="users starting (signing in) per second"
    )
    parser.add_argument("--work", type=Path, default=ROOT / "var/bench")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/web-load.json")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = args.database
    ensure_database(args.database)

    from iom.web.bootstrap import setup

    setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    loaded = fill(args.people, args.work)
    plan = prepare(args.users)
    plan_file = args.work / "load-plan.json"
    plan_file.write_text(json.dumps(plan))
    referrals = automatic_referrals()
    client = signed_in_client()
    page = page_times(client, f"/people/{plan['big_person']}/")
    start_page = page_times(client, "/")
    fairness = fairness_figures(client)
    load = run_load(args, plan_file)
    report = {
        "benchmark": "web-load",
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}",
        "people": args.people,
        "load_seconds": loaded,
        "users": args.users,
        "think_seconds": args.think,
        "arrivals_per_second": args.arrivals,
        "duration_seconds": args.seconds,
        "gunicorn_workers": 2,
        "person_page_200_convictions_ms": page,
        "automatic_referrals": referrals,
        "start_page_ms": start_page,
        "fairness_figures": fairness,
        **load,
        "targets": {"p95_ms": TARGET_P95_MS, "person_page_ms": TARGET_PERSON_PAGE_MS},
        "met": {
            "p95": load["overall"]["p95_ms"] <= TARGET_P95_MS,
            "no_errors": load["overall"]["failures"] == 0,
            "person_page": page["median"] <= TARGET_PERSON_PAGE_MS,
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


def fill(people: int, work: Path) -> float | None:
    """Import the synthetic people unless the database holds them already; the seconds the
    import took (when it ran in an earlier run, as that run measured it)."""
    from iom.people import models as m

    timing = work / f"load-seconds-{people}.json"
    if m.Person.objects.filter(local_id__startswith="S").count() >= people:
        return json.loads(timing.read_text()) if timing.exists() else None
    from django.core.management import call_command

    from iom.people.importer import import_file
    from iom.synth import generate
    from iom.synth.writers import write

    call_command("flush", interactive=False, verbosity=0)
    source = work / f"import-{people}.parquet"
    if not source.exists():
        write(generate(people, 7, date(2025, 12, 31)), source)
    started = time.perf_counter()
    import_file(source, progress=lambda done, total: print(f"\r{done:,} of {total:,}", end=""))
    print()
    seconds = round(time.perf_counter() - started, 1)
    timing.write_text(json.dumps(seconds))
    return seconds


def prepare(users: int) -> dict[str, object]:
    """Load users, their members, a meeting with its agenda, a person with 200 convictions."""
    from django.db import transaction
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from iom.accounts.models import Agency, AgencyKind, Role
    from iom.cases import services as cases
    from iom.cases.models import Membership
    from iom.panels import services as panels
    from iom.people import models as m
    from iom.web.demo_scheme import make_schemes

    today = date.today()
    with transaction.atomic():
        scheme = make_schemes()["derbyshire"]
        police, _ = Agency.objects.get_or_create(
            name="Load Test Police", defaults={"kind": AgencyKind.POLICE}
        )
        coordinator = _user("load-coordinator", Role.COORDINATOR, police)
        accounts = []
        sample = list(m.Person.objects.order_by("pk").values_list("pk", flat=True)[: users * 4])
        for n in range(users):
            user = _user(f"load-{n:02d}", Role.POLICE_IOM_OFFICER, police)
            device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
                user=user, name="load", confirmed=True
            )
            members = []
            for pk in sample[n * 4 : n * 4 + 4]:
                member, made = Membership.objects.get_or_create(
                    person_id=pk,
                    scheme=scheme,
                    defaults={"cohort": "fixed", "start": today - timedelta(days=60)},
                )
                if made:
                    cases.allocate(coordinator, member, "police_officer", user, member.start)
                members.append(member.pk)
            accounts.append({"username": user.username, "secret": device.key, "members": members})
        kind = scheme.meeting_types.first()
        meeting = panels.plan(coordinator, scheme, kind, today, coordinator)
        panels.build_agenda(coordinator, meeting)
        big = _person_with_convictions(200)
    people = list(m.Person.objects.order_by("?").values_list("pk", "family_name")[:2000])
    return {
        "password": PASSWORD,
        "users": accounts,
        "people": [pk for pk, _ in people],
        "surnames": sorted({name for _, name in people if name})[:500],
        "meeting": meeting.pk,
        "big_person": big,
    }


def _user(username: str, role: str, agency: object) -> object:
    from iom.accounts.models import User

    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username, password=PASSWORD, role=role, agency=agency)
    return user


def _person_with_convictions(n: int) -> int:
    from iom.people import models as m

    person, made = m.Person.objects.get_or_create(
        local_id="LOAD-200",
        defaults={"given_name": "Busy", "family_name": "Record", "date_of_birth": date(1985, 3, 3)},
    )
    if made:
        codes = ["02803", "00404", "00806", "03401", "04600"]
        m.Conviction.objects.bulk_create(
            m.Conviction(
                person=person,
                conviction_id=f"C{k}",
                offence_code=random.choice(codes),
                conviction_date=date(2005, 1, 1) + timedelta(days=30 * k),
            )
            for k in range(n)
        )
    return person.pk


def automatic_referrals() -> dict[str, object]:
    """The daily automatic referrals over everyone held, timed, run twice. Screening drafts
    from an earlier bench run are removed first, so that every run measures the same."""
    from iom.referrals.automatic import open_due
    from iom.referrals.models import Referral

    Referral.objects.filter(trigger=Referral.Trigger.SCREENING, state=Referral.State.DRAFT).delete()
    timed = {}
    for run in ("first", "second"):
        started = time.perf_counter()
        opened = open_due(date.today())
        seconds = round(time.perf_counter() - started, 1)
        timed[run] = {"seconds": seconds, "opened": sum(opened.values())}
        print(f"automatic referrals, {run} run: {seconds} s, {sum(opened.values()):,} opened")
    return timed


def fairness_figures(client: Any) -> dict[str, object]:
    """Each scheme's disproportionality figures worked out and kept, as nightly, timed; then
    the page that reads them."""
    from iom.governance import queries
    from iom.governance.services import work_out_fairness

    worked_out = {}
    for scheme in queries.schemes():
        started = time.perf_counter()
        stored = work_out_fairness(scheme, date.today(), None)
        seconds = round(time.perf_counter() - started, 1)
        worked_out[scheme.slug] = {"seconds": seconds, "people_screened": stored.screened}
        print(f"disproportionality figures, {scheme}: {seconds} s, {stored.screened:,} screened")
    return {"worked_out": worked_out, "page_ms": page_times(client, "/fairness/", repeats=10)}


def signed_in_client() -> object:
    """Django's test client signed in as the load coordinator."""
    from django.test import Client
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.post("/accounts/sign-in", {"username": "load-coordinator", "password": PASSWORD})
    device = TOTPDevice.objects.filter(user__username="load-coordinator").first()
    if device is None:
        from iom.accounts.models import User

        device = TOTPDevice.objects.create(
            user=User.objects.get(username="load-coordinator"), name="load", confirmed=True
        )
    device.last_t = -1
    device.save()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    client.post("/accounts/sign-in/code", {"code": f"{totp.token():06d}"})
    return client


def page_times(client: Any, path: str, repeats: int = 20) -> dict[str, float]:
    """Server time for a page (Django's test client: no network, the whole stack)."""
    times = []
    for _ in range(repeats + 2):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    times = sorted(times[2:])  # the first two warm the caches
    return {
        "median": round(statistics.median(times), 1),
        "p95": round(times[int(0.95 * (len(times) - 1))], 1),
    }


def run_load(args: argparse.Namespace, plan_file: Path) -> dict[str, object]:
    env = {**os.environ, "IOM_LOAD_PLAN": str(plan_file), "IOM_LOAD_THINK": args.think}
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "iom.web.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{args.port}",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        _wait_for(f"http://127.0.0.1:{args.port}/accounts/sign-in")
        prefix = args.work / "locust"
        subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "bench/locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.arrivals),
                "--run-time",
                f"{args.seconds}s",
                "--host",
                f"http://127.0.0.1:{args.port}",
                "--csv",
                str(prefix),
                "--only-summary",
            ],
            env=env,
            check=False,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    return _summary(Path(f"{prefix}_stats.csv"))


def _wait_for(url: str) -> None:
    for _ in range(60):
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the app did not answer at {url}")


def _summary(stats: Path) -> dict[str, object]:
    pages, overall = {}, {}
    with stats.open() as handle:
        for row in csv.DictReader(handle):
            figures = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "median_ms": float(row["Median Response Time"]),
                "p95_ms": float(row["95%"]),
            }
            if row["Name"] == "Aggregated":
                overall = figures
            else:
                pages[row["Name"]] = figures
    return {"overall": overall, "pages": pages}


if __name__ == "__main__":
    main()
