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
from tests.integration.kernel.conftest import PROBE_TOPIC, TABLES, WIDGETS, ProbeCreated, probe_settings
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
    settings = probe_settings(kernel_settings)
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


@pytest.fixture
async def waiting_runner(kernel_settings, kernel_uow):
    """A runner whose messages are produced before it starts: its first polls find them all
    in the log, so they come in as one poll (the batch path), whatever the machine's speed."""
    settings = probe_settings(kernel_settings)
    consumer = ConsumerRunner(settings, kernel_uow, {PROBE_TOPIC: count_effect}, retry_backoff_seconds=0.01)
    producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all")
    stop = asyncio.Event()
    tasks: list[asyncio.Task] = []

    def produce(values: list[bytes]) -> None:
        for value in values:  # one key: one partition, in this order
            producer.send(settings.topic(PROBE_TOPIC), key=b"k", value=value)
        producer.flush(10)

    def start() -> None:
        tasks.append(asyncio.create_task(consumer.run(stop)))

    consumer.produce, consumer.start = produce, start
    yield consumer
    stop.set()
    for task in tasks:
        await task
    producer.close()


async def inbox_transactions(kernel_engine, group: str) -> tuple[int, int]:
    """(inbox rows, distinct transactions that wrote them): ``processed_at`` is ``now()``, the
    start of the writing transaction."""
    inbox = TABLES.inbox
    async with kernel_engine.connect() as conn:
        rows, transactions = (
            await conn.execute(
                sa.select(sa.func.count(), sa.func.count(sa.distinct(inbox.c.processed_at))).where(
                    inbox.c.consumer_group == group
                )
            )
        ).one()
    return rows, transactions


async def test_a_polls_messages_are_applied_in_one_transaction_each_once(waiting_runner, kernel_engine):
    ids = [uuid.uuid4().hex for _ in range(20)]
    repeated = envelope_bytes(ids[0], uuid.uuid4())
    await asyncio.to_thread(
        waiting_runner.produce, [repeated] + [envelope_bytes(i) for i in ids[1:]] + [repeated]
    )
    waiting_runner.start()
    await eventually(
        lambda: waiting_runner.stats.processed + waiting_runner.stats.duplicates >= 21,
        message="all 21 messages",
    )
    assert (waiting_runner.stats.processed, waiting_runner.stats.duplicates) == (20, 1)
    assert [await effects(kernel_engine, i) for i in ids] == [1] * 20
    rows, transactions = await inbox_transactions(kernel_engine, waiting_runner.group)
    assert rows == 20
    assert transactions < 20, "a poll's messages share one transaction"
    assert waiting_runner.stats.batch_fallbacks == 0


async def test_a_failure_in_a_poll_leaves_nothing_and_each_message_goes_its_own_way(
    waiting_runner, kernel_engine
):
    dlq = await asyncio.to_thread(TopicReader, waiting_runner.settings, PROBE_TOPIC + ".dlq")
    try:
        before, poison, after = uuid.uuid4().hex, POISON + uuid.uuid4().hex, uuid.uuid4().hex
        await asyncio.to_thread(
            waiting_runner.produce, [envelope_bytes(before), envelope_bytes(poison), envelope_bytes(after)]
        )
        waiting_runner.start()
        await dlq.wait_for(lambda e: e.get("payload", {}).get("widget_id") == poison)
        await eventually(lambda: effects(kernel_engine, after), message="the message after the failure")
        # The failed batch kept nothing: each good message had its effect exactly once.
        assert (await effects(kernel_engine, before), await effects(kernel_engine, after)) == (1, 1)
        assert await effects(kernel_engine, poison) is None
        assert waiting_runner.stats.batch_fallbacks >= 1
        # Retried and dead-lettered as if it had come alone.
        assert waiting_runner.stats.failures == waiting_runner.settings.consumer_max_attempts
        assert (
            dict(dlq.messages[-1].headers)["dlq.attempts"]
            == str(waiting_runner.settings.consumer_max_attempts).encode()
        )
    finally:
        dlq.close()


async def test_an_unusable_message_in_a_poll_is_dead_lettered_alone(waiting_runner, kernel_engine):
    dlq = await asyncio.to_thread(TopicReader, waiting_runner.settings, PROBE_TOPIC + ".dlq")
    try:
        good = [uuid.uuid4().hex for _ in range(3)]
        await asyncio.to_thread(
            waiting_runner.produce,
            [envelope_bytes(good[0]), b"{not json", envelope_bytes(good[1]), envelope_bytes(good[2])],
        )
        waiting_runner.start()
        await dlq.wait_for(lambda e: e.get("raw") == b"{not json")
        await eventually(lambda: effects(kernel_engine, good[2]), message="the last good message")
        assert [await effects(kernel_engine, g) for g in good] == [1, 1, 1]
        assert dict(dlq.messages[-1].headers)["dlq.attempts"] == b"1"
        assert waiting_runner.stats.failures == 0
    finally:
        dlq.close()


async def test_claiming_several_events_returns_only_the_new_ones(kernel_uow):
    old, new = uuid.uuid4(), uuid.uuid4()
    async with kernel_uow() as uow:
        assert await uow.claim_inbox("claims", old, "t")
        await uow.commit()
    async with kernel_uow() as uow:
        claimed = await uow.claim_inbox_many("claims", [(old, "t"), (new, "t"), (new, "t")])
        await uow.commit()
    assert claimed == {new}
    async with kernel_uow() as uow:
        assert await uow.claim_inbox_many("claims", []) == set()
        assert await uow.claim_inbox_many("claims", [(new, "t")]) == set()
