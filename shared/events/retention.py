"""Retention of the messaging tables (docs/data-retention.md).

Published outbox rows are only a record of what left (Kafka holds the events): they are
deleted ``ECO_OUTBOX_RETENTION_DAYS`` (7) after publication; unpublished rows are never
touched. Idempotency keys (which hold a copy of the first response) are deleted
``ECO_IDEMPOTENCY_RETENTION_DAYS`` (7) after they were stored: a client retrying later
than that creates again. The inbox is kept: it holds only ``(group, event_id, topic)``
and is what makes a late redelivery harmless.

Each service runs :func:`prune_job` as a background job (every
``ECO_RETENTION_INTERVAL_SECONDS``, first pass at start-up); deletes go in batches so a
large backlog never holds long locks. ``python -m shared.cli prune-outbox`` runs one pass.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.clock import wait_unless_stopped
from shared.events.tables import messaging_tables
from shared.settings import SERVICES, Settings

log = logging.getLogger("eco.retention")
BATCH = 5000


async def _delete_in_batches(
    engine: AsyncEngine, table: sa.Table, key: sa.Column[Any], where: sa.ColumnElement[bool]
) -> int:
    total = 0
    while True:
        victims = sa.select(*table.primary_key.columns).where(where).limit(BATCH)
        if len(table.primary_key.columns) == 1:
            stmt = sa.delete(table).where(key.in_(victims.scalar_subquery()))
        else:
            stmt = sa.delete(table).where(sa.tuple_(*table.primary_key.columns).in_(victims))
        async with engine.begin() as conn:
            deleted = (await conn.execute(stmt)).rowcount or 0
        total += deleted
        if deleted < BATCH:
            return total


async def prune_outbox(engine: AsyncEngine, schema: str, *, now: datetime, retention: timedelta) -> int:
    """Delete ``schema``'s outbox rows published before ``now - retention``; returns how many."""
    outbox = messaging_tables(schema).outbox
    cutoff = now - retention
    return await _delete_in_batches(
        engine,
        outbox,
        outbox.c.id,
        sa.and_(outbox.c.published_at.is_not(None), outbox.c.published_at < cutoff),
    )


async def prune_idempotency_keys(
    engine: AsyncEngine, schema: str, *, now: datetime, retention: timedelta
) -> int:
    keys = messaging_tables(schema).idempotency
    return await _delete_in_batches(engine, keys, keys.c.key, keys.c.created_at < now - retention)


async def prune(engine: AsyncEngine, settings: Settings, schema: str, *, now: datetime) -> dict[str, int]:
    return {
        "outbox": await prune_outbox(
            engine, schema, now=now, retention=timedelta(days=settings.outbox_retention_days)
        ),
        "idempotency_keys": await prune_idempotency_keys(
            engine, schema, now=now, retention=timedelta(days=settings.idempotency_retention_days)
        ),
    }


async def prune_all(settings: Settings, schemas: list[str] | None = None) -> dict[str, int]:
    """One pass over ``schemas`` (default: every service), each with its own role."""
    from shared.clock import Clock
    from shared.db import create_engine

    out = {}
    for schema in schemas or SERVICES:
        engine = create_engine(settings.for_service(schema))
        try:
            out[schema] = (await prune(engine, settings, schema, now=Clock().now()))["outbox"]
        finally:
            await engine.dispose()
    return out


async def prune_job(app: FastAPI, stop: asyncio.Event) -> None:
    """Background job (``ServiceSpec.background_jobs``): prune now, then every interval."""
    settings: Settings = app.state.settings
    while not stop.is_set():
        try:
            counts = await prune(app.state.engine, settings, settings.schema, now=app.state.clock.now())
            if any(counts.values()):
                log.info("retention pass on %s deleted %s", settings.schema, counts)
        except Exception as exc:  # the database may be away: try again next interval
            log.warning("retention pass on %s failed: %s", settings.schema, type(exc).__name__)
        await wait_unless_stopped(stop, settings.retention_interval_seconds)


def first_offsets_at_version(
    settings: Settings, logical_topic: str, version: int
) -> dict[int, tuple[int, int]]:
    """Per partition of the topic: (log start offset, offset of its first record whose envelope has
    ``schema_version >= version``); partitions without such a record are left out."""
    import orjson
    from kafka import KafkaConsumer, TopicPartition

    topic = settings.topic(logical_topic)
    consumer = KafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap, group_id=None, enable_auto_commit=False
    )
    try:
        tps = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        starts, ends = consumer.beginning_offsets(tps), consumer.end_offsets(tps)
        found: dict[int, tuple[int, int]] = {}
        for tp in tps:
            if starts[tp] >= ends[tp]:
                continue
            consumer.assign([tp])
            consumer.seek(tp, starts[tp])
            while tp.partition not in found and consumer.position(tp) < ends[tp]:
                for records in consumer.poll(timeout_ms=500).values():
                    for record in records:
                        try:
                            written = orjson.loads(record.value).get("schema_version", 0)
                        except (orjson.JSONDecodeError, AttributeError):
                            continue
                        if isinstance(written, int) and written >= version:
                            found[tp.partition] = (starts[tp], record.offset)
                            break
                    if tp.partition in found:
                        break
        return found
    finally:
        consumer.close()


def delete_records_before(settings: Settings, logical_topic: str, offsets: dict[int, int]) -> None:
    """Kafka DeleteRecords: drop every record of ``partition`` below ``offset``."""
    from kafka import KafkaAdminClient, TopicPartition

    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap, client_id="eco-retention")
    try:
        topic = settings.topic(logical_topic)
        admin.delete_records({TopicPartition(topic, p): o for p, o in offsets.items()})
    finally:
        admin.close()
