"""Fault drills on the real platform: the four outages of issue 11, measured.

A drill writes companies through enrollment's HTTP API (``POST /companies``), breaks one real
part while it does (the Kafka broker, Postgres, the catalog process, the enrollment process
whose relay holds a backlog), brings it back, and checks the promise end to end:

- every committed write (a row in ``enrollment.companies``) has exactly one event on
  ``enrollment.company.registered`` (the topic may hold a copy twice: the inbox absorbs it);
- every event has its effect once: a ``catalog.companies`` row and one catalog inbox row;
- nothing reached any dead-letter topic;
- ``/ready`` said ``degraded`` (503) while the fault lasted, and ``ok`` again after;
- no HTTP write answered 500 (a dependency outage is a 503 with ``Retry-After``).

The same code runs in CI (``tests/drills``, a stack of its own on its own database and Kafka
namespace) and against ``make run`` (``bench/drills.py``). ``Target`` is what differs.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson
import sqlalchemy as sa
from kafka import KafkaConsumer, TopicPartition

from shared.db import create_engine
from shared.events.contracts.enrollment import CompanyRegistered
from shared.ruc import make_ruc
from shared.settings import Settings
from tests.support.processes import uvicorn_command
from tests.support.testing import eventually, identity_headers, wait_until

ROOT = Path(__file__).resolve().parents[2]
COMPANIES = "/api/v1/enrollment/companies"
TOPIC = CompanyRegistered.TOPIC


def company_body(ruc: str) -> dict[str, Any]:
    from tests.integration.enrollment.helpers import company_body as body

    return body(ruc)


# --- where the drill runs ---------------------------------------------------------------------


class Target:
    """The platform a drill acts on: its settings, its service URLs, and how to break it."""

    settings: Settings
    script_env: dict[str, str]

    def url(self, service: str) -> str:
        return self.settings.service_url(service)

    def kill(self, service: str) -> None:
        """SIGKILL the service's process (no shutdown hook runs)."""
        raise NotImplementedError

    def start(self, service: str) -> None:
        """Start the service and wait until it answers /health."""
        raise NotImplementedError

    def pid(self, service: str) -> int:
        raise NotImplementedError

    def ensure_running(self, service: str) -> None:
        """Start the service again if it is not answering (after a drill that failed half-way)."""
        try:
            if httpx.get(self.url(service) + "/health", timeout=2).is_success:
                return
        except httpx.HTTPError:
            pass
        self.start(service)

    def pause(self, service: str) -> None:
        """SIGSTOP: the process is frozen (a consumer that falls behind), not gone."""
        os.kill(self.pid(service), signal.SIGSTOP)

    def resume(self, service: str) -> None:
        os.kill(self.pid(service), signal.SIGCONT)

    def stop(self, service: str) -> None:
        raise NotImplementedError

    def script(self, component: str, action: str) -> float:
        """``deploy/<component>/<x>.sh up|down`` of this checkout (pid files, never names);
        returns the seconds it took."""
        path = {"kafka": "deploy/kafka/kafka.sh", "postgres": "deploy/postgres/pg.sh"}[component]
        started = time.monotonic()
        subprocess.run(
            ["bash", str(ROOT / path), action],
            env=self.script_env,
            check=True,
            capture_output=True,
            timeout=180,
        )
        return time.monotonic() - started

    def wait_healthy(self, service: str, timeout: float = 60.0) -> None:
        def healthy() -> bool:
            try:
                return httpx.get(self.url(service) + "/health", timeout=1).is_success
            except httpx.HTTPError:
                return False

        wait_until(healthy, timeout=timeout, message=f"{service} healthy")


