"""Benchmark: force-wide screening against its baselines (`make bench`, not a test).

1. generate N synthetic people as Parquet tables (1,000,000 by default, ~10 convictions each);
2. time a bare DuckDB scan of the same three files (a GROUP BY person over convictions and custody
   joined to people, written to Parquet): the floor any screening stands on;
3. screen them under each policy, each run in its own process so its peak memory is its own,
   timing each step (load, check the input, assess, write);
4. time the per-person path on a 10,000-person sample of the same people: `iom assess` record by
   record (read, check, assess, write), and `iom.rules.assess` alone on people built beforehand;
5. screen 200,000 people from JSON Lines and from Parquet (the same people);
6. optionally (--national) generate and screen 13,000,000 people streaming from Parquet.
Writes bench/results/screening.json and prints each ratio beside its target (issue 11): within 3x
the bare scan under Derbyshire and 2x under Nottinghamshire, 100x the per-person path, 3 GB;
JSON Lines within 2x of Parquet; 13,000,000 people in 120 s and 4 GB under Derbyshire.
"""

from __future__ import annotations

import argparse
import io
import json
import platform
import resource
import subprocess
import sys
import time
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

POLICIES = ("derbyshire-2021", "nottinghamshire-yjs-2022")
AS_OF = date(2025, 12, 31)
MEMORY_LIMIT = "3GB"
NATIONAL_MEMORY_LIMIT = "3GB"  # DuckDB's own; the process as a whole must stay within 4 GB
JSON_LINES_PEOPLE = 200_000
BARE_SCAN = """
    COPY (
        WITH c AS (SELECT person_id, count(*) AS n, max(conviction_date) AS latest
                   FROM read_parquet('{folder}/convictions.parquet') GROUP BY person_id),
             k AS (SELECT person_id, count(*) AS spells, sum(coalesce(sentence_days, 0)) AS held
                   FROM read_parquet('{folder}/custody.parquet') GROUP BY person_id)
        SELECT p.id, p.date_of_birth, c.n, c.latest, k.spells, k.held
        FROM read_parquet('{folder}/people.parquet') p
        LEFT JOIN c ON c.person_id = p.id LEFT JOIN k ON k.person_id = p.id
    ) TO '{output}' (FORMAT parquet)
"""


def generate(people: int, folder: Path) -> dict[str, float]:
    from iom.synth import generate as draw
    from iom.synth.writers import write

    started = time.perf_counter()
    counts = write(draw(people, 2026, AS_OF), folder)
    return {"seconds": round(time.perf_counter() - started, 1), **counts}


def bare_scan(source: Path, output: Path) -> dict[str, float]:
    """Run in a child process: the bare DuckDB scan, its seconds and peak memory."""
    from iom.screening.run import connect

    con = connect(MEMORY_LIMIT)
    started = time.perf_counter()
    con.execute(BARE_SCAN.format(folder=source, output=output))
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def screen_once(
    source: Path, policy_id: str, output: Path, memory_limit: str = MEMORY_LIMIT
) -> dict[str, float]:
    """Run in a child process: screen once, report seconds and this process's peak memory."""
    from iom.rules import load_catalogue, load_policy
    from iom.screening.run import connect, screen

    marks = [("start", time.perf_counter())]  # the policy and catalogue read, DuckDB opened
    result = screen(
        source,
        load_policy(policy_id),
        AS_OF,
        output,
        load_catalogue(),
        con=connect(memory_limit),
        step=lambda name: marks.append((name, time.perf_counter())),
    )
    marks.append(("end", time.perf_counter()))
    seconds = marks[-1][1] - marks[0][1]
    return {
        "seconds": round(seconds, 2),
        "people": result.people,
        "people_per_second": round(result.people / seconds),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "steps": {name: round(end - at, 2) for (name, at), (_, end) in pairwise(marks)},
    }


