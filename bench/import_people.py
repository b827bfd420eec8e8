"""Benchmark: import N synthetic people into the web app's database (`make bench`, not a test).

Generates the people as Parquet tables, migrates a fresh database (SQLite under var/bench, or
DATABASE_URL), imports, imports again (nothing should change), and writes
bench/results/import.json with the times and rates.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from postgres import ensure_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=Path("var/bench"))
    parser.add_argument("--out", type=Path, default=Path("bench/results/import.json"))
    parser.add_argument(
        "--large",
        type=int,
        default=0,
        help="then load this many people into an empty database with `iom import` (its progress "
        "bar shown), timed",
    )
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    database = args.work / "import.sqlite3"
    if "DATABASE_URL" not in os.environ:
        database.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{database.resolve()}"
    elif os.environ["DATABASE_URL"].startswith("postgres"):
        ensure_database(os.environ["DATABASE_URL"])

    from iom.synth import generate
    from iom.synth.writers import write
    from iom.web.bootstrap import setup

    setup()
    from django.core.management import call_command

    from iom.people.importer import import_file

    source = args.work / f"import-{args.people}.parquet"
    counts = write(generate(args.people, 7, date(2025, 12, 31)), source)
    call_command("flush", interactive=False, verbosity=0) if "sqlite" not in os.environ[
        "DATABASE_URL"
    ] else None
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    first = import_file(source)
    first_seconds = time.perf_counter() - started
    started = time.perf_counter()
    again = import_file(source)
    again_seconds = time.perf_counter() - started
    from django.db import connection

    report = {
        "benchmark": "import",
        "database": connection.vendor,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}",
        "people": counts["people"],
        "convictions": counts["convictions"],
        "first_import": {
            "seconds": round(first_seconds, 1),
            "people_per_second": round(counts["people"] / first_seconds),
            "created": first.created,
            "rejected": first.rejected,
        },
        "rerun": {
            "seconds": round(again_seconds, 1),
            "unchanged": again.unchanged,
            "created": again.created,
            "updated": again.updated,
        },
    }
    if args.large:
        report["large_first_import"] = large_import(args.large, args.work)
    report["targets"] = against_targets(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    for target in report["targets"]:
        met = "met    " if target["met"] else "NOT MET"
        print(f"{met}  {target['what']}: {target['measured']} ({target['target']})")


def large_import(people: int, work: Path) -> dict:
    """Empty the database and load `people` through the command a force would run, twice."""
    from django.core.management import call_command

    from iom.people import models as m
    from iom.synth import generate
    from iom.synth.writers import write

    source = work / f"import-{people}.parquet"
    if not source.exists():
        write(generate(people, 7, date(2025, 12, 31)), source)
    call_command("flush", interactive=False, verbosity=0)
    command = [str(Path(sys.executable).with_name("iom")), "import", str(source)]
    started = time.perf_counter()
    subprocess.run(command, check=True)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024**2  # kB on Linux
    started = time.perf_counter()
    subprocess.run(command, check=True)
    again = time.perf_counter() - started
    rerun = m.ImportRun.objects.latest("pk")
    return {
        "people": people,
        "seconds": round(seconds, 1),
        "peak_memory_gb": round(peak, 2),
        "rerun": {
            "seconds": round(again, 1),
            "unchanged": rerun.unchanged,
            "created": rerun.created,
            "updated": rerun.updated,
        },
    }


def against_targets(report: dict) -> list[dict]:
    """Issue 11's targets: 100,000 people first loaded in 30 s (PostgreSQL) or 60 s, a rerun in
    10 s; 1,000,000 people into PostgreSQL in 5 minutes."""
    first_limit = 30 if report["database"] == "postgresql" else 60
    first, rerun = report["first_import"]["seconds"], report["rerun"]["seconds"]
    targets = [
        {
            "what": f"first load of {report['people']:,} people ({report['database']})",
            "target": f"at most {first_limit} s",
            "measured": f"{first} s",
            "met": first <= first_limit,
        },
        {
            "what": f"a rerun that changes nothing ({report['database']})",
            "target": "at most 10 s",
            "measured": f"{rerun} s",
            "met": rerun <= 10,
        },
    ]
    if "large_first_import" in report:
        large = report["large_first_import"]
        targets.append(
            {
                "what": f"first load of {large['people']:,} people ({report['database']}, "
                "`iom import`)",
                "target": "at most 300 s",
                "measured": f"{large['seconds']} s",
                "met": large["seconds"] <= 300,
            }
        )
    return targets


if __name__ == "__main__":
    main()
