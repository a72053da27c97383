"""Scale-out on one machine, with real processes: two enrollment instances (two outbox relays on
one outbox) and two catalog instances in one consumer group, on a database and Kafka namespace of
their own. A burst is split across partitions (each catalog instance applies some), every event is
published once and applied once; stopping one catalog instance hands its partitions to the other
with nothing lost. Prints events/s with two consumer instances and with one.

Partitions are the ceiling on consumer parallelism: each topic has its contract's PARTITIONS (3),
so a third catalog instance would still help, a fourth would sit idle (deploy/helm/README.md)."""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from shared.events.kafka import create_topics
from shared.migrations import upgrade
from shared.ruc import make_ruc
from shared.settings import DB_SCHEMAS, Settings
from tests.e2e.conftest import _BASE, ROOT
from tests.support.processes import uvicorn_command
from tests.support.testing import TopicReader, identity_headers, wait_until

pytestmark = pytest.mark.e2e

DATABASE = "ecoeficiencia_scale"
NAMESPACE = "test.scale."
INSTANCES = {"enrollment-a": 40, "enrollment-b": 41, "catalog-a": 42, "catalog-b": 43}
BURST = 240


@dataclass
class Instances:
    settings: Settings
    env: dict[str, str]
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{_BASE + INSTANCES[name]}"

    def start(self, name: str) -> None:
        service = name.split("-")[0]
        log = open(ROOT / ".local" / "logs" / f"scale-{name}.log", "ab")  # noqa: SIM115 - owned by the process
        self.processes[name] = subprocess.Popen(
            uvicorn_command(service, _BASE + INSTANCES[name]),
            cwd=ROOT,
            env=self.env | {"ECO_SERVICE": service},
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def wait_healthy(self, name: str) -> None:
        def healthy() -> bool:
            if self.processes[name].poll() is not None:
                raise RuntimeError(f"{name} exited; see .local/logs/scale-{name}.log")
            try:
                return httpx.get(f"{self.url(name)}/health", timeout=1).is_success
            except httpx.HTTPError:
                return False

        wait_until(healthy, timeout=120, message=f"{name} healthy")

    def stop(self, name: str) -> None:
        process = self.processes.pop(name)
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def processed(self, name: str) -> int:
        """The instance's own count of applied events (Prometheus gauge on its /metrics)."""
        text = httpx.get(f"{self.url(name)}/metrics", timeout=5).text
        match = re.search(r"^eco_consumer_processed\{[^}]*\} ([0-9.e+]+)$", text, re.M)
        return int(float(match.group(1))) if match else 0


@pytest.fixture(scope="module")
def instances(platform_ready: Settings) -> Iterator[Instances]:
    settings = platform_ready.model_copy(update={"kafka_namespace": NAMESPACE, "pg_database": DATABASE})
    create_topics(settings)
    for schema in DB_SCHEMAS:
        asyncio.run(upgrade(settings.for_service(schema)))
    env = os.environ | {
        "ECO_ENV": "test",
        "ECO_PG_DATABASE": DATABASE,
        "ECO_KAFKA_NAMESPACE": NAMESPACE,
        "ECO_IDENTITY_SECRET": settings.identity_secret,
        "ECO_OUTBOX_POLL_SECONDS": "0.2",
    }
    env.pop("OTEL_EXPORTER_ZIPKIN_ENDPOINT", None)
    stack = Instances(settings=settings, env=env)
    try:
        for name in INSTANCES:
            stack.start(name)
        for name in INSTANCES:
            stack.wait_healthy(name)
        yield stack
    finally:
        for name in list(stack.processes):
            stack.stop(name)


def _company(ruc: str) -> dict:
    return {
        "ruc": ruc,
        "legal_name": f"Escala {ruc[-6:]} S.A.C.",
        "legal_rep_name": "Luis Condori Apaza",
        "legal_rep_dni": "41234567",
        "founded_on": "2012-06-01",
        "registry_entry": "11009876",
        "region": "La Libertad",
        "ciiu_code": "1312",
        "annual_sales_pen": "640000.00",
        "women_led": False,
        "own_production": True,
        "products": ["hilado de alpaca"],
    }


def _register(stack: Instances, rucs: list[str]) -> None:
    """Half the burst to each enrollment instance, 8 clients at a time; every write must be 201."""

    def one(i_ruc: tuple[int, str]) -> int:
        i, ruc = i_ruc
        target = "enrollment-a" if i % 2 == 0 else "enrollment-b"
        headers = identity_headers(stack.settings.for_service("enrollment"), "company", ruc=ruc)
        return httpx.post(
            f"{stack.url(target)}/api/v1/enrollment/companies",
            json=_company(ruc),
            headers=headers,
            timeout=30,
        ).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(one, enumerate(rucs)))
    assert statuses == [201] * len(rucs)


def _catalogued(stack: Instances, rucs: list[str]) -> int:
    async def count() -> int:
        engine = create_async_engine(stack.settings.for_service("catalog").database_url)
        try:
            async with engine.connect() as conn:
                return (
                    await conn.execute(
                        sa.text("SELECT count(*) FROM catalog.companies WHERE ruc = ANY(:rucs)"),
                        {"rucs": rucs},
                    )
                ).scalar_one()
        finally:
            await engine.dispose()

    return asyncio.run(count())


def _rucs(n: int) -> list[str]:
    return [make_ruc("20", f"{secrets.randbelow(10**8):08d}") for _ in range(n)]


def test_burst_is_split_across_instances_and_survives_losing_one(instances: Instances) -> None:
    reader = TopicReader(instances.settings, "enrollment.company.registered")
    before = {name: instances.processed(name) for name in ("catalog-a", "catalog-b")}

    rucs = _rucs(BURST)
    started = time.perf_counter()
    _register(instances, rucs)
    wait_until(lambda: _catalogued(instances, rucs) == BURST, timeout=120, message="burst catalogued")
    two_rate = BURST / (time.perf_counter() - started)

    # Published once each, by whichever relay claimed the row (SKIP LOCKED), never twice.
    wanted = set(rucs)

    def published() -> list[str]:
        return [m.key.decode() for m in reader.poll() if m.key and m.key.decode() in wanted]

    wait_until(lambda: len(published()) >= BURST, timeout=30, message="events on Kafka")
    keys = published()
    assert sorted(keys) == sorted(rucs), "every write has exactly one event on Kafka"
    applied = {name: instances.processed(name) - before[name] for name in before}
    assert sum(applied.values()) == BURST, applied
    assert all(n > 0 for n in applied.values()), f"each instance handles some partitions: {applied}"

    # One instance leaves (a rolling update, a crash): the group rebalances to the other.
    instances.stop("catalog-b")
    survivor_before = instances.processed("catalog-a")
    rucs2 = _rucs(BURST)
    started = time.perf_counter()
    _register(instances, rucs2)
    wait_until(lambda: _catalogued(instances, rucs2) == BURST, timeout=180, message="second burst catalogued")
    one_rate = BURST / (time.perf_counter() - started)
    assert instances.processed("catalog-a") - survivor_before == BURST
    print(
        f"\nscale-out: {BURST} registrations, write -> catalogue row: "
        f"2 catalog instances {two_rate:.0f} events/s (split {applied}), 1 instance {one_rate:.0f} events/s"
    )