class ProcessTarget(Target):
    """Services as uvicorn processes this object starts itself (the CI drills)."""

    def __init__(self, settings: Settings, env: dict[str, str], ports: dict[str, int]) -> None:
        self.settings = settings
        self.env = env
        self.script_env = env
        self.ports = ports
        self.processes: dict[str, subprocess.Popen] = {}

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def start(self, service: str) -> None:
        self.spawn(service)
        self.wait_healthy(service)

    def spawn(self, service: str) -> None:
        (ROOT / ".local" / "logs").mkdir(parents=True, exist_ok=True)
        log = open(ROOT / ".local" / "logs" / f"drill-{service}.log", "ab")  # noqa: SIM115 - the process owns it
        self.processes[service] = subprocess.Popen(
            uvicorn_command(service, self.ports[service], "--loop", "uvloop"),
            cwd=ROOT,
            env=self.env | {"ECO_SERVICE": service},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()

    def start_all(self) -> None:
        """Start every service at once (start-up is mostly imports: they overlap)."""
        for service in self.ports:
            self.spawn(service)
        for service in self.ports:
            self.wait_healthy(service)

    def wait_healthy(self, service: str, timeout: float = 60.0) -> None:
        process = self.processes[service]

        def healthy() -> bool:
            if process.poll() is not None:
                raise RuntimeError(f"{service} exited; see .local/logs/drill-{service}.log")
            try:
                return httpx.get(self.url(service) + "/health", timeout=1).is_success
            except httpx.HTTPError:
                return False

        wait_until(healthy, timeout=timeout, message=f"{service} healthy")

    def pid(self, service: str) -> int:
        return self.processes[service].pid

    def kill(self, service: str) -> None:
        process = self.processes.pop(service)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self, service: str) -> None:
        process = self.processes.pop(service, None)
        if process and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class MakeRunTarget(Target):
    """The stack of ``make run`` in this checkout: pid files under .local/run, deploy/services.sh."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.script_env = dict(os.environ)

    def pid(self, service: str) -> int:
        return int((ROOT / ".local" / "run" / f"{service}.pid").read_text().strip())

    def kill(self, service: str) -> None:
        pid = self.pid(service)
        os.kill(pid, signal.SIGKILL)

        def gone() -> bool:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return True
            return False

        wait_until(gone, timeout=10, message=f"{service} (pid {pid}) gone")

    def start(self, service: str) -> None:
        subprocess.run(
            ["bash", str(ROOT / "deploy" / "services.sh"), "up", service],
            env=self.script_env,
            check=True,
            capture_output=True,
            timeout=120,
        )
        self.wait_healthy(service)

    def stop(self, service: str) -> None:
        subprocess.run(
            ["bash", str(ROOT / "deploy" / "services.sh"), "down", service],
            env=self.script_env,
            check=True,
            capture_output=True,
            timeout=60,
        )


# --- load and observation --------------------------------------------------------------------


def new_ruc() -> str:
    return make_ruc("20", f"{random.randrange(10**8):08d}")


class Writer(threading.Thread):
    """Registers companies one after another at ``rate`` per second until stopped or ``limit``."""

    def __init__(self, target: Target, *, rate: float = 25.0, limit: int = 10_000) -> None:
        super().__init__(daemon=True, name="drill-writer")
        self.url = target.url("enrollment") + COMPANIES
        self.headers = identity_headers(target.settings, "promperu_officer", ttl=900)
        self.rate = rate
        self.limit = limit
        self.outcomes: dict[str, int | str] = {}
        self.retry_after_missing = 0
        self._halt = threading.Event()

    def run(self) -> None:
        period = 1.0 / self.rate
        with httpx.Client(timeout=10) as client:
            next_at = time.monotonic()
            while not self._halt.is_set() and len(self.outcomes) < self.limit:
                ruc = new_ruc()
                try:
                    response = client.post(self.url, json=company_body(ruc), headers=self.headers)
                    self.outcomes[ruc] = response.status_code
                    if response.status_code == 503 and "retry-after" not in response.headers:
                        self.retry_after_missing += 1
                except httpx.HTTPError as exc:
                    self.outcomes[ruc] = type(exc).__name__
                next_at += period
                self._halt.wait(max(0.0, next_at - time.monotonic()))  # pacing of the load, not a wait

    def finish(self) -> None:
        self._halt.set()
        self.join(timeout=30)

    def count(self, status: int | None = None) -> int:
        return sum(1 for v in self.outcomes.values() if status is None or v == status)

    @property
    def attempted(self) -> list[str]:
        # A 409 is a RUC some earlier run already registered: not this drill's write.
        return [ruc for ruc, outcome in self.outcomes.items() if outcome != 409]


@dataclass
class Reading:
    at: float
    service: str
    status: int | None  # None: nothing answered
    problems: list[str]


class ReadyMonitor(threading.Thread):
    """GET /ready of each service twice a second, for the whole drill."""

    def __init__(self, target: Target, services: tuple[str, ...]) -> None:
        super().__init__(daemon=True, name="drill-ready-monitor")
        self.urls = {name: target.url(name) + "/ready" for name in services}
        self.readings: list[Reading] = []
        self._halt = threading.Event()

    def run(self) -> None:
        with httpx.Client(timeout=4) as client:
            while not self._halt.is_set():
                for name, url in self.urls.items():
                    at = time.monotonic()
                    try:
                        response = client.get(url)
                        problems = response.json().get("problems", [])
                        self.readings.append(Reading(at, name, response.status_code, problems))
                    except (httpx.HTTPError, ValueError):
                        self.readings.append(Reading(at, name, None, ["unreachable"]))
                self._halt.wait(0.5)  # the sampling period

    def finish(self) -> None:
        self._halt.set()
        self.join(timeout=10)

    def between(self, service: str, start: float, end: float) -> list[Reading]:
        return [r for r in self.readings if r.service == service and start <= r.at <= end]

    def degraded(self, service: str, start: float, end: float) -> list[Reading]:
        return [r for r in self.between(service, start, end) if r.status != 200]


def _dlq_topics(consumer: KafkaConsumer, namespace: str) -> list[str]:
    topics = consumer.topics()
    return sorted(
        t
        for t in topics
        if t.endswith(".dlq") and t.startswith(namespace) and (namespace or not t.startswith("test."))
    )


class KafkaProbe:
    """Offsets of the drill's topic and of every DLQ when the drill began; what came after."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.topic = settings.topic(TOPIC)
        consumer = KafkaConsumer(bootstrap_servers=settings.kafka_bootstrap, enable_auto_commit=False)
        try:
            self.dlq_tps = [
                TopicPartition(t, p)
                for t in _dlq_topics(consumer, settings.kafka_namespace)
                for p in sorted(consumer.partitions_for_topic(t) or ())
            ]
            self.topic_tps = [
                TopicPartition(self.topic, p) for p in sorted(consumer.partitions_for_topic(self.topic))
            ]
            self.start = consumer.end_offsets(self.topic_tps + self.dlq_tps)
        finally:
            consumer.close()

    def dlq_count(self) -> int:
        consumer = KafkaConsumer(bootstrap_servers=self.settings.kafka_bootstrap, enable_auto_commit=False)
        try:
            ends = consumer.end_offsets(self.dlq_tps) if self.dlq_tps else {}
        finally:
            consumer.close()
        return sum(end - self.start.get(tp, 0) for tp, end in ends.items())

    def events(self, rucs: set[str]) -> list[dict[str, Any]]:
        """Every envelope on the topic since the start whose company is one of ``rucs``."""
        consumer = KafkaConsumer(bootstrap_servers=self.settings.kafka_bootstrap, enable_auto_commit=False)
        found: list[dict[str, Any]] = []
        try:
            consumer.assign(self.topic_tps)
            ends = consumer.end_offsets(self.topic_tps)
            for tp in self.topic_tps:
                consumer.seek(tp, self.start[tp])
            deadline = time.monotonic() + 60
            while any(consumer.position(tp) < ends[tp] for tp in self.topic_tps):
                if time.monotonic() > deadline:
                    raise AssertionError("could not read the topic to its end within 60 s")
                for records in consumer.poll(timeout_ms=500).values():
                    for record in records:
                        envelope = orjson.loads(record.value)
                        if envelope.get("payload", {}).get("ruc") in rucs:
                            found.append(envelope)
        finally:
            consumer.close()
        return found


