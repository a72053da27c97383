"""Faults the kernel must ride out: a relay that cannot die, LISTEN re-opened, transient
consumer failures retried without limit, 503 (not 500) when a dependency is away, and a
``/ready`` that says so."""

from __future__ import annotations

import asyncio
import socket
import uuid

import httpx
import pytest
import sqlalchemy as sa
from fastapi import APIRouter
from kafka import KafkaProducer
from kafka.errors import KafkaTimeoutError

from shared.app import ServiceSpec, create_app
from shared.deps import ReadConnDep
from shared.errors import PermanentError
from shared.events.consumer import ConsumerRunner
from shared.events.kafka import make_producer
from shared.events.relay import OutboxRelay
from tests.integration.kernel.conftest import PROBE_TOPIC, TABLES, WIDGETS, ProbeCreated, probe_settings
from tests.integration.kernel.test_consumer import effects, envelope_bytes
from tests.support.testing import TopicReader, eventually, running_app

PROBLEM = "application/problem+json"


# --- the relay -----------------------------------------------------------------------------


class BrokerAwayProducer:
    """Behaves like kafka-python's producer while the broker is down: sends time out, and so
    does ``close``, which flushes first (the very call that used to end the relay)."""

    def send(self, *args, **kwargs):
        raise KafkaTimeoutError("Failed to update metadata after 3.0 secs.")

    def flush(self, timeout=None):
        raise KafkaTimeoutError(f"Timeout after waiting for {timeout} secs.")

    def close(self, timeout=None):
        self.flush(timeout)


async def _published(engine, event_id) -> bool:
    async with engine.connect() as conn:
        return (
            await conn.execute(
                sa.select(TABLES.outbox.c.published_at.is_not(None)).where(
                    TABLES.outbox.c.event_id == event_id
                )
            )
        ).scalar_one()


async def test_relay_survives_a_producer_whose_close_raises_and_publishes_after(
    kernel_engine, kernel_uow, kernel_settings
):
    made = 0

    def factory():
        nonlocal made
        made += 1
        return BrokerAwayProducer() if made <= 2 else make_producer(kernel_settings)

    relay = OutboxRelay(kernel_engine, kernel_settings, schema="kernel_test", producer_factory=factory)
    uow = kernel_uow()
    async with uow:
        envelope = uow.publish(ProbeCreated(widget_id=f"relay-{uuid.uuid4().hex}"))
        await uow.commit()
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))
    try:
        await eventually(
            lambda: _published(kernel_engine, envelope.event_id), timeout=30, message="published"
        )
        assert made >= 3 and relay.failures >= 2
        assert relay.running and not task.done()
        assert "KafkaTimeoutError" in relay.last_error
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=15)
    assert not relay.running


async def test_relay_opens_listen_again_when_postgres_drops_it(kernel_engine, kernel_uow, kernel_settings):
    relay = OutboxRelay(kernel_engine, kernel_settings, schema="kernel_test")
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))
    try:
        await eventually(lambda: relay.listening, message="relay listening")
        old_pid = relay._listener.get_server_pid()
        async with kernel_engine.connect() as conn:
            assert (await conn.execute(sa.select(sa.func.pg_terminate_backend(old_pid)))).scalar_one()
        await eventually(
            lambda: relay.listening and relay._listener.get_server_pid() != old_pid,
            timeout=20,
            message="LISTEN re-opened on a new connection",
        )
        uow = kernel_uow()
        async with uow:
            envelope = uow.publish(ProbeCreated(widget_id=f"relisten-{uuid.uuid4().hex}"))
            await uow.commit()
        await eventually(lambda: _published(kernel_engine, envelope.event_id), message="published after")
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=15)


# --- the consumer ----------------------------------------------------------------------------


