"""Catalogue search over 100,000 organisations, and verification by number, against the ceiling.

    .venv/bin/python bench/catalog_search.py [--organisations 100000]

1. Migrates ``catalog`` in its own database (``ecoeficiencia_bench``, never a test database) and
   loads the organisations with COPY when the count differs (a re-run reuses them), plus
   1,000 certificates for verification; recomputes the search vocabulary and the lexemes'
   name bounds (COPY bypasses the upsert that maintains them; the same repository call the
   catalogue rebuild makes); then VACUUM (ANALYZE), the state autovacuum reaches moments
   after a bulk load.
2. Starts the catalog service (uvicorn, one worker, no background tasks) on that database and
   ``bench/ceiling.py`` beside it, serving the *same SQL*: the statements the service's own
   search and verification send, captured through SQLAlchemy's ``before_cursor_execute``.
3. wrk, alternating real and ceiling: 16 connections (throughput, p99) and 1 connection
   (p99). Goals (issue 15): search >= 0.5x its ceiling, p99 < 50 ms at 16 clients, p99 < 10 ms
   at one; verification >= 0.8x its ceiling.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import create_async_engine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import (  # noqa: E402
    WORKERS,
    free_port,
    record,
    side_by_side,
    start_uvicorn,
    stop,
    wait_healthy,
    wrk,
)
from shared.certificate_number import certificate_number  # noqa: E402
from shared.clock import Clock  # noqa: E402
from shared.ruc import complete_ruc  # noqa: E402
from shared.settings import Settings  # noqa: E402

DATABASE = os.environ.get("ECO_BENCH_DATABASE", "ecoeficiencia_bench")
MARK = "BENCH-"
CERTIFICATES = 1000
QUERIES = {  # name -> query string of GET /organisations
    "search_cafe": {"q": "cafe", "limit": "20"},
    "search_two_words": {"q": "alpaca andina", "limit": "20"},
    # No catalogue word starts with "alpca": its nearest vocabulary words join it (pg_trgm).
    "search_typo": {"q": "alpca", "limit": "20"},
}

WORDS = [
    "andina",
    "andino",
    "sol",
    "inca",
    "pacífico",
    "norteño",
    "sureño",
    "amazónico",
    "altiplano",
    "costeño",
    "valle",
    "sierra",
    "selva",
    "real",
    "imperial",
    "nativo",
    "orgánico",
    "verde",
    "pura",
    "nueva",
    "gran",
]
KINDS = ["S.A.C.", "S.A.", "E.I.R.L.", "S.R.L."]
TRADES = [
    "Café",
    "Cacao",
    "Textil",
    "Alpaca",
    "Quinua",
    "Maca",
    "Envases",
    "Muebles",
    "Cerámica",
    "Joyería",
    "Conservas",
    "Agroindustria",
    "Pesquera",
    "Confecciones",
    "Bambú",
    "Cueros",
    "Plásticos",
    "Papelera",
    "Chocolates",
    "Lácteos",
]
PRODUCTS = [
    "café orgánico",
    "café tostado",
    "cacao fino",
    "chocolate artesanal",
    "chompas de alpaca",
    "tejidos de algodón pima",
    "quinua perlada",
    "harina de maca",
    "envases compostables",
    "muebles de bambú",
    "cerámica utilitaria",
    "joyas de plata",
    "conservas de pescado",
    "espárragos",
    "palta hass",
    "mango congelado",
    "aceite de sacha inchi",
    "cueros curtidos",
    "bolsas reutilizables",
    "papel reciclado",
    "yogur natural",
    "queso andino",
    "pisco",
    "aguaymanto deshidratado",
]
REGIONS = [
    "Lima",
    "Arequipa",
    "La Libertad",
    "Cusco",
    "Piura",
    "Junín",
    "Lambayeque",
    "Puno",
    "Ica",
    "Cajamarca",
    "San Martín",
    "Áncash",
    "Loreto",
    "Tacna",
    "Ayacucho",
    "Huánuco",
    "Ucayali",
    "Moquegua",
    "Apurímac",
    "Amazonas",
    "Tumbes",
    "Pasco",
    "Huancavelica",
    "Madre de Dios",
    "Callao",
]
CIIU = [
    "1010",
    "1020",
    "1030",
    "1040",
    "1050",
    "1061",
    "1071",
    "1073",
    "1079",
    "1311",
    "1410",
    "1430",
    "1512",
    "1701",
    "2220",
    "2310",
    "3100",
    "3211",
]
SIZES = ["micro", "pequeña", "mediana"]
STATUSES = ["valid"] * 17 + ["suspended", "withdrawn", "expired"]
COLUMNS = [
    "ruc",
    "name",
    "legal_name",
    "trade_name",
    "region",
    "ciiu_code",
    "size_class",
    "women_led",
    "website",
    "products",
    "certificate_number",
    "certificate_status",
    "issued_on",
    "expires_on",
    "body_name",
]


def organisations(count: int) -> list[tuple]:
    rnd = random.Random(20250601)
    today = Clock().today()  # a Lima date, as the catalog judges expiry
    rows = []
    for i in range(count):
        trade = rnd.choice(TRADES)
        legal = (
            f"{trade} {rnd.choice(WORDS).capitalize()} {rnd.choice(WORDS).capitalize()} {rnd.choice(KINDS)}"
        )
        issued = today - timedelta(days=rnd.randrange(0, 720))
        rows.append(
            (
                complete_ruc(f"17{i:08d}"),
                legal,
                legal,
                f"{trade} {rnd.choice(WORDS).capitalize()}",
                rnd.choice(REGIONS),
                rnd.choice(CIIU),
                rnd.choice(SIZES),
                rnd.random() < 0.4,
                None,
                rnd.sample(PRODUCTS, k=rnd.randint(1, 3)),
                f"{MARK}{i:07d}",
                rnd.choice(STATUSES),
                issued,
                issued + timedelta(days=730),
                "Certificadora Andina",
            )
        )
    return rows


def settings() -> Settings:
    return Settings(env="test", pg_database=DATABASE).for_service("catalog")


def dsn(s: Settings) -> str:
    return f"postgresql://{s.db_user}:{s.db_password}@{s.pg_host}:{s.pg_port}/{s.pg_database}"


async def load(count: int) -> str:
    conn = await asyncpg.connect(dsn(settings()))
    try:
        have = await conn.fetchval(
            "SELECT count(*) FROM catalog.organisations WHERE certificate_number LIKE $1", MARK + "%"
        )
        certs = await conn.fetchval("SELECT count(*) FROM catalog.certificates WHERE ruc LIKE '17%'")
        if have == count and certs == CERTIFICATES:
            await _vocabulary()
            await _vacuum(conn)
            return f"{count:,} organisations already loaded (database {DATABASE})"
        await conn.execute("DELETE FROM catalog.organisations WHERE certificate_number LIKE $1", MARK + "%")
        await conn.execute("DELETE FROM catalog.certificates WHERE ruc LIKE '17%'")
        rows = organisations(count)
        started = asyncio.get_running_loop().time()
        await conn.copy_records_to_table(
            "organisations", schema_name="catalog", records=rows, columns=COLUMNS
        )
        today = Clock().today()
        await conn.copy_records_to_table(
            "certificates",
            schema_name="catalog",
            columns=[
                "certificate_id",
                "certificate_number",
                "ruc",
                "holder_name",
                "body_name",
                "standard_version",
                "issued_on",
                "expires_on",
                "status",
            ],
            records=[
                (
                    __import__("uuid").uuid4(),
                    certificate_number(2099, i + 1),
                    rows[i][0],
                    rows[i][1],
                    "Certificadora Andina",
                    "2024",
                    today - timedelta(days=10),
                    today + timedelta(days=700),
                    "valid",
                )
                for i in range(CERTIFICATES)
            ],
        )
        seconds = asyncio.get_running_loop().time() - started
        await _vocabulary()
        await _vacuum(conn)
        return f"loaded {count:,} organisations with COPY in {seconds:.1f} s (database {DATABASE})"
    finally:
        await conn.close()


async def _vocabulary() -> None:
    """The search vocabulary and lexeme bounds from the loaded organisations, by the repository's own call."""
    from services.catalog.db.repositories.catalogue import OrganisationRepository

    engine = create_async_engine(settings().database_url)
    try:
        async with engine.begin() as conn:
            await OrganisationRepository(conn).recompute_search_words()
            words = (await conn.execute(text("SELECT count(*) FROM catalog.search_words"))).scalar()
    finally:
        await engine.dispose()
    print(f"catalog.search_words: {words} words", flush=True)