class Database:
    """Reads the drill's truth with the services' own roles; None while Postgres is away."""

    def __init__(self, settings: Settings) -> None:
        self.enrollment = create_engine(settings.for_service("enrollment"))
        self.catalog = create_engine(settings.for_service("catalog"))
        self.group = settings.for_service("catalog").consumer_group

    async def _scalar_rows(self, engine, sql: str, **params) -> list[Any] | None:
        try:
            async with engine.connect() as conn:
                return list((await asyncio.wait_for(conn.execute(sa.text(sql), params), timeout=5)).all())
        except Exception:
            await engine.dispose()  # drop connections Postgres closed
            return None

    async def committed(self, rucs: list[str]) -> set[str] | None:
        rows = await self._scalar_rows(
            self.enrollment, "SELECT ruc FROM enrollment.companies WHERE ruc = ANY(:rucs)", rucs=rucs
        )
        return None if rows is None else {r[0] for r in rows}

    async def backlog(self) -> int | None:
        rows = await self._scalar_rows(
            self.enrollment, "SELECT count(*) FROM enrollment.outbox WHERE published_at IS NULL"
        )
        return None if rows is None else int(rows[0][0])

    async def effects(self, rucs: list[str]) -> Counter | None:
        rows = await self._scalar_rows(
            self.catalog,
            "SELECT ruc, count(*) FROM catalog.companies WHERE ruc = ANY(:rucs) GROUP BY ruc",
            rucs=rucs,
        )
        return None if rows is None else Counter({r[0]: int(r[1]) for r in rows})

    async def inbox(self, event_ids: list[str]) -> Counter | None:
        rows = await self._scalar_rows(
            self.catalog,
            "SELECT event_id::text, count(*) FROM catalog.inbox "
            "WHERE consumer_group = :group AND event_id::text = ANY(:ids) GROUP BY event_id",
            group=self.group,
            ids=event_ids,
        )
        return None if rows is None else Counter({r[0]: int(r[1]) for r in rows})

    async def close(self) -> None:
        await self.enrollment.dispose()
        await self.catalog.dispose()


