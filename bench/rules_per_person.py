"""Benchmark: the per-person rules path (`iom.rules.assess`), people per second under each policy.

Not a test: `make bench` runs it and writes JSON. The population here is a plain seeded draw from
the offence catalogue, enough to time the rules; realistic populations come from `iom synth`.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import time
from datetime import date, timedelta
from pathlib import Path

from iom.rules import Conviction, CustodyPeriod, Ogrs, Person, assess, load_catalogue, load_policy

AS_OF = date(2024, 6, 30)


def population(count: int, seed: int) -> list[Person]:
    rng = random.Random(seed)
    codes = sorted(load_catalogue().offences)
    people = []
    for n in range(count):
        convictions = tuple(
            Conviction(f"C{i}", rng.choice(codes), AS_OF - timedelta(days=rng.randrange(0, 4000)))
            for i in range(rng.randrange(0, 20))
        )
        custody = tuple(
            CustodyPeriod("sentence", start, start + timedelta(days=length // 2), length)
            for start, length in (
                (AS_OF - timedelta(days=rng.randrange(30, 3000)), rng.randrange(30, 900))
                for _ in range(rng.randrange(0, 3))
            )
        )
        ogrs = Ogrs(rng.uniform(0, 100)) if rng.random() < 0.8 else None
        people.append(
            Person(
                f"P{n}",
                date(1960, 1, 1) + timedelta(days=rng.randrange(0, 17000)),
                convictions,
                custody,
                ogrs=ogrs,
                probation_current=rng.random() < 0.5,
            )
        )
    return people


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    people = population(args.people, args.seed)
    catalogue = load_catalogue()
    results = {}
    for policy_id in ("derbyshire-2021", "nottinghamshire-yjs-2022"):
        policy = load_policy(policy_id)
        started = time.perf_counter()
        for person in people:
            assess(person, policy, AS_OF, catalogue)
        seconds = time.perf_counter() - started
        results[policy_id] = {
            "seconds": round(seconds, 3),
            "people_per_second": round(len(people) / seconds),
        }
    report = {
        "benchmark": "rules_per_person",
        "people": len(people),
        "convictions": sum(len(p.convictions) for p in people),
        "as_of": AS_OF.isoformat(),
        "policies": results,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
