"""Benchmark: force-wide screening against the per-person rules path (`make bench`, not a test).

1. generate N synthetic people as Parquet tables (1,000,000 by default, ~10 convictions each);
2. screen them under each policy, each run in its own process so its peak memory is its own;
3. time the per-person path (`iom.rules.assess`) on a 10,000-person sample of the same people;
4. optionally (--national) generate and screen 13,000,000 people streaming from Parquet.
Writes bench/results/screening.json. Targets (2 cores): 1M in 30 s or less, 50x the per-person
path, peak memory 4 GB or less.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq

POLICIES = ("derbyshire-2021", "nottinghamshire-yjs-2022")
AS_OF = date(2025, 12, 31)
MEMORY_LIMIT = "3GB"


def generate(people: int, folder: Path) -> dict[str, float]:
    from iom.synth import generate as draw
    from iom.synth.writers import write

    started = time.perf_counter()
    counts = write(draw(people, 2026, AS_OF), folder)
    return {"seconds": round(time.perf_counter() - started, 1), **counts}


def screen_once(source: Path, policy_id: str, output: Path) -> dict[str, float]:
    """Run in a child process: screen once, report seconds and this process's peak memory."""
    from iom.rules import load_catalogue, load_policy
    from iom.screening.run import connect, screen

    started = time.perf_counter()
    result = screen(
        source, load_policy(policy_id), AS_OF, output, load_catalogue(), con=connect(MEMORY_LIMIT)
    )
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 2),
        "people": result.people,
        "people_per_second": round(result.people / seconds),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def screen_in_child(source: Path, policy_id: str, output: Path) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--one", str(source), policy_id, str(output)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def per_person(source: Path, sample: int) -> dict[str, dict[str, float]]:
    from iom.ingest.tables import person_record
    from iom.rules import assess, load_catalogue, load_policy
    from iom.rules.records import build_person

    people_rows = pq.read_table(source / "people.parquet").slice(0, sample).to_pylist()
    ids = {row["id"] for row in people_rows}
    convictions: dict[str, list[dict]] = {i: [] for i in ids}
    custody: dict[str, list[dict]] = {i: [] for i in ids}
    for name, into in (("convictions", convictions), ("custody", custody)):
        for batch in pq.ParquetFile(source / f"{name}.parquet").iter_batches():
            for row in batch.to_pylist():
                if row["person_id"] in into:
                    into[row["person_id"]].append(row)
    people = [
        build_person(person_record(row, convictions[row["id"]], custody[row["id"]]))
        for row in people_rows
    ]
    catalogue = load_catalogue()
    timings = {}
    for policy_id in POLICIES:
        policy = load_policy(policy_id)
        started = time.perf_counter()
        for person in people:
            assess(person, policy, AS_OF, catalogue)
        seconds = time.perf_counter() - started
        timings[policy_id] = {
            "people": len(people),
            "seconds": round(seconds, 2),
            "people_per_second": round(len(people) / seconds),
        }
    return timings


def run_scale(people: int, work: Path, with_per_person: bool) -> dict[str, object]:
    source = work / f"population-{people}.parquet"
    if (source / "custody.parquet").exists():  # the same seed gives the same people: reuse them
        generated: dict[str, float | None] = {
            "seconds": None,
            **{
                t: pq.read_metadata(source / f"{t}.parquet").num_rows
                for t in ("people", "convictions", "custody")
            },
        }
    else:
        generated = generate(people, source)
    print(f"generated {people:,} people in {generated['seconds']} s", file=sys.stderr)
    results: dict[str, object] = {
        "people": people,
        "convictions": generated["convictions"],
        "custody_spells": generated["custody"],
        "generate_seconds": generated["seconds"],
    }
    screens = {}
    for policy_id in POLICIES:
        screens[policy_id] = screen_in_child(
            source, policy_id, work / f"screened-{people}-{policy_id}.parquet"
        )
        print(f"screened under {policy_id}: {screens[policy_id]}", file=sys.stderr)
    results["screen"] = screens
    if with_per_person:
        rules = per_person(source, 10_000)
        results["per_person_rules"] = rules
        results["speedup"] = {
            p: round(screens[p]["people_per_second"] / rules[p]["people_per_second"], 1)
            for p in POLICIES
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument(
        "--national", type=int, default=0, help="also screen this many people (13000000)"
    )
    parser.add_argument("--work", type=Path, default=Path("var/bench"))
    parser.add_argument("--out", type=Path, default=Path("bench/results/screening.json"))
    parser.add_argument(
        "--one", nargs=3, metavar=("SOURCE", "POLICY", "OUTPUT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.one:
        print(json.dumps(screen_once(Path(args.one[0]), args.one[1], Path(args.one[2]))))
        return
    args.work.mkdir(parents=True, exist_ok=True)
    report: dict[str, object] = {
        "benchmark": "screening",
        "as_of": AS_OF.isoformat(),
        "memory_limit": MEMORY_LIMIT,
        "machine": {
            "python": platform.python_version(),
            "cpu": platform.machine(),
            "cores": _cores(),
        },
        "force": run_scale(args.people, args.work, with_per_person=True),
    }
    if args.national:
        report["national"] = run_scale(args.national, args.work, with_per_person=False)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    main()