@pytest.fixture
async def flaky_runner(kernel_settings, kernel_uow):
    """A consumer whose handler fails like a database outage while ``outage`` is set."""
    settings = probe_settings(kernel_settings)
    outage = asyncio.Event()
    seen_retrying: list[float] = []

    async def handler(uow, event, envelope) -> None:
        widget_id = event["widget_id"]
        if widget_id.startswith("permanent"):
            raise PermanentError("schema version 99 is not understood")
        if outage.is_set():
            if runner.stats.retrying_since is not None:
                seen_retrying.append(runner.stats.retrying_since)
            raise ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 55432)")
        async with uow:
            await uow.session.execute(sa.insert(WIDGETS).values(id=widget_id, effects=1))
            await uow.commit()

    runner = ConsumerRunner(settings, kernel_uow, {PROBE_TOPIC: handler}, retry_backoff_seconds=0.01)
    runner.outage, runner.seen_retrying = outage, seen_retrying
    stop = asyncio.Event()
    task = asyncio.create_task(runner.run(stop))
    producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all")
    runner.send = lambda value: producer.send(settings.topic(PROBE_TOPIC), key=b"k", value=value).get(10)
    yield runner
    stop.set()
    await task
    producer.close()


async def test_transient_failures_are_retried_past_the_attempt_limit_and_never_dead_lettered(
    flaky_runner, kernel_engine
):
    runner = flaky_runner
    dlq = await asyncio.to_thread(TopicReader, runner.settings, PROBE_TOPIC + ".dlq")
    try:
        widget_id = uuid.uuid4().hex
        runner.outage.set()
        await asyncio.to_thread(runner.send, envelope_bytes(widget_id))
        limit = runner.settings.consumer_max_attempts
        await eventually(
            lambda: runner.stats.transient_failures > 3 * limit, timeout=30, message="retried past the limit"
        )
        assert runner.stats.retrying_since is not None, "readiness must see the consumer retrying"
        assert runner.seen_retrying, "retrying_since was set while the outage lasted"
        assert await effects(kernel_engine, widget_id) is None
        runner.outage.clear()
        await eventually(lambda: effects(kernel_engine, widget_id), timeout=30, message="applied after")
        await eventually(lambda: runner.stats.retrying_since is None, message="recovered")
        assert await effects(kernel_engine, widget_id) == 1
        assert runner.stats.dead_lettered == 0 and runner.stats.failures == 0
        await asyncio.to_thread(dlq.poll)
        assert dlq.messages == []
    finally:
        dlq.close()


async def test_a_permanent_error_goes_to_the_dlq_on_the_first_attempt(flaky_runner, kernel_engine):
    runner = flaky_runner
    dlq = await asyncio.to_thread(TopicReader, runner.settings, PROBE_TOPIC + ".dlq")
    try:
        await asyncio.to_thread(runner.send, envelope_bytes("permanent-" + uuid.uuid4().hex))
        good = uuid.uuid4().hex
        await asyncio.to_thread(runner.send, envelope_bytes(good))
        await dlq.wait_for(lambda e: e.get("payload", {}).get("widget_id", "").startswith("permanent"))
        assert dict(dlq.messages[-1].headers)["dlq.attempts"] == b"1"
        await eventually(lambda: effects(kernel_engine, good), message="the next event is handled")
    finally:
        dlq.close()


# --- HTTP and /ready -------------------------------------------------------------------------

routes = APIRouter()


@routes.get("/echo", openapi_extra={"x-public": True})
async def echo(text: str, conn: ReadConnDep) -> dict:
    return {"text": await conn.scalar(sa.select(sa.cast(sa.literal(text), sa.Text)))}


@routes.post("/publish", openapi_extra={"x-public": True})
async def publish() -> dict:
    raise KafkaTimeoutError("Failed to update metadata after 3.0 secs.")


@routes.get("/bug", openapi_extra={"x-public": True})
async def bug() -> dict:
    raise RuntimeError("a plain bug")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_database_unreachable_is_503_with_retry_after_never_500(kernel_settings):
    settings = kernel_settings.model_copy(update={"run_background": False, "pg_port": _closed_port()})
    app = create_app(
        ServiceSpec(name="kernel_test", title="echo", public_routers=[routes]), settings=settings
    )
    async with running_app(app) as client:
        response = await client.get("/api/v1/kernel_test/echo", params={"text": "hola"})
        assert response.status_code == 503, response.text
        assert response.headers["content-type"] == PROBLEM
        assert int(response.headers["retry-after"]) > 0
        body = response.json()
        assert body["type"].endswith("/service-unavailable") and body["dependency"] == "database"
        assert "127.0.0.1" not in response.text, "no connection details leak to the client"

        spanish = await client.get(
            "/api/v1/kernel_test/echo", params={"text": "x"}, headers={"Accept-Language": "es"}
        )
        assert spanish.status_code == 503 and "base de datos" in spanish.json()["detail"]

        broker = await client.post("/api/v1/kernel_test/publish")
        assert broker.status_code == 503 and broker.json()["dependency"] == "message broker"
        assert "retry-after" in broker.headers

        ready = await client.get("/ready")
        assert ready.status_code == 503 and ready.json()["status"] == "degraded"
        assert ready.json()["database"].startswith("unavailable")