# --- one drill --------------------------------------------------------------------------------


@dataclass
class DrillReport:
    name: str
    fault: str
    fault_seconds: float = 0.0
    writes: int = 0  # attempted (excluding RUCs an earlier run had already registered)
    writes_201: int = 0
    writes_503: int = 0
    writes_500: int = 0
    writes_other: dict[str, int] = field(default_factory=dict)
    retry_after_missing: int = 0
    committed: int = 0
    events: int = 0  # distinct events of this drill's companies on the topic
    topic_messages: int = 0
    duplicates_on_topic: int = 0  # the same event twice on the topic (a relay resent it)
    duplicates_absorbed: int = 0  # redeliveries the catalog's inbox skipped (since its last start)
    effects: int = 0
    inbox_rows: int = 0
    dlq: int = 0
    degraded_readings: dict[str, int] = field(default_factory=dict)
    degraded_problems: list[str] = field(default_factory=list)
    recovery_to_empty_backlog_s: float | None = None
    recovery_to_all_effects_s: float | None = None
    # what was checked, for the assertions
    missing_events: list[str] = field(default_factory=list)
    multiple_events: list[str] = field(default_factory=list)
    missing_effects: list[str] = field(default_factory=list)
    repeated_effects: list[str] = field(default_factory=list)
    uncommitted_201: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"[drill {self.name}] {self.fault}: fault {self.fault_seconds:.1f} s | writes {self.writes} "
            f"(201: {self.writes_201}, 503: {self.writes_503}, 500: {self.writes_500}, other: {self.writes_other}) "
            f"committed {self.committed} | events {self.events} (topic messages {self.topic_messages}, "
            f"duplicates on topic {self.duplicates_on_topic}) | effects {self.effects} "
            f"(inbox rows {self.inbox_rows}, duplicates absorbed {self.duplicates_absorbed}) | DLQ {self.dlq} | "
            f"degraded /ready readings {self.degraded_readings} | recovery -> empty backlog "
            f"{_fmt(self.recovery_to_empty_backlog_s)}, -> all effects {_fmt(self.recovery_to_all_effects_s)}"
        )

    def failures(self) -> list[str]:
        """Every broken promise, in words (empty when the drill passed)."""
        out = []
        if self.writes_500:
            out.append(f"{self.writes_500} writes answered 500")
        if self.retry_after_missing:
            out.append(f"{self.retry_after_missing} 503s without Retry-After")
        if self.uncommitted_201:
            out.append(f"201 but not committed: {self.uncommitted_201[:5]}")
        if self.missing_events:
            out.append(
                f"{len(self.missing_events)} committed writes without an event: {self.missing_events[:5]}"
            )
        if self.multiple_events:
            out.append(f"companies with more than one distinct event: {self.multiple_events[:5]}")
        if self.missing_effects:
            out.append(f"{len(self.missing_effects)} events without their effect: {self.missing_effects[:5]}")
        if self.repeated_effects:
            out.append(f"effects applied more than once: {self.repeated_effects[:5]}")
        if self.dlq:
            out.append(f"{self.dlq} messages dead-lettered")
        return out


