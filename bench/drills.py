"""The four fault drills of issue 11 against the stack of ``make run``, as an operator meets them.

    make run && deploy/with-env.sh .venv/bin/python bench/drills.py [a b c d] [--broker-down 35]

It stops and starts this checkout's Kafka and Postgres (deploy/kafka/kafka.sh, deploy/postgres/pg.sh,
by their pid files) and SIGKILLs/restarts services through their pid files and deploy/services.sh,
so run it on a stack nobody else is using. For each drill it prints the writes, events, effects,
duplicates absorbed, DLQ count, what /ready reported, and the time from recovery to an empty
outbox backlog and to every effect applied; it exits 1 if a drill broke a promise. The same
drills run in CI on a stack of their own (tests/drills/test_drills.py).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shared.settings import get_settings
from tests.drills.harness import (
    BROKER_DOWN_SECONDS,
    DRILLS,
    POSTGRES_DOWN_SECONDS,
    MakeRunTarget,
    broker_down_mid_burst,
    postgres_down_under_lagging_consumer,
)


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("drills", nargs="*", help="a b c d (default: all)")
    parser.add_argument("--broker-down", type=float, default=BROKER_DOWN_SECONDS + 5)
    parser.add_argument("--postgres-down", type=float, default=POSTGRES_DOWN_SECONDS + 1)
    args = parser.parse_args()
    args.drills = args.drills or sorted(DRILLS)
    if unknown := set(args.drills) - set(DRILLS):
        parser.error(f"unknown drills {sorted(unknown)}: choose among {sorted(DRILLS)}")
    target = MakeRunTarget(get_settings())
    for service in ("enrollment", "catalog"):
        target.wait_healthy(service, timeout=10)
    broken = 0
    rows = []
    for name in args.drills:
        started = time.monotonic()
        if name == "a":
            report = await broker_down_mid_burst(target, outage=args.broker_down)
        elif name == "b":
            report = await postgres_down_under_lagging_consumer(target, outage=args.postgres_down)
        else:
            report = await DRILLS[name](target)
        print(report.summary(), f"| drill took {time.monotonic() - started:.0f} s", flush=True)
        if report.degraded_problems:
            print("   /ready said:", "; ".join(report.degraded_problems[:8]), flush=True)
        failures = report.failures()
        for failure in failures:
            print("   BROKEN:", failure, flush=True)
        broken += bool(failures)
        rows.append(report)
    print()
    print(
        "| drill | fault s | writes (201/503/500) | committed | events | effects | dup. absorbed | "
        "dup. on topic | DLQ | recovery -> empty backlog | -> all effects |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r.name}: {r.fault} | {r.fault_seconds:.1f} | {r.writes} ({r.writes_201}/{r.writes_503}/"
            f"{r.writes_500}) | {r.committed} | {r.events} | {r.effects} | {r.duplicates_absorbed} | "
            f"{r.duplicates_on_topic} | {r.dlq} | {r.recovery_to_empty_backlog_s:.1f} s | "
            f"{r.recovery_to_all_effects_s:.1f} s |"
        )
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