async def test_a_bug_is_still_a_500(kernel_settings):
    settings = kernel_settings.model_copy(update={"run_background": False})
    app = create_app(ServiceSpec(name="kernel_test", title="bug", public_routers=[routes]), settings=settings)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get("/api/v1/kernel_test/bug")
    assert response.status_code == 500 and response.json()["type"].endswith("/internal-error")
    assert "retry-after" not in response.headers


async def test_ready_degrades_with_the_age_of_the_oldest_unpublished_event(kernel_settings, kernel_engine):
    # Other kernel tests may leave younger unpublished rows: a threshold and a row far older than
    # any of them keep this test about its own row, in any order.
    year = 365 * 24 * 3600
    settings = kernel_settings.model_copy(
        update={"run_background": False, "outbox_max_age_seconds": 5 * year}
    )
    app = create_app(ServiceSpec(name="kernel_test", title="ready"), settings=settings)
    event_id = uuid.uuid4()
    stuck_problem = f"outbox: an unpublished event is older than {5 * year:g} s"
    async with running_app(app) as client:
        before = (await client.get("/ready")).json()
        assert stuck_problem not in before.get("problems", [])
        async with kernel_engine.begin() as conn:
            await conn.execute(
                sa.insert(TABLES.outbox).values(
                    event_id=event_id,
                    topic="kernel.stuck",
                    key="k",
                    envelope={},
                    created_at=sa.func.now() - sa.text("interval '10 years'"),
                )
            )
        try:
            response = await client.get("/ready")
            assert response.status_code == 503
            report = response.json()
            assert report["status"] == "degraded" and report["outbox_backlog"] >= 1
            assert report["outbox_oldest_age_seconds"] >= 9 * year
            assert stuck_problem in report["problems"]
            metrics = (await client.get("/metrics")).text
            age_line = next(
                line for line in metrics.splitlines() if line.startswith("eco_outbox_oldest_age_seconds{")
            )
            assert float(age_line.rsplit(" ", 1)[1]) >= 9 * year
        finally:
            async with kernel_engine.begin() as conn:
                await conn.execute(
                    TABLES.outbox.update()
                    .where(TABLES.outbox.c.event_id == event_id)
                    .values(published_at=sa.func.now())
                )
        after = (await client.get("/ready")).json()
        assert stuck_problem not in after.get("problems", [])
        assert after["outbox_oldest_age_seconds"] < 5 * year


async def test_a_failing_background_job_is_restarted_and_shown(kernel_settings):
    runs = 0

    async def flaky_job(app, stop: asyncio.Event) -> None:
        nonlocal runs
        runs += 1
        if runs == 1:
            raise RuntimeError("job crashed")
        await stop.wait()

    spec = ServiceSpec(name="kernel_test", title="jobs", database=False, background_jobs=[flaky_job])
    app = create_app(spec, settings=kernel_settings)
    async with running_app(app) as client:
        await eventually(lambda: runs >= 2, timeout=15, message="job started again")
        report = (await client.get("/ready")).json()
        assert report["tasks"]["flaky_job"] == {
            "running": True,
            "restarts": 1,
            "last_error": "RuntimeError: job crashed",
        }
        metrics = (await client.get("/metrics")).text
        assert 'eco_background_task_restarts_total{service="kernel_test",task="flaky_job"} 1.0' in metrics
        assert 'eco_background_task_up{service="kernel_test",task="flaky_job"} 1.0' in metrics
