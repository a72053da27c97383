"""Benchmark: full pre-audits (112 results each) for 1,000 companies, then the report's p99.

    .venv/bin/python bench/audit_preaudit.py [--companies 1000] [--concurrency 8] [--reports 200]

Runs the real audit app in-process under uvicorn on a free loopback port, against the
test database, with its own Kafka namespace (``bench.``) so no test or other service
consumes what it publishes. Participants arrive as real ``enrollment.participant.admitted``
events. Each pre-audit's 112 results go in one request (one set-based INSERT). Then one
company's aspect-level implementation report is read ~200 times. The bench removes its
rows afterwards (``--keep`` leaves them). Bounded: it gives up after ``--deadline`` s.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import random
import socket
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

import httpx
import orjson
import sqlalchemy as sa
import uvicorn
from kafka import KafkaProducer

from services.audit.main import SPEC
from shared.app import create_app
from shared.auth import Role
from shared.clock import Clock
from shared.db import create_engine, dispose_engine
from shared.events.contracts.enrollment import MonitorRef, ParticipantAdmitted
from shared.events.contracts.training import AssistanceLogged, ProgramCompleted
from shared.events.envelope import EventEnvelope
from shared.events.kafka import create_topics
from shared.ruc import complete_ruc
from shared.settings import Settings
from tests.support.testing import identity_headers

API = "/api/v1/audit"
NAMESPACE = "bench."


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def admitted(participant_id: uuid.UUID, cohort_id: uuid.UUID) -> ParticipantAdmitted:
    ruc = complete_ruc("20" + "".join(random.choices("0123456789", k=8)))
    return ParticipantAdmitted(
        participant_id=participant_id,
        company_id=uuid.uuid4(),
        ruc=ruc,
        legal_name=f"Exportadora bench {ruc}",
        cohort_id=cohort_id,
        cohort_name="Bench",
        monitor=MonitorRef(monitor_id=uuid.uuid4(), name="Monitor bench"),
        admitted_at=datetime.now(UTC),
    )


def ready_for_preaudit(event: ParticipantAdmitted) -> list:
    """Training completed and one assistance visit: the programme order before a pre-audit."""
    common = {"participant_id": event.participant_id, "ruc": event.ruc, "cohort_id": event.cohort_id}
    return [
        ProgramCompleted(**common, workshops_attended=list(range(11)), completed_at=datetime.now(UTC)),
        AssistanceLogged(
            **common,
            assistance_id=uuid.uuid4(),
            held_on=Clock().today(),
            mode="visit",
            duration_minutes=60,
            aspects=["A1"],
        ),
    ]


def publish_all(settings: Settings, events: list) -> None:
    producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all", linger_ms=5)
    try:
        for event in events:
            envelope = EventEnvelope.wrap(event, producer="bench", occurred_at=datetime.now(UTC), trace={})
            producer.send(
                settings.topic(event.TOPIC),
                key=envelope.key.encode(),
                value=orjson.dumps(envelope.model_dump(mode="json")),
                headers=[("event_type", event.TOPIC.encode())],
            )
        producer.flush(30)
    finally:
        producer.close()


async def wait_for(check, deadline: float, what: str) -> None:
    while not await check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what}")
        await asyncio.sleep(0.2)  # poll interval


async def run(args: argparse.Namespace) -> None:
    deadline = time.monotonic() + args.deadline
    settings = Settings(env="test", pg_database=args.database, kafka_namespace=NAMESPACE).for_service("audit")
    await asyncio.to_thread(create_topics, settings)
    app = create_app(SPEC, settings=settings, clock=Clock())
    for noisy in ("httpx", "uvicorn.access", "eco.audit.jobs"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    serving = asyncio.create_task(server.serve())
    engine = create_engine(settings)
    cohort_id = uuid.uuid4()
    events = [admitted(uuid.uuid4(), cohort_id) for _ in range(args.companies)]
    ids = [e.participant_id for e in events]
    try:
        await wait_for(lambda: _started(server), deadline, "the server")
        base = f"http://127.0.0.1:{port}{API}"
        auditor = identity_headers(settings, Role.auditor, ttl=3600)
        officer = identity_headers(settings, Role.promperu_officer, ttl=3600)
        limits = httpx.Limits(max_connections=args.concurrency, max_keepalive_connections=args.concurrency)
        async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
            print(f"audit bench: {args.companies} companies, concurrency {args.concurrency}, port {port}")
            print("(figures taken on a shared 2-core machine while other engineers' work runs: under load)")

            t0 = time.perf_counter()
            await asyncio.to_thread(
                publish_all, settings, events + [e for a in events for e in ready_for_preaudit(a)]
            )
            await wait_for(
                lambda: _count_participants(engine, cohort_id, args.companies), deadline, "participants"
            )
            print(f"  participants consumed from Kafka: {args.companies} in {time.perf_counter() - t0:.1f} s")

            codes = [
                r["code"]
                for r in (await client.get("/standards/current", headers=auditor)).json()["requirements"]
            ]
            sem = asyncio.Semaphore(args.concurrency)
            preaudits: dict[uuid.UUID, str] = {}

            async def open_preaudit(pid: uuid.UUID) -> None:
                async with sem:
                    body = {"participant_id": str(pid), "audit_date": str(Clock().today())}
                    r = await client.post("/preaudits", json=body, headers=auditor)
                    r.raise_for_status()
                    preaudits[pid] = r.json()["id"]
                    (
                        await client.post(f"/preaudits/{preaudits[pid]}/start", headers=auditor)
                    ).raise_for_status()

            t0 = time.perf_counter()
            await asyncio.gather(*(open_preaudit(pid) for pid in ids))
            print(f"  pre-audits scheduled and started: {len(preaudits)} in {time.perf_counter() - t0:.1f} s")

            latencies: list[float] = []

            async def record(pid: uuid.UUID) -> None:
                results = [{"requirement_code": c, "result": "conforming"} for c in codes]
                if random.random() < 0.1:  # one company in ten gets a finding
                    results[random.randrange(len(results))] |= {
                        "result": "minor_nonconformity",
                        "finding": "Hallazgo",
                    }
                async with sem:
                    started = time.perf_counter()
                    r = await client.put(
                        f"/preaudits/{preaudits[pid]}/results", json={"results": results}, headers=auditor
                    )
                    latencies.append(time.perf_counter() - started)
                    r.raise_for_status()

            t0 = time.perf_counter()
            await asyncio.gather(*(record(pid) for pid in ids))
            elapsed = time.perf_counter() - t0
            total = len(ids) * len(codes)
            print(
                f"  RESULTS RECORDED: {total} ({len(ids)} x {len(codes)}) in {elapsed:.1f} s = "
                f"{total / elapsed:,.0f} results/s ({len(ids) / elapsed:.1f} pre-audits/s); per request "
                f"p50 {percentile(latencies, 50) * 1000:.0f} ms, p99 {percentile(latencies, 99) * 1000:.0f} ms"
            )

            async def conclude(pid: uuid.UUID) -> None:
                async with sem:
                    (
                        await client.post(f"/preaudits/{preaudits[pid]}/conclude", headers=auditor)
                    ).raise_for_status()

            t0 = time.perf_counter()
            await asyncio.gather(*(conclude(pid) for pid in ids))
            print(
                f"  pre-audits concluded (zero-NC rule, NCs, events): {len(ids)} in {time.perf_counter() - t0:.1f} s"
            )

            target = ids[0]
            company = identity_headers(settings, Role.company, ruc=events[0].ruc, ttl=3600)
            r = await client.post("/self-assessments", json={"participant_id": str(target)}, headers=officer)
            r.raise_for_status()
            statuses = ("implemented", "partial", "not_implemented")
            answers = [{"requirement_code": c, "status": random.choice(statuses)} for c in codes]
            (
                await client.put(
                    f"/self-assessments/{r.json()['id']}/answers", json={"answers": answers}, headers=officer
                )
            ).raise_for_status()

            url = f"/participants/{target}/implementation-report"
            for _ in range(10):  # warm the connection and the prepared statement
                (await client.get(url, headers=company)).raise_for_status()
            samples = []
            for _ in range(args.reports):
                started = time.perf_counter()
                r = await client.get(url, headers=company)
                samples.append(time.perf_counter() - started)
                r.raise_for_status()
            report = r.json()
            assert len(report["aspects"]) == 8 and report["preaudit"] is not None
            print(
                f"  IMPLEMENTATION REPORT (8 aspects, self-assessment + pre-audit, one company), {args.reports} "
                f"sequential requests: p50 {percentile(samples, 50) * 1000:.1f} ms, "
                f"p95 {percentile(samples, 95) * 1000:.1f} ms, P99 {percentile(samples, 99) * 1000:.1f} ms, "
                f"max {max(samples) * 1000:.1f} ms (mean {statistics.mean(samples) * 1000:.1f} ms)"
            )
    finally:
        server.should_exit = True
        with contextlib.suppress(Exception):
            await asyncio.wait_for(serving, timeout=30)
        if not args.keep:
            await _cleanup(engine, cohort_id)
        await dispose_engine(engine)


async def _started(server: uvicorn.Server) -> bool:
    return server.started


async def _count_participants(engine, cohort_id: uuid.UUID, expected: int) -> bool:
    async with engine.connect() as conn:
        found = (
            await conn.execute(
                sa.text(
                    "SELECT count(*) FROM audit.participants p WHERE cohort_id = :c"
                    " AND training_completed_at IS NOT NULL"
                    " AND EXISTS (SELECT 1 FROM audit.assistance_visits v WHERE v.participant_id = p.participant_id)"
                ),
                {"c": cohort_id},
            )
        ).scalar_one()
    return found >= expected


async def _cleanup(engine, cohort_id: uuid.UUID) -> None:
    """Remove the bench's rows (children first) so the test database does not grow per run."""
    scope = "participant_id IN (SELECT participant_id FROM audit.participants WHERE cohort_id = :c)"
    statements = [
        f"DELETE FROM audit.corrective_actions WHERE nonconformity_id IN (SELECT id FROM audit.nonconformities WHERE {scope})",
        f"DELETE FROM audit.nonconformities WHERE {scope}",
        f"DELETE FROM audit.preaudits WHERE {scope}",  # results cascade
        f"DELETE FROM audit.self_assessments WHERE {scope}",  # answers cascade
        f"DELETE FROM audit.assistance_visits WHERE {scope}",
        "DELETE FROM audit.participants WHERE cohort_id = :c",
    ]
    async with engine.begin() as conn:
        for statement in statements:
            await conn.execute(sa.text(statement), {"c": cohort_id})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--companies", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--deadline", type=float, default=600, help="seconds before giving up")
    parser.add_argument("--database", default="ecoeficiencia_test")
    parser.add_argument("--keep", action="store_true", help="leave the bench's rows in the database")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
