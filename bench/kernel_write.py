"""A typical write against its ceiling, side by side (issue 15).

Against ``make run``: register companies (``POST /api/v1/enrollment/companies``) straight to the
enrollment service with an officer's signed identity, a fresh valid RUC per request
(``bench/register.lua``), and the same row plus its outbox row in one transaction from
``bench/ceiling.py`` (bare FastAPI + asyncpg). The previous runs' companies are deleted first
(the RUC ranges come back). Goal: >= 0.5x the ceiling's req/s.

The ceiling is one app; so is the service under test, relay included. The services that apply
``company.registered`` (catalog, webhooks) are other deployables: on this two-core machine they
would take the cores both apps are measured on, so they are stopped while the pair is measured
(as if on their own hosts) and started again after, and the time their consumers take to apply
the backlog is a row of its own. The same pair is then measured with everything running on this
one machine, a row for context, not a goal.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import re
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

from bench.harness import (
    WORKERS,
    _services,
    free_port,
    record,
    service_pid,
    service_workers,
    side_by_side,
    start_uvicorn,
    stop,
    wait_healthy,
    wrk,
)
from bench.kernel_read import dsn
from shared.auth import Role
from shared.settings import get_settings
from tests.support.testing import identity_headers

CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
SCRIPT = str(Path(__file__).with_name("register.lua"))
BODY = {
    "ruc": "RUC_HERE",
    "legal_name": "Bench Textiles S.A.C.",
    "legal_rep_name": "María Quispe Huamán",
    "legal_rep_dni": "41234567",
    "founded_on": "2015-03-10",
    "region": "Arequipa",
    "ciiu_code": "1430",
    "annual_sales_pen": "2500000.00",
    "products": ["alpaca sweaters"],
}


async def forget_bench_companies(url: str) -> list[str]:
    """The RUC ranges are reused run after run: the previous runs' companies (never applied,
    named BODY's legal_name) go first, with their registrations' outbox rows left as sent.
    Returns the 3-digit RUC ranges ("20" + range + 5 digits) no other company is in: other
    benches and the demo register random RUCs, and one of those in a run's range was a 409."""
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("DELETE FROM enrollment.companies WHERE legal_name = $1", BODY["legal_name"])
        taken = {
            r[0] for r in await conn.fetch("SELECT DISTINCT substr(ruc, 3, 3) FROM enrollment.companies")
        }
    finally:
        await conn.close()
    return [f"{p:03d}" for p in range(100, 1000) if f"{p:03d}" not in taken]


# The services whose consumers apply enrollment.company.registered.
DOWNSTREAM = ("catalog", "webhooks")
DRAIN_TIMEOUT_SECONDS = 600


async def _registered_since(url: str, since: float) -> int:
    """Registrations the service made since ``since``: its outbox rows of the topic (the
    ceiling's rows, of its own topic, are never published)."""
    conn = await asyncpg.connect(url)
    try:
        count: int = await conn.fetchval(
            "SELECT count(*) FROM enrollment.outbox"
            " WHERE topic = 'enrollment.company.registered' AND created_at >= to_timestamp($1)",
            since,
        )
    finally:
        await conn.close()
    return count


def _applied(service: str) -> float:
    """Messages the service's consumer has applied or skipped as duplicates since it started."""
    text = httpx.get(get_settings().service_url(service) + "/metrics", timeout=5).text
    return sum(
        float(m.group(1))
        for m in re.finditer(r"^eco_consumer_(?:processed|duplicates)\{[^}]*\} ([0-9.e+]+)$", text, re.M)
    )


def _wait_applied(url: str, since: float, baseline: dict[str, float]) -> tuple[int, float]:
    """Wait until each of ``DOWNSTREAM`` has applied (beyond ``baseline``) every registration the
    service made since ``since``; returns how many and how long that took."""
    count = asyncio.run(_registered_since(url, since))
    started = time.monotonic()
    deadline = started + DRAIN_TIMEOUT_SECONDS
    while not all(_applied(name) - baseline.get(name, 0.0) >= count for name in DOWNSTREAM):
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"{DOWNSTREAM} did not apply {count} registrations in {DRAIN_TIMEOUT_SECONDS} s"
            )
        time.sleep(0.2)  # polling the consumers' metrics, with a deadline
    return count, time.monotonic() - started


