"""Published outbox rows and stored idempotency answers are pruned after their retention;
unpublished rows never are. Runs the services' own background job on the real database."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from services.audit.main import SPEC as AUDIT
from services.catalog.main import SPEC as CATALOG
from services.enrollment.main import SPEC as ENROLLMENT
from services.training.main import SPEC as TRAINING
from shared.events.envelope import EventEnvelope
from shared.events.retention import prune_job, prune_outbox
from tests.integration.kernel.conftest import SCHEMA, TABLES, ProbeCreated
from tests.support.testing import TestClock, eventually

OUTBOX, KEYS = TABLES.outbox, TABLES.idempotency


@pytest.fixture(autouse=True)
async def _cleanup(kernel_engine):
    """The kernel schema's outbox is shared with the relay tests: leave no row behind
    (an unpublished one would be published by their relay, and count in their backlog)."""
    yield
    async with kernel_engine.begin() as conn:
        await conn.execute(sa.delete(OUTBOX).where(OUTBOX.c.key == RETENTION_KEY))
        await conn.execute(sa.delete(KEYS).where(KEYS.c.scope == "retention-test"))


RETENTION_KEY = "retention-test"


async def _outbox_row(engine, *, created_ago: timedelta, published_ago: timedelta | None, now) -> uuid.UUID:
    envelope = EventEnvelope.wrap(
        ProbeCreated(widget_id=f"retention-{uuid.uuid4().hex}"),
        producer="kernel_test",
        occurred_at=now,
        trace={},
    )
    event_id = envelope.event_id
    async with engine.begin() as conn:
        await conn.execute(
            sa.insert(OUTBOX).values(
                event_id=event_id,
                topic="kernel.probe.created",
                key=RETENTION_KEY,
                envelope=envelope.model_dump(mode="json"),
                created_at=now - created_ago,
                published_at=None if published_ago is None else now - published_ago,
            )
        )
    return event_id


async def _present(engine, *event_ids: uuid.UUID) -> set[uuid.UUID]:
    async with engine.connect() as conn:
        rows = await conn.execute(sa.select(OUTBOX.c.event_id).where(OUTBOX.c.event_id.in_(event_ids)))
        return {r.event_id for r in rows}


async def test_only_rows_published_longer_ago_than_the_retention_are_deleted(kernel_engine):
    now = TestClock().now()
    old = await _outbox_row(
        kernel_engine, created_ago=timedelta(days=9), published_ago=timedelta(days=8), now=now
    )
    recent = await _outbox_row(
        kernel_engine, created_ago=timedelta(days=7), published_ago=timedelta(days=6), now=now
    )
    stuck = await _outbox_row(kernel_engine, created_ago=timedelta(days=30), published_ago=None, now=now)

    deleted = await prune_outbox(kernel_engine, SCHEMA, now=now, retention=timedelta(days=7))

    assert deleted >= 1
    assert await _present(kernel_engine, old, recent, stuck) == {recent, stuck}


async def test_the_background_job_prunes_outbox_and_idempotency_keys_with_the_configured_days(
    kernel_engine, kernel_settings
):
    settings = kernel_settings.for_service(
        SCHEMA,
        pg_user=kernel_settings.pg_user,
        pg_password=kernel_settings.pg_password,
        outbox_retention_days=2,
        idempotency_retention_days=1,
        retention_interval_seconds=3600,
    )
    clock = TestClock()
    now = clock.now()
    three_days = await _outbox_row(
        kernel_engine, created_ago=timedelta(days=3), published_ago=timedelta(days=3), now=now
    )
    one_day = await _outbox_row(
        kernel_engine, created_ago=timedelta(days=1), published_ago=timedelta(days=1), now=now
    )
    stale_key, fresh_key = uuid.uuid4().hex, uuid.uuid4().hex
    async with kernel_engine.begin() as conn:
        for key, age in ((stale_key, timedelta(days=2)), (fresh_key, timedelta(hours=1))):
            await conn.execute(
                sa.insert(KEYS).values(
                    scope="retention-test",
                    key=key,
                    fingerprint="f",
                    status_code=201,
                    body={},
                    created_at=now - age,
                )
            )

    app = SimpleNamespace(state=SimpleNamespace(settings=settings, engine=kernel_engine, clock=clock))
    stop = asyncio.Event()
    job = asyncio.create_task(prune_job(app, stop))
    try:
        await eventually(lambda: _gone(kernel_engine, three_days), message="the job's first pass")
    finally:
        stop.set()
        await asyncio.wait_for(job, timeout=10)
    assert await _present(kernel_engine, three_days, one_day) == {one_day}
    async with kernel_engine.connect() as conn:
        keys = set(
            (
                await conn.execute(sa.select(KEYS.c.key).where(KEYS.c.key.in_([stale_key, fresh_key])))
            ).scalars()
        )
    assert keys == {fresh_key}


async def _gone(engine, event_id: uuid.UUID) -> bool:
    return not await _present(engine, event_id)


@pytest.mark.parametrize("spec", [ENROLLMENT, TRAINING, AUDIT, CATALOG], ids=lambda s: s.name)
def test_every_service_runs_the_retention_job(spec):
    assert prune_job in spec.background_jobs


def test_v1_records_before_the_first_v2_of_a_partition_can_be_deleted(kernel_settings, monkeypatch, capsys):
    from kafka import KafkaConsumer, TopicPartition

    from shared import cli
    from shared.events.contracts.enrollment import CommitmentSigned
    from shared.events.envelope import EventEnvelope
    from shared.events.kafka import create_topics
    from tests.support.testing import send_envelope

    settings = kernel_settings.for_service(
        "enrollment", kafka_namespace=f"{kernel_settings.kafka_namespace}{uuid.uuid4().hex[:6]}."
    )
    topic = CommitmentSigned.TOPIC
    create_topics(settings, {topic: 3})
    now = TestClock().now()

    def envelope(version: int) -> EventEnvelope:
        payload = {"participant_id": str(uuid.uuid4()), "ruc": "20100070970", "signed_at": now.isoformat()}
        if version == 1:
            payload |= {"signed_by_name": "Rosa Mamani Flores", "signed_by_dni": "41234567"}
        return EventEnvelope(
            event_type=topic,
            schema_version=version,
            producer="enrollment",
            key="20100070970",
            payload=payload,
        )

    for version in (1, 1, 2, 1):  # the last v1: an old outbox row published late; it stays
        send_envelope(settings, envelope(version))
    monkeypatch.setenv("ECO_KAFKA_NAMESPACE", settings.kafka_namespace)
    monkeypatch.setenv("ECO_KAFKA_BOOTSTRAP", settings.kafka_bootstrap)
    assert cli.main(["topic-delete-before", topic, "--schema-version", "2"]) == 0
    assert "2 record(s) before offset 2" in capsys.readouterr().out
    assert cli.main(["topic-delete-before", topic, "--schema-version", "2", "--yes"]) == 0

    consumer = KafkaConsumer(bootstrap_servers=settings.kafka_bootstrap, group_id=None)
    try:
        tps = [TopicPartition(settings.topic(topic), p) for p in range(3)]
        starts, ends = consumer.beginning_offsets(tps), consumer.end_offsets(tps)
    finally:
        consumer.close()
    [used] = [tp for tp in tps if ends[tp] == 4]
    assert starts[used] == 2  # the two v1 records before the first v2 are gone
    assert all(starts[tp] == 0 == ends[tp] for tp in tps if tp != used)
