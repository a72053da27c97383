"""The consumer runner: effect once per event, poison to the DLQ, and it keeps going."""

from __future__ import annotations

import asyncio
import uuid

import orjson
import pytest
import sqlalchemy as sa
from kafka import KafkaProducer
from sqlalchemy.dialects.postgresql import insert as pg_insert

from shared.events.consumer import ConsumerRunner
from shared.events.envelope import EventEnvelope
from tests.integration.kernel.conftest import PROBE_TOPIC, TABLES, WIDGETS, ProbeCreated
from tests.support.testing import TopicReader, eventually

POISON = "poison"


async def count_effect(uow, event, envelope) -> None:
    """Handler under test: adds one to the widget's effect counter, or fails on purpose."""
    widget_id = event["widget_id"]
    if widget_id.startswith(POISON):
        raise RuntimeError(f"cannot handle {widget_id}")
    stmt = pg_insert(WIDGETS).values(id=widget_id, effects=1)
    stmt = stmt.on_conflict_do_update(index_elements=[WIDGETS.c.id], set_={"effects": WIDGETS.c.effects + 1})
    async with uow:
        await uow.session.execute(stmt)
        await uow.commit()


@pytest.fixture
async def runner(kernel_settings, kernel_uow):
    settings = kernel_settings.for_service(
        "kernel_test",
        pg_user=kernel_settings.pg_user,
        pg_password=kernel_settings.pg_password,
        kafka_namespace=kernel_settings.kafka_namespace + uuid.uuid4().hex[:6] + ".",
    )
    from shared.events.kafka import create_topics

    create_topics(settings, {PROBE_TOPIC: 3, PROBE_TOPIC + ".dlq": 1})
    consumer = ConsumerRunner(settings, kernel_uow, {PROBE_TOPIC: count_effect}, retry_backoff_seconds=0.01)
    stop = asyncio.Event()
    task = asyncio.create_task(consumer.run(stop))
    producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all")
    consumer.send = lambda value, key=b"k": producer.send(
        settings.topic(PROBE_TOPIC), key=key, value=value
    ).get(10)
    yield consumer
    stop.set()
    await task
    producer.close()


def envelope_bytes(widget_id: str, event_id: uuid.UUID | None = None) -> bytes:
    env = EventEnvelope.wrap(ProbeCreated(widget_id=widget_id), producer="test", occurred_at=_now(), trace={})
    if event_id:
        env.event_id = event_id
    return orjson.dumps(env.model_dump(mode="json"))


def _now():
    from datetime import UTC, datetime

    return datetime.now(UTC)


async def effects(kernel_engine, widget_id: str) -> int | None:
    async with kernel_engine.connect() as conn:
        return (await conn.execute(sa.select(WIDGETS.c.effects).where(WIDGETS.c.id == widget_id))).scalar()


async def test_same_event_delivered_twice_has_its_effect_once(runner, kernel_engine):
    widget_id = uuid.uuid4().hex
    payload = envelope_bytes(widget_id, uuid.uuid4())
    await asyncio.to_thread(runner.send, payload)
    await asyncio.to_thread(runner.send, payload)
    await eventually(lambda: runner.stats.processed + runner.stats.duplicates >= 2, message="both deliveries")
    assert runner.stats.duplicates == 1
    assert await effects(kernel_engine, widget_id) == 1
    async with kernel_engine.connect() as conn:
        inbox_rows = (
            await conn.execute(
                sa.select(sa.func.count()).where(TABLES.inbox.c.consumer_group == runner.group)
            )
        ).scalar_one()
    assert inbox_rows == 1


async def test_distinct_events_each_have_their_effect(runner, kernel_engine):
    widget_id = uuid.uuid4().hex
    for _ in range(3):
        await asyncio.to_thread(runner.send, envelope_bytes(widget_id))
    await eventually(lambda: runner.stats.processed >= 3, message="three events processed")
    assert await effects(kernel_engine, widget_id) == 3


async def test_failing_event_goes_to_dlq_after_bounded_retries_and_consumer_keeps_going(
    runner, kernel_engine, kernel_settings
):
    dlq = await asyncio.to_thread(TopicReader, runner.settings, PROBE_TOPIC + ".dlq")
    try:
        poison_id, good_id = POISON + uuid.uuid4().hex, uuid.uuid4().hex
        await asyncio.to_thread(runner.send, envelope_bytes(poison_id))
        await asyncio.to_thread(runner.send, envelope_bytes(good_id))
        await dlq.wait_for(lambda e: e.get("payload", {}).get("widget_id") == poison_id)
        headers = dict(dlq.messages[-1].headers)
        assert headers["dlq.attempts"] == str(runner.settings.consumer_max_attempts).encode()
        assert b"cannot handle" in headers["dlq.error"]
        assert headers["dlq.original_topic"] == runner.settings.topic(PROBE_TOPIC).encode()
        await eventually(lambda: effects(kernel_engine, good_id), message="the next event is handled")
        assert runner.stats.failures == runner.settings.consumer_max_attempts
        assert await effects(kernel_engine, poison_id) is None
    finally:
        dlq.close()


async def test_malformed_message_is_dead_lettered_without_retries(runner, kernel_engine):
    dlq = await asyncio.to_thread(TopicReader, runner.settings, PROBE_TOPIC + ".dlq")
    try:
        await asyncio.to_thread(runner.send, b"{not json")
        good_id = uuid.uuid4().hex
        await asyncio.to_thread(runner.send, envelope_bytes(good_id))
        await dlq.wait_for(lambda e: e.get("raw") == b"{not json")
        assert dict(dlq.messages[-1].headers)["dlq.attempts"] == b"1"
        await eventually(lambda: effects(kernel_engine, good_id), message="the next event is handled")
        assert runner.stats.failures == 0
    finally:
        dlq.close()