@contextlib.contextmanager
def downstream_elsewhere(url: str, drained: dict[str, float]) -> Iterator[None]:
    """``DOWNSTREAM`` stopped for the block; started again after, ``drained`` gets how many
    registrations the block made and how long the consumers took to apply them all (from the
    moment they were started: their start-up is in the figure)."""
    since = time.time()
    for name in DOWNSTREAM:
        _services("down", name, 1)
    try:
        yield
    finally:
        started = time.monotonic()
        for name in DOWNSTREAM:
            _services("up", name, int(os.environ.get("ECO_WORKERS") or 1))
        count, _ = _wait_applied(url, since, {})  # restarted: their counters begin at 0
        drained.update(events=count, seconds=time.monotonic() - started)


@contextlib.contextmanager
def downstream_caught_up(url: str) -> Iterator[None]:
    """After the block, wait until ``DOWNSTREAM`` have applied what it registered (the next bench
    measures the catalogue: its consumer must not be busy with this one's backlog)."""
    since = time.time()
    baseline = {name: _applied(name) for name in DOWNSTREAM}
    yield
    _wait_applied(url, since, baseline)


def main() -> int:
    settings = get_settings()
    enrollment = settings.for_service("enrollment")
    direct = settings.service_url("enrollment") + "/api/v1/enrollment/companies"
    signed = identity_headers(enrollment, Role.promperu_officer, ttl=3600)
    free = asyncio.run(forget_bench_companies(dsn(enrollment)))
    port = free_port()
    ceiling = start_uvicorn(
        "bench.ceiling:create_app", port, {"CEILING_DSN": dsn(enrollment)}, log_name="ceiling"
    )
    prefixes = iter(random.sample(free, 40))  # 100,000 RUCs each, far more than a 5 s run uses

    def run(url: str, headers: dict[str, str], pids: Callable[[], list[int]]) -> dict:
        os.environ["BENCH_PREFIX"] = next(prefixes)  # a fresh RUC range per wrk run
        os.environ["BENCH_BODY"] = json.dumps(BODY)
        return wrk(url, headers, connections=CONNECTIONS, script=SCRIPT, pids=pids)

    try:
        wait_healthy(f"http://127.0.0.1:{port}/health", ceiling)
        pair = {
            "ceiling INSERTs + outbox": lambda: run(
                f"http://127.0.0.1:{port}/enrollment/companies", {}, lambda: [ceiling.pid]
            ),
            # The service's CPU includes its relay publishing each row to Kafka.
            "service, signed identity": lambda: run(direct, signed, lambda: [service_pid("enrollment")]),
        }
        for workers in WORKERS:
            with service_workers("enrollment", workers):
                print(f"POST /api/v1/enrollment/companies  ({CONNECTIONS} connections, {workers} worker(s))")
                drained: dict[str, float] = {}
                with downstream_elsewhere(dsn(enrollment), drained):
                    figures = side_by_side(pair)
                print(f"  then {', '.join(DOWNSTREAM)} applied {drained['events']:.0f} registrations")
                print(f"  in {drained['seconds']:.1f} s (from their start)", flush=True)
                print("  the same with catalog and webhooks applying each registration on this machine:")
                with downstream_caught_up(dsn(enrollment)):
                    together = side_by_side(pair)
            record(
                f"register a company, service direct ({workers} worker)",
                figures["service, signed identity"],
                figures["ceiling INSERTs + outbox"],
                ">= 0.5x",
            )
            record(
                f"  then catalog + webhooks apply them ({workers} worker)",
                {"rps": drained["events"] / drained["seconds"]},
                None,
                f"{drained['events']:.0f} events in {drained['seconds']:.1f} s, from start",
            )
            record(
                f"register a company, whole platform on 2 cores ({workers} worker)",
                together["service, signed identity"],
                together["ceiling INSERTs + outbox"],
                "(context)",
            )
    finally:
        stop(ceiling)
    return 0


if __name__ == "__main__":
    sys.exit(main())