async def _vacuum(conn: asyncpg.Connection) -> None:
    """Statistics and the visibility map, as autovacuum leaves them moments after a bulk load:
    the covering-index walks are then index-only (measured: 5 ms -> 0.5 ms a search). Run on
    every bench start: a VACUUM right after the COPY did not always mark the pages visible."""
    for table in ("organisations", "certificates", "search_words", "search_lexemes"):
        await conn.execute(f"VACUUM (ANALYZE) catalog.{table}")
    visible, pages = await conn.fetchrow(
        "SELECT relallvisible, relpages FROM pg_class WHERE oid = 'catalog.organisations'::regclass"
    )
    print(f"catalog.organisations: {visible}/{pages} pages all-visible", flush=True)


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return {"date": value.isoformat()}
    return value


async def capture_sql() -> dict[str, tuple[str, list[Any]]]:
    """The statements the service sends for each bench request, as asyncpg receives them."""
    from services.catalog.db.repositories import catalogue
    from services.catalog.db.repositories.read_model import CertificateRepository
    from services.catalog.domain.certificates import VerificationStatus

    s = settings()
    engine = create_async_engine(s.database_url)
    seen: list[tuple[str, Any]] = []

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _seen(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append((statement, parameters))

    out: dict[str, tuple[str, list[Any]]] = {}
    today = Clock().today()
    try:
        async with engine.connect() as conn:
            for name, params in QUERIES.items():
                seen.clear()
                f = catalogue.CatalogueFilters(q=params["q"], statuses=(VerificationStatus.valid,))
                await catalogue.search(conn, f, today=today, cursor=None, limit=int(params["limit"]))
                sql, args = seen[-1]
                out[name] = (sql, [_plain(a) for a in args])
            seen.clear()
            await CertificateRepository(conn).get(certificate_number=certificate_number(2099, 42))
            sql, args = seen[-1]
            out["verification"] = (sql, [_plain(a) for a in args])
    finally:
        await engine.dispose()
    return out


def migrate() -> None:
    subprocess.run(
        [sys.executable, "-m", "shared.cli", "migrate", "catalog", "--database", DATABASE],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def service_target(name: str) -> tuple[str, bool]:
    main = (ROOT / "services" / name / "main.py").read_text()
    return (
        (f"services.{name}.main:create_app", True)
        if "def create_app" in main
        else (f"services.{name}.main:app", False)
    )


def _measure(api: str, ceil: str, workers: int, ceiling, service) -> None:
    """The search queries (16 clients; and one client with the first worker count only: one
    client's latency does not depend on how many workers wait for it) and verification."""
    number = certificate_number(2099, 42)

    def ceiling_pid() -> list[int]:
        return [ceiling.pid]

    def service_pid() -> list[int]:
        return [service.pid]

    for name, params in QUERIES.items():
        query = "&".join(f"{k}={v.replace(' ', '%20')}" for k, v in params.items())
        for c in (16, 1) if workers == WORKERS[0] else (16,):
            print(f"GET /organisations?{query}, {c} connection(s), {workers} worker(s)", flush=True)
            figures = side_by_side(
                {
                    "ceiling, same SQL": lambda c=c, name=name: wrk(
                        f"{ceil}/sql/{name}", connections=c, pids=ceiling_pid
                    ),
                    "catalog service": lambda c=c, query=query: wrk(
                        f"{api}/organisations?{query}", connections=c, pids=service_pid
                    ),
                }
            )
            goal = ">= 0.5x, p99 < 50 ms" if c == 16 else "p99 < 10 ms"
            record(
                f"catalogue search q={params['q']!r}, 100k, {c} client(s) ({workers} worker)",
                figures["catalog service"],
                figures["ceiling, same SQL"],
                goal,
            )
    print(f"GET /certificates/{{number}}/verification, 16 connections, {workers} worker(s)", flush=True)
    figures = side_by_side(
        {
            "ceiling, same SQL": lambda: wrk(f"{ceil}/sql/verification", connections=16, pids=ceiling_pid),
            "catalog service": lambda: wrk(
                f"{api}/certificates/{number}/verification", connections=16, pids=service_pid
            ),
        }
    )
    record(
        f"verification by number ({workers} worker)",
        figures["catalog service"],
        figures["ceiling, same SQL"],
        ">= 0.8x",
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--organisations", type=int, default=100_000)
    args = parser.parse_args()
    migrate()
    print(asyncio.run(load(args.organisations)), flush=True)
    statements = asyncio.run(capture_sql())
    env = {
        "ECO_SERVICE": "catalog",
        "ECO_ENV": "test",
        "ECO_PG_DATABASE": DATABASE,
        "ECO_RUN_BACKGROUND": "false",
        "ECO_KAFKA_NAMESPACE": "bench.catalog.",
    }
    target, factory = service_target("catalog")
    cport = free_port()
    ceiling = start_uvicorn(
        "bench.ceiling:create_app",
        cport,
        {"CEILING_DSN": dsn(settings()), "CEILING_SQL": json.dumps(statements)},
        log_name="ceiling",
    )
    ceil = f"http://127.0.0.1:{cport}"
    try:
        wait_healthy(f"{ceil}/health", ceiling)
        for workers in WORKERS:
            sport = free_port()
            service = start_uvicorn(target, sport, env, log_name="catalog", workers=workers, factory=factory)
            try:
                wait_healthy(f"http://127.0.0.1:{sport}/health", service)
                _measure(f"http://127.0.0.1:{sport}/api/v1/catalog", ceil, workers, ceiling, service)
            finally:
                stop(service)
    finally:
        stop(ceiling)
    return 0


if __name__ == "__main__":
    sys.exit(main())
