"""The typical authenticated read against its ceiling, side by side (issue 15).

Against ``make run``: GET one company (``/api/v1/enrollment/companies/{ruc}``) as a programme
officer (a) straight to the enrollment service with the signed identity nginx would forward,
(b) through nginx with a bearer token, and (c) the same row from ``bench/ceiling.py`` (bare
FastAPI + asyncpg ``fetchrow``, one worker), plus the ceiling's constant JSON. Rounds alternate
so all see the same machine; medians of ``BENCH_ROUNDS`` rounds of ``BENCH_DURATION``.

Goal: real >= 0.7x the ceiling's req/s, p99 <= 2x the ceiling's.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import httpx

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
from shared.auth import Role
from shared.settings import get_settings
from tests.support.testing import identity_headers

CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))


def dsn(settings) -> str:
    return (
        f"postgresql://{settings.db_user}:{settings.db_password}@{settings.pg_host}:{settings.pg_port}"
        f"/{settings.pg_database}"
    )


def main() -> int:
    settings = get_settings()
    enrollment = settings.for_service("enrollment")
    gateway = f"http://127.0.0.1:{settings.gateway_port}"
    direct = settings.service_url("enrollment")
    token = httpx.post(f"{gateway}/api/v1/gateway/dev/tokens", json={"role": "promperu_officer"}).json()[
        "access_token"
    ]
    bearer = {"Authorization": f"Bearer {token}"}
    companies = httpx.get(
        f"{gateway}/api/v1/enrollment/companies", params={"limit": 1}, headers=bearer
    ).json()
    if not companies["data"]:
        sys.exit("no company to read: run `make run` (it loads demo data) first")
    ruc = companies["data"][0]["ruc"]
    path = f"/api/v1/enrollment/companies/{ruc}"
    signed = identity_headers(enrollment, Role.promperu_officer, ttl=3600)
    port = free_port()
    ceiling = start_uvicorn(
        "bench.ceiling:create_app", port, {"CEILING_DSN": dsn(enrollment)}, log_name="ceiling"
    )

    def ceiling_pid() -> list[int]:
        return [ceiling.pid]

    def service() -> list[int]:
        return [service_pid("enrollment")]

    def service_and_gateway() -> list[int]:
        return [service_pid("enrollment"), service_pid("gateway")]

    try:
        base = f"http://127.0.0.1:{port}"
        wait_healthy(f"{base}/health", ceiling)
        for workers in WORKERS:
            with service_workers("enrollment", workers):
                print(f"GET {path}  ({CONNECTIONS} connections, {workers} worker(s))", flush=True)
                figures = side_by_side(
                    {
                        "ceiling constant JSON": lambda: wrk(
                            f"{base}/const", connections=CONNECTIONS, pids=ceiling_pid
                        ),
                        "ceiling fetchrow by RUC": lambda: wrk(
                            f"{base}/enrollment/companies/{ruc}", connections=CONNECTIONS, pids=ceiling_pid
                        ),
                        "service, signed identity": lambda: wrk(
                            direct + path, signed, connections=CONNECTIONS, pids=service
                        ),
                        # The service and the gateway app (nginx's /_auth, when its cache misses).
                        "nginx, bearer token": lambda: wrk(
                            gateway + path, bearer, connections=CONNECTIONS, pids=service_and_gateway
                        ),
                    }
                )
            ceil = figures["ceiling fetchrow by RUC"]
            if workers == WORKERS[0]:
                record("ceiling: constant JSON (bare FastAPI)", figures["ceiling constant JSON"], None)
            goal = ">= 0.7x, p99 <= 2x"
            record(
                f"company by RUC, service direct ({workers} worker)",
                figures["service, signed identity"],
                ceil,
                goal,
            )
            record(
                f"company by RUC, through nginx ({workers} worker)",
                figures["nginx, bearer token"],
                ceil,
                goal,
            )
    finally:
        stop(ceiling)
    return 0


if __name__ == "__main__":
    sys.exit(main())