def in_child(*args: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=True
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def screen_in_child(
    source: Path, policy_id: str, output: Path, memory_limit: str = MEMORY_LIMIT
) -> dict[str, float]:
    return in_child("--one", str(source), policy_id, str(output), memory_limit)


def per_person(source: Path, sample: int) -> dict[str, dict[str, dict[str, float]]]:
    """The per-person path on the first `sample` people, two ways, under each policy:
    - "path": what `iom assess` does with each record of a JSON Lines file (read it, check it,
      build the person, assess, write the decision as a JSON line), in this process;
    - "rules": `iom.rules.assess` alone on people built beforehand."""
    from iom.ingest.json_records import read_json_records
    from iom.ingest.people import check_records
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
    records = [
        person_record(row, convictions[row["id"]], custody[row["id"]]) for row in people_rows
    ]
    text = "".join(json.dumps(record, default=str) + "\n" for record in records)
    people = [build_person(record) for record in records]
    catalogue = load_catalogue()
    timings: dict[str, dict[str, dict[str, float]]] = {"path": {}, "rules": {}}
    for policy_id in POLICIES:
        policy = load_policy(policy_id)
        started = time.perf_counter()
        written = io.StringIO()
        for checked in check_records(read_json_records(text), catalogue):
            assert checked.person is not None, checked.errors
            result = assess(checked.person, policy, AS_OF, catalogue)
            written.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
        timings["path"][policy_id] = rate(len(records), time.perf_counter() - started)
        started = time.perf_counter()
        for person in people:
            assess(person, policy, AS_OF, catalogue)
        timings["rules"][policy_id] = rate(len(people), time.perf_counter() - started)
    return timings


def rate(people: int, seconds: float) -> dict[str, float]:
    return {
        "people": people,
        "seconds": round(seconds, 2),
        "people_per_second": round(people / seconds),
    }


def population(people: int, work: Path, suffix: str = ".parquet") -> tuple[Path, dict]:
    """The synthetic people at this size (the same seed gives the same people: reused)."""
    source = work / f"population-{people}{suffix}"
    if suffix == ".parquet" and (source / "custody.parquet").exists():
        generated: dict[str, float | None] = {
            "seconds": None,
            **{
                t: pq.read_metadata(source / f"{t}.parquet").num_rows
                for t in ("people", "convictions", "custody")
            },
        }
    elif suffix == ".jsonl" and source.exists():
        generated = {"seconds": None}
    else:
        generated = generate(people, source)
    print(f"{source}: {people:,} people, generated in {generated['seconds']} s", file=sys.stderr)
    return source, generated


def run_scale(
    people: int, work: Path, with_per_person: bool, memory_limit: str = MEMORY_LIMIT
) -> dict[str, object]:
    source, generated = population(people, work)
    results: dict[str, object] = {
        "people": people,
        "convictions": generated["convictions"],
        "custody_spells": generated["custody"],
        "generate_seconds": generated["seconds"],
    }
    results["bare_scan"] = in_child("--bare", str(source), str(work / f"bare-{people}.parquet"))
    print(f"bare scan: {results['bare_scan']}", file=sys.stderr)
    screens = {}
    for policy_id in POLICIES:
        screens[policy_id] = screen_in_child(
            source, policy_id, work / f"screened-{people}-{policy_id}.parquet", memory_limit
        )
        print(f"screened under {policy_id}: {screens[policy_id]}", file=sys.stderr)
    results["screen"] = screens
    if with_per_person:
        one_by_one = per_person(source, 10_000)
        results["per_person_path"] = one_by_one["path"]
        results["per_person_rules"] = one_by_one["rules"]
        for name, key in (("speedup", "path"), ("speedup_over_rules_alone", "rules")):
            results[name] = {
                p: round(
                    screens[p]["people_per_second"] / one_by_one[key][p]["people_per_second"], 1
                )
                for p in POLICIES
            }
    bare = results["bare_scan"]["seconds"]
    results["times_bare_scan"] = {p: round(screens[p]["seconds"] / bare, 1) for p in POLICIES}
    # The checks every screen must make, before any decision: a floor under the ratio above.
    results["input_checks_times_bare_scan"] = {
        p: round(screens[p]["steps"]["check"] / bare, 1) for p in POLICIES
    }
    return results


def json_lines_against_parquet(work: Path) -> dict[str, object]:
    """The same people screened from JSON Lines and from Parquet, under each policy."""
    jsonl, _ = population(JSON_LINES_PEOPLE, work, ".jsonl")
    tables, _ = population(JSON_LINES_PEOPLE, work)
    runs: dict[str, object] = {"people": JSON_LINES_PEOPLE}
    for policy_id in POLICIES:
        out = work / f"screened-{JSON_LINES_PEOPLE}-{policy_id}.parquet"
        from_jsonl = screen_in_child(jsonl, policy_id, out)
        from_parquet = screen_in_child(tables, policy_id, out)
        runs[policy_id] = {
            "json_lines": from_jsonl,
            "parquet": from_parquet,
            "ratio": round(from_jsonl["seconds"] / from_parquet["seconds"], 2),
        }
        print(f"JSON Lines against Parquet, {policy_id}: {runs[policy_id]}", file=sys.stderr)
    return runs


def against_targets(report: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    """Each target of issue 11 beside what this run measured: (what, target, measured, met)."""
    force, derby, notts = report["force"], "derbyshire-2021", "nottinghamshire-yjs-2022"
    rows = [
        (f"{p}: times the bare scan", f"at most {limit}x", force["times_bare_scan"][p], limit)
        for p, limit in ((derby, 3), (notts, 2))
    ]
    checks = [(what, target, f"{value}x", value <= limit) for what, target, value, limit in rows]
    checks += [
        (
            f"{p}: the input checks against the decisions",
            "at most 1x",
            f"{steps['check']} s against {steps['assess']} s",
            steps["check"] <= steps["assess"],
        )
        for p in POLICIES
        for steps in [force["screen"][p]["steps"]]
    ]
    checks += [
        (
            f"{p}: times the per-person path (`iom assess` record by record)",
            "at least 100x",
            f"{force['speedup'][p]}x",
            force["speedup"][p] >= 100,
        )
        for p in POLICIES
    ]
    checks += [
        (
            f"{p}: peak memory",
            "at most 3,072 MB",
            f"{force['screen'][p]['peak_rss_mb']} MB",
            force["screen"][p]["peak_rss_mb"] <= 3072,
        )
        for p in POLICIES
    ]
    jsonl = report["json_lines"]
    checks += [
        (
            f"{p}: JSON Lines against Parquet",
            "at most 2x",
            f"{jsonl[p]['ratio']}x",
            jsonl[p]["ratio"] <= 2,
        )
        for p in POLICIES
    ]
    if "national" in report:
        national = report["national"]["screen"][derby]
        checks += [
            (
                f"{derby}: {report['national']['people']:,} people",
                "at most 120 s",
                f"{national['seconds']} s",
                national["seconds"] <= 120,
            ),
            (
                f"{derby}: {report['national']['people']:,} people, peak memory",
                "at most 4,096 MB",
                f"{national['peak_rss_mb']} MB",
                national["peak_rss_mb"] <= 4096,
            ),
        ]
    return checks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument(
        "--national", type=int, default=0, help="also screen this many people (13000000)"
    )
    parser.add_argument("--work", type=Path, default=Path("var/bench"))
    parser.add_argument("--out", type=Path, default=Path("bench/results/screening.json"))
    parser.add_argument("--one", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument("--bare", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        source, policy_id, output, limit = args.one
        print(json.dumps(screen_once(Path(source), policy_id, Path(output), limit)))
        return
    if args.bare:
        print(json.dumps(bare_scan(Path(args.bare[0]), Path(args.bare[1]))))
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
        "json_lines": json_lines_against_parquet(args.work),
    }
    if args.national:
        report["national"] = run_scale(
            args.national, args.work, with_per_person=False, memory_limit=NATIONAL_MEMORY_LIMIT
        )
    checks = against_targets(report)
    report["targets"] = [
        {"what": what, "target": target, "measured": measured, "met": met}
        for what, target, measured, met in checks
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    for what, target, measured, met in checks:
        print(f"{'met    ' if met else 'NOT MET'}  {what}: {measured} ({target})")


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    main()
