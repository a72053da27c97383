"""Rebuild the catalogue's read model from the events: ``python -m services.catalog.rebuild``.

Topics keep every event forever (``shared.events.kafka.TOPIC_CONFIG``), so the read model
is disposable: this command empties it (and the catalog group's inbox rows), reads every
consumed topic from its beginning up to the end offsets taken *after* emptying (an event
the live consumer applied before the truncation is therefore replayed; one it applies
after is deduplicated by the inbox), and feeds each message to the same consumer code and
handlers the service runs. The handlers merge order-independently and take every value
from the events, so the result is identical to the live read model; ``digest`` proves it.

The knowledge hub's tables (resources, success stories, emission factors) are not
event-built and are left alone. The search vocabulary (``search_words``) is derived from the
organisations: the replay's upserts add to it, then it is recomputed from the rebuilt
catalogue (words no organisation uses any more are dropped); it is not in the digest.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import sys
from dataclasses import dataclass, field

import sqlalchemy as sa
from kafka import KafkaConsumer, TopicPartition
from sqlalchemy.ext.asyncio import AsyncEngine

from services.catalog.db.repositories.catalogue import OrganisationRepository
from services.catalog.db.tables import MESSAGING, READ_MODEL, SCHEMA
from services.catalog.events.consume import TOPIC_HANDLERS
from shared.clock import Clock
from shared.db import create_engine, create_sessionmaker, dispose_engine
from shared.events.consumer import ConsumerRunner
from shared.events.errors import PermanentError
from shared.settings import Settings, get_settings
from shared.uow import UnitOfWorkFactory

log = logging.getLogger("eco.catalog.rebuild")
LOCK_KEY = "catalog:rebuild"


@dataclass
class RebuildReport:
    read: int = 0
    applied: int = 0
    duplicates: int = 0
    skipped: list[str] = field(default_factory=list)
    digest: str = ""


async def digest(engine: AsyncEngine) -> str:
    """A canonical hash of every read-model row (tables in fixed order, rows by primary key)."""
    sha = hashlib.sha256()
    async with engine.connect() as conn:
        for table in READ_MODEL:
            rows = await conn.execute(sa.select(table).order_by(*table.primary_key.columns))
            sha.update(table.name.encode())
            for row in rows:
                sha.update(json.dumps([str(v) for v in row], ensure_ascii=False).encode())
    return sha.hexdigest()


def read_history(settings: Settings, topics: list[str]) -> list:
    """Every message of ``topics`` from the beginning to the end offsets taken now (no group)."""
    consumer = KafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap, enable_auto_commit=False, group_id=None
    )
    try:
        partitions = [
            TopicPartition(topic, p)
            for topic in topics
            for p in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        if not partitions:
            return []
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        messages: list = []
        while any(consumer.position(tp) < end for tp, end in ends.items()):
            for tp, records in consumer.poll(timeout_ms=500).items():
                messages.extend(m for m in records if m.offset < ends[tp])
        return messages
    finally:
        consumer.close()


async def _empty_read_model(engine: AsyncEngine, group: str) -> None:
    names = ", ".join(f"{SCHEMA}.{table.name}" for table in READ_MODEL)
    async with engine.begin() as conn:
        await conn.execute(sa.text(f"TRUNCATE {names}"))
        await conn.execute(sa.delete(MESSAGING.inbox).where(MESSAGING.inbox.c.consumer_group == group))


async def rebuild(settings: Settings) -> RebuildReport:
    """Empty the read model and replay every consumed topic through the service's handlers."""
    settings = settings if settings.service == "catalog" else settings.for_service("catalog")
    engine = create_engine(settings)
    report = RebuildReport()
    try:
        async with engine.connect() as lock_conn:
            got = (
                await lock_conn.execute(sa.select(sa.func.pg_try_advisory_lock(sa.func.hashtext(LOCK_KEY))))
            ).scalar()
            await lock_conn.commit()
            if not got:
                raise RuntimeError("another catalogue rebuild is running")
            try:
                await _empty_read_model(engine, settings.consumer_group)
                uow_factory = UnitOfWorkFactory(
                    engine, create_sessionmaker(engine), schema=SCHEMA, producer="catalog", clock=Clock()
                )
                runner = ConsumerRunner(settings, uow_factory, TOPIC_HANDLERS)
                topics = sorted(settings.topic(name) for name in TOPIC_HANDLERS)
                messages = await asyncio.to_thread(read_history, settings, topics)
                messages.sort(key=lambda m: (m.timestamp, m.topic, m.partition, m.offset))
                report.read = len(messages)
                for message in messages:
                    where = f"{message.topic}@{message.partition}:{message.offset}"
                    try:
                        await runner.handle_message(message)
                    except PermanentError as exc:  # the live consumer dead-lettered it too
                        report.skipped.append(f"{where}: {exc}")
                report.applied = runner.stats.processed
                report.duplicates = runner.stats.duplicates
                async with engine.begin() as conn:  # the replay only added words: drop stale ones
                    await OrganisationRepository(conn).recompute_search_words()
            finally:
                await lock_conn.execute(sa.select(sa.func.pg_advisory_unlock(sa.func.hashtext(LOCK_KEY))))
                await lock_conn.commit()
        report.digest = await digest(engine)
    finally:
        await dispose_engine(engine)
    return report


def main() -> int:
    logging.basicConfig(level=logging.WARNING)
    report = asyncio.run(rebuild(get_settings().for_service("catalog")))
    print(
        f"catalogue rebuilt: {report.read} events read, {report.applied} applied, "
        f"{report.duplicates} duplicates, {len(report.skipped)} unusable"
    )
    for line in report.skipped:
        print(f"  skipped {line}")
    print(f"read-model digest: {report.digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
