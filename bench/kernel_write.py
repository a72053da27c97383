"""A typical write against its ceiling, side by side (issue 15).

Against ``make run``: register companies (``POST /api/v1/enrollment/companies``) straight to the
enrollment service with an officer's signed identity, a fresh valid RUC per request
(``bench/register.lua``), and the same row plus its outbox row in one transaction from
``bench/ceiling.py`` (bare FastAPI + asyncpg). The previous runs' companies are deleted first
(the RUC ranges come back). Goal: >= 0.5x the ceiling's req/s.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
from collections.abc import Callable
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

from bench.harness import (
    WORKERS,
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
        for workers in WORKERS:
            with service_workers("enrollment", workers):
                print(f"POST /api/v1/enrollment/companies  ({CONNECTIONS} connections, {workers} worker(s))")
                figures = side_by_side(
                    {
                        "ceiling INSERTs + outbox": lambda: run(
                            f"http://127.0.0.1:{port}/enrollment/companies", {}, lambda: [ceiling.pid]
                        ),
                        # The service's CPU includes its relay publishing each row to Kafka.
                        "service, signed identity": lambda: run(
                            direct, signed, lambda: [service_pid("enrollment")]
                        ),
                    }
                )
            record(
                f"register a company, service direct ({workers} worker)",
                figures["service, signed identity"],
                figures["ceiling INSERTs + outbox"],
                ">= 0.5x",
            )
    finally:
        stop(ceiling)
    return 0


if __name__ == "__main__":
    sys.exit(main())
