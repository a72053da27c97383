"""Benchmark: bulk-import 100,000 companies from CSV through the enrollment API.

Starts the enrollment app as a real HTTP server (uvicorn, a child process) on a free
loopback port against the test database, POSTs one spreadsheet-style CSV as a
promperu_officer, and prints companies/s and the server's peak RSS (VmHWM). The outbox
relay is off in that server and the imported companies and their outbox rows are deleted
at the end, so 100,000 benchmark events never reach the shared Kafka topics.

    .venv/bin/python bench/enrollment_import.py [--rows 100000] [--chunks 1]

Bounded: one request per chunk, a 300 s timeout each, loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import sys
import time
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shared.auth import Role  # noqa: E402
from shared.ruc import make_ruc  # noqa: E402
from shared.settings import Settings  # noqa: E402
from tests.support.testing import identity_headers  # noqa: E402

REGIONS = ["Lima", "Arequipa", "La Libertad", "Piura", "Cusco", "Junín", "Ica", "Lambayeque"]
HEADER = (
    "RUC;Razón social;Nombre comercial;Representante legal;DNI representante;Fecha constitución;"
    "Partida registral;Región;CIIU;Ventas anuales;Año ventas;Liderada por mujer;Teléfono;Correo;Web;"
    "Exporta directamente;Producción propia;Productos\n"
)
SERVER_ENV = {
    "ECO_ENV": "test",
    "ECO_SERVICE": "enrollment",
    "ECO_PG_DATABASE": os.environ.get("ECO_TEST_DATABASE", "ecoeficiencia_test"),
    "ECO_RUN_BACKGROUND": "false",
    "ECO_KAFKA_NAMESPACE": "bench.",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_csv(rucs: list[str]) -> bytes:
    rng = random.Random(7)
    lines = [HEADER]
    for i, ruc in enumerate(rucs):
        sales = rng.randrange(50_000, 15_000_000)
        lines.append(
            f"{ruc};Empresa Bench {i} S.A.C.;Bench {i};Ana Torres;41234567;{rng.randrange(1, 28):02d}/"
            f"{rng.randrange(1, 13):02d}/{rng.randrange(1995, 2023)};{11000000 + i};{rng.choice(REGIONS)};1079;"
            f"{sales:,}.00;2024;{rng.choice(['sí', 'no'])};01428{i % 10000:04d};ventas@bench{i}.pe;"
            f"www.bench{i}.pe;sí;sí;quinua|maca|cacao\n"
        )
    return "".join(lines).encode()


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def wait_ready(base: str, deadline: float) -> None:
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            try:
                if (await client.get(base + "/health")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)  # start-up poll interval, bounded by the deadline
    raise SystemExit("server did not start within 60 s")


async def cleanup(settings: Settings, rucs: list[str]) -> int:
    conn = await asyncpg.connect(
        host=settings.pg_host,
        port=settings.pg_port,
        user=settings.db_user,
        password=settings.db_password,
        database=settings.pg_database,
    )
    try:
        async with conn.transaction():
            await conn.execute(
                "DELETE FROM enrollment.outbox WHERE topic = 'enrollment.company.registered' AND key = ANY($1::text[])",
                rucs,
            )
            status = await conn.execute("DELETE FROM enrollment.companies WHERE ruc = ANY($1::text[])", rucs)
        return int(status.split()[-1])
    finally:
        await conn.close()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--chunks", type=int, default=1, help="split the file into N requests sent 2 at a time"
    )
    args = parser.parse_args()

    settings = Settings(env="test", pg_database=SERVER_ENV["ECO_PG_DATABASE"]).for_service("enrollment")
    rucs = [make_ruc("20", f"{n:08d}") for n in random.sample(range(10**8), args.rows)]
    t0 = time.perf_counter()
    chunk_size = -(-args.rows // args.chunks)
    files = [make_csv(rucs[i : i + chunk_size]) for i in range(0, args.rows, chunk_size)]
    print(
        f"generated {args.rows:,} rows, {sum(map(len, files)) / 2**20:.1f} MiB CSV in {time.perf_counter() - t0:.1f} s"
    )

    port = free_port()
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "services.enrollment.main:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
        cwd=ROOT,
        env=os.environ | SERVER_ENV,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        await wait_ready(base, time.monotonic() + 60)
        rss_before = peak_rss_mib(server.pid)
        headers = identity_headers(settings, Role.promperu_officer, ttl=900) | {"content-type": "text/csv"}
        limit = asyncio.Semaphore(2)
        async with httpx.AsyncClient(base_url=base, timeout=300) as client:

            async def send(body: bytes) -> dict:
                async with limit:
                    response = await client.post(
                        "/api/v1/enrollment/companies/import", content=body, headers=headers
                    )
                response.raise_for_status()
                return response.json()

            start = time.perf_counter()
            reports = await asyncio.gather(*(send(f) for f in files))
            elapsed = time.perf_counter() - start
        imported = sum(r["imported"] for r in reports)
        rejected = sum(r["rejected"] for r in reports)
        print(f"imported {imported:,} companies (+ {imported:,} outbox events), rejected {rejected:,} rows")
        print(f"elapsed           {elapsed:8.2f} s   (target < 60 s)")
        print(f"companies/s       {imported / elapsed:8.0f}")
        print(
            f"server peak RSS   {peak_rss_mib(server.pid):8.0f} MiB  (idle after start: {rss_before:.0f} MiB)"
        )
        print(
            f"requests          {len(files)} (at most 2 in flight), loopback, machine shared with other work"
        )
    finally:
        server.terminate()
        try:
            await asyncio.wait_for(server.wait(), timeout=20)
        except TimeoutError:
            server.kill()
        removed = await cleanup(settings, rucs)
        print(f"cleanup: removed {removed:,} benchmark companies and their pending outbox rows")


if __name__ == "__main__":
    asyncio.run(main())