def _fmt(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{seconds:.1f} s"


class Drill:
    """Set up observation, run a scenario, then count. Use as ``async with Drill(...) as d``."""

    def __init__(self, target: Target, name: str, fault: str, *, services=("enrollment", "catalog")) -> None:
        self.target = target
        self.report = DrillReport(name=name, fault=fault)
        self.services = services
        self.db = Database(target.settings)
        self.writers: list[Writer] = []
        self.fault_start = self.fault_end = 0.0
        self.catalog_restarted = False
        self.down: set[str] = set()  # components this drill stopped and has not started again
        self.paused: set[str] = set()

    async def __aenter__(self) -> Drill:
        self.kafka = await asyncio.to_thread(KafkaProbe, self.target.settings)
        self.duplicates_before = await _consumer_duplicates(self.target.url("catalog"))
        self.monitor = ReadyMonitor(self.target, self.services)
        self.monitor.start()
        return self

    async def __aexit__(self, *exc_info) -> None:
        self.monitor.finish()
        for writer in self.writers:
            writer.finish()
        try:
            # A drill that failed half-way leaves nothing stopped for the next one.
            for service in sorted(self.paused):
                self.target.resume(service)
            for component in sorted(self.down):
                await asyncio.to_thread(self.target.script, component, "up")
            for service in self.services:
                await asyncio.to_thread(self.target.ensure_running, service)
        finally:
            await self.db.close()

    async def stop_component(self, component: str) -> None:
        self.down.add(component)
        await asyncio.to_thread(self.target.script, component, "down")

    async def start_component(self, component: str) -> None:
        await asyncio.to_thread(self.target.script, component, "up")
        self.down.discard(component)

    def writer(self, **kwargs) -> Writer:
        writer = Writer(self.target, **kwargs)
        self.writers.append(writer)
        writer.start()
        return writer

    def fault_began(self) -> None:
        self.fault_start = time.monotonic()

    def fault_ended(self) -> None:
        self.fault_end = time.monotonic()
        self.report.fault_seconds = self.fault_end - self.fault_start

    async def hold(self, seconds: float) -> None:
        """Keep the fault in place ``seconds`` after it began (the drill's outage length)."""
        remaining = self.fault_start + seconds - time.monotonic()
        if remaining > 0:
            await asyncio.sleep(remaining)  # the outage itself lasts this long, by design

    def outcomes(self) -> dict[str, int | str]:
        merged: dict[str, int | str] = {}
        for writer in self.writers:
            merged |= writer.outcomes
        return merged

    async def recover_and_count(self, *, timeout: float = 120.0) -> DrillReport:
        """After the fault is lifted: time to an empty backlog and to every effect, then count."""
        report = self.report
        for writer in self.writers:
            writer.finish()
        outcomes = self.outcomes()
        attempted = [ruc for ruc, outcome in outcomes.items() if outcome != 409]
        ok_201 = {ruc for ruc, outcome in outcomes.items() if outcome == 201}
        committed = (
            await eventually(lambda: _some(self.db.committed(attempted)), timeout=60, message="db back")
        )[0]
        # Both waits count from the end of the fault; they poll, so the figure is within 0.2 s.
        await eventually(
            lambda: _equals(self.db.backlog(), 0),
            timeout=timeout,
            interval=0.2,
            message="outbox backlog empty",
        )
        report.recovery_to_empty_backlog_s = time.monotonic() - self.fault_end

        async def all_effects() -> bool:
            effects = await self.db.effects(sorted(committed))
            return effects is not None and set(effects) >= committed

        await eventually(all_effects, timeout=timeout, interval=0.2, message="every effect applied")
        report.recovery_to_all_effects_s = time.monotonic() - self.fault_end

        for service in self.services:
            await eventually(
                lambda s=service: _ready(self.target.url(s)), timeout=60, message=f"{service} /ready ok again"
            )
        envelopes = await asyncio.to_thread(self.kafka.events, set(attempted))
        by_ruc: dict[str, set[str]] = {}
        for envelope in envelopes:
            by_ruc.setdefault(envelope["payload"]["ruc"], set()).add(envelope["event_id"])
        event_ids = sorted({e["event_id"] for e in envelopes})
        effects = await self.db.effects(sorted(committed)) or Counter()
        inbox = await self.db.inbox(event_ids) or Counter()

        statuses = Counter(outcomes.values())
        report.writes = len(attempted)
        report.writes_201 = statuses.get(201, 0)
        report.writes_503 = statuses.get(503, 0)
        report.writes_500 = statuses.get(500, 0)
        report.writes_other = {str(k): v for k, v in statuses.items() if k not in (201, 503, 500, 409)}
        report.retry_after_missing = sum(w.retry_after_missing for w in self.writers)
        report.committed = len(committed)
        report.uncommitted_201 = sorted(ok_201 - committed)
        report.events = len(event_ids)
        report.topic_messages = len(envelopes)
        report.duplicates_on_topic = len(envelopes) - len(event_ids)
        report.missing_events = sorted(committed - set(by_ruc))
        report.multiple_events = sorted(ruc for ruc, ids in by_ruc.items() if len(ids) > 1)
        report.effects = sum(effects.values())
        report.inbox_rows = sum(inbox.values())
        report.missing_effects = sorted(committed - set(effects)) + sorted(set(event_ids) - set(inbox))
        report.repeated_effects = sorted(k for k, n in (effects + inbox).items() if n > 1)
        duplicates = await _consumer_duplicates(self.target.url("catalog"))
        report.duplicates_absorbed = duplicates - (0 if self.catalog_restarted else self.duplicates_before)
        report.dlq = await asyncio.to_thread(self.kafka.dlq_count)
        self.monitor.finish()
        for service in self.services:
            degraded = self.monitor.degraded(service, self.fault_start, self.fault_end)
            report.degraded_readings[service] = len(degraded)
            report.degraded_problems += sorted({f"{service}: {p}" for r in degraded for p in r.problems})
        return report


async def _some(value) -> tuple[Any] | None:
    """Truthy as soon as ``value`` is not None, whatever it is (an empty set included)."""
    result = await value
    return None if result is None else (result,)


async def _equals(value, expected) -> bool:
    return (await value) == expected


async def _ready(url: str) -> bool:
    async with httpx.AsyncClient(timeout=4) as client:
        try:
            return (await client.get(url + "/ready")).status_code == 200
        except httpx.HTTPError:
            return False


async def _consumer_duplicates(url: str) -> int:
    async with httpx.AsyncClient(timeout=4) as client:
        try:
            return int((await client.get(url + "/ready")).json()["consumer"]["duplicates"])
        except (httpx.HTTPError, KeyError, ValueError):
            return -1


# --- the four drills --------------------------------------------------------------------------

BROKER_DOWN_SECONDS = 30.0
POSTGRES_DOWN_SECONDS = 15.0


async def broker_down_mid_burst(target: Target, *, outage: float = BROKER_DOWN_SECONDS) -> DrillReport:
    """(a) Kafka stopped while companies are being registered, started again after ``outage`` s."""
    async with Drill(target, "a", f"broker stopped mid-burst for >= {outage:.0f} s") as drill:
        writer = drill.writer(rate=20)
        await eventually(lambda: writer.count() >= 40, timeout=30, message="burst under way")
        drill.fault_began()
        await drill.stop_component("kafka")
        await eventually(lambda: writer.count() >= 120, timeout=60, message="writes while the broker is down")
        writer.finish()
        await drill.hold(outage)
        await drill.start_component("kafka")
        drill.fault_ended()
        return await drill.recover_and_count()


async def postgres_down_under_lagging_consumer(
    target: Target, *, outage: float = POSTGRES_DOWN_SECONDS, burst: int = 150
) -> DrillReport:
    """(b) The catalog lags (frozen with SIGSTOP while a burst is written and published), Postgres
    stops, the catalog resumes with its backlog and Postgres away for ``outage`` s; writes during
    the outage must answer 503 with Retry-After."""
    async with Drill(target, "b", f"Postgres stopped >= {outage:.0f} s under a lagging consumer") as drill:
        target.pause("catalog")
        drill.paused.add("catalog")
        try:
            writer = drill.writer(rate=60, limit=burst)
            await asyncio.to_thread(writer.join, 60)
            await eventually(lambda: _equals(drill.db.backlog(), 0), timeout=60, message="events on Kafka")
            drill.fault_began()
            await drill.stop_component("postgres")
        finally:
            target.resume("catalog")  # with its whole backlog to apply, and no database
            drill.paused.discard("catalog")
        during = drill.writer(rate=4, limit=40)
        await eventually(lambda: during.count() >= 3, timeout=30, message="writes during the outage")
        await drill.hold(outage)
        during.finish()
        await drill.start_component("postgres")
        drill.fault_ended()
        report = await drill.recover_and_count()
        # After the outage the relay listens again (NOTIFY, not polling, wakes it).
        await eventually(
            lambda: _relay_listening(target.url("enrollment")), timeout=60, message="relay LISTENs again"
        )
        return report


async def consumer_killed_mid_burst(target: Target, *, burst: int = 200) -> DrillReport:
    """(c) The catalog process is SIGKILLed while it applies a burst, then started again."""
    async with Drill(target, "c", "consumer (catalog) killed with SIGKILL mid-burst") as drill:
        writer = drill.writer(rate=60, limit=burst)

        async def some_applied() -> bool:
            effects = await drill.db.effects(list(writer.outcomes))
            return effects is not None and len(effects) >= burst // 4

        await eventually(some_applied, timeout=60, message="the catalog applying the burst")
        drill.fault_began()
        await asyncio.to_thread(target.kill, "catalog")
        await asyncio.to_thread(target.start, "catalog")
        drill.catalog_restarted = True
        drill.fault_ended()
        return await drill.recover_and_count()


async def relay_killed_with_backlog_while_broker_down(target: Target, *, burst: int = 100) -> DrillReport:
    """(d) Kafka down, a backlog in enrollment's outbox, enrollment SIGKILLed and started again
    while the broker is still down; then the broker returns."""
    async with Drill(target, "d", "relay's service killed with SIGKILL, backlog, broker down") as drill:
        drill.fault_began()
        await drill.stop_component("kafka")
        writer = drill.writer(rate=50, limit=burst)
        await asyncio.to_thread(writer.join, 60)
        await eventually(
            lambda: _backlog_at_least(drill.db, writer.count(201)), timeout=30, message="a backlog"
        )
        await asyncio.to_thread(target.kill, "enrollment")
        await asyncio.to_thread(target.start, "enrollment")
        await eventually(
            lambda: _degraded_with(target.url("enrollment"), "kafka unavailable"),
            timeout=30,
            message="restarted enrollment reports the broker away",
        )
        await drill.start_component("kafka")
        drill.fault_ended()
        return await drill.recover_and_count()


async def _backlog_at_least(db: Database, n: int) -> bool:
    backlog = await db.backlog()
    return backlog is not None and backlog >= n


async def _degraded_with(url: str, problem: str) -> bool:
    async with httpx.AsyncClient(timeout=4) as client:
        try:
            response = await client.get(url + "/ready")
        except httpx.HTTPError:
            return False
        return response.status_code == 503 and problem in response.json().get("problems", [])


async def _relay_listening(url: str) -> bool:
    async with httpx.AsyncClient(timeout=4) as client:
        try:
            return bool((await client.get(url + "/ready")).json()["relay"]["listening"])
        except (httpx.HTTPError, KeyError, ValueError):
            return False


DRILLS = {
    "a": broker_down_mid_burst,
    "b": postgres_down_under_lagging_consumer,
    "c": consumer_killed_mid_burst,
    "d": relay_killed_with_backlog_while_broker_down,
}
