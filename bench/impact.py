"""Benchmark: `iom impact` on N episodes and `iom fairness` on M people (`make bench`, not a test).

Generates a synthetic population as Parquet tables with one membership per person, and a stages
file of M people; times each command end to end as a user runs it; writes
bench/results/impact.json. The target (issue 10) is 10 seconds for each.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

STAGES = ["screened"] * 16 + ["candidate"] * 2 + ["referred", "selected"]
ETHNICITIES = ["White"] * 8 + ["Asian", "Black", "Mixed", "Other", "Not stated"]


def memberships(people: Path, out: Path, seed: int) -> int:
    import duckdb

    rng = random.Random(seed)
    ids = [r[0] for r in duckdb.sql(f"SELECT id FROM '{people}/people.parquet'").fetchall()]
    with out.open("w") as handle:
        handle.write("person_id,scheme,cohort,area,start,end,end_reason\n")
        for pid in ids:
            start = date(2021, 1, 1) + timedelta(rng.randrange(1400))
            end = start + timedelta(rng.randrange(200, 900)) if rng.random() < 0.4 else None
            handle.write(
                f"{pid},derbyshire,{rng.choice(['fixed', 'flex', 'free'])},"
                f"{rng.choice(['north', 'south', 'city'])},{start},"
                f"{end or ''},{'positive_progress' if end else ''}\n"
            )
    return len(ids)


def stages(out: Path, n: int, seed: int) -> None:
    rng = random.Random(seed)
    with out.open("w") as handle:
        handle.write("person_id,ethnicity,sex,date_of_birth,stage\n")
        for i in range(n):
            born = date(1950, 1, 1) + timedelta(rng.randrange(60 * 365))
            handle.write(
                f"P{i},{rng.choice(ETHNICITIES)},{rng.choice('MMMMMFFXU')},{born},"
                f"{rng.choice(STAGES)}\n"
            )


def timed(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "iom", *args], check=True, capture_output=True)
    return round(time.perf_counter() - started, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--episodes", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--work", type=Path, default=Path("var/bench"))
    parser.add_argument("--out", type=Path, default=Path("bench/results/impact.json"))
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    from iom.synth import generate
    from iom.synth.writers import write

    population = args.work / f"impact-{args.episodes}.parquet"
    write(generate(args.episodes, 11, date(2025, 12, 31)), population)
    members = args.work / "impact-memberships.csv"
    episodes = memberships(population, members, 11)
    staged = args.work / "fairness-stages.csv"
    stages(staged, args.people, 11)
    as_of = ["--as-of", "2025-12-31"]
    report = {
        "benchmark": "impact and fairness",
        "target_seconds": 10,
        "impact": {
            "episodes": episodes,
            "seconds": timed(
                "impact",
                "--input",
                str(population),
                "--memberships",
                str(members),
                *as_of,
                "--output",
                str(args.work / "impact.json"),
            ),
        },
        "fairness": {
            "people": args.people,
            "seconds": timed(
                "fairness", "--input", str(staged), *as_of, "--output", str(args.work / "fair.json")
            ),
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
