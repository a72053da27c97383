"""kafka-python clients configured one way for the whole platform.

kafka-python is blocking; the async code calls it through ``asyncio.to_thread`` and never
from two threads at once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import ConfigResource, ConfigResourceType, NewTopic
from kafka.errors import TopicAlreadyExistsError

from shared.events.contracts import all_topics
from shared.settings import Settings

log = logging.getLogger("eco.kafka")


def make_producer(settings: Settings) -> KafkaProducer:
    return KafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap,
        client_id=f"eco-{settings.service}",
        acks="all",
        enable_idempotence=True,
        retries=5,
        linger_ms=2,
        max_block_ms=3000,
        request_timeout_ms=5000,
        key_serializer=str.encode,
    )


def close_quietly(client: Any, timeout: float | None = None) -> None:
    """Close a producer or consumer without ever raising; a producer is discarded if need be.

    ``KafkaProducer.close(t)`` first flushes, and raises ``KafkaTimeoutError`` when records are
    still buffered because the broker is away, leaving its sender thread running. Here the sender
    is then force-closed (its records are abandoned: the outbox rows they came from are still
    unpublished and go out again), so a broken client is let go instead of taking its caller down.
    """
    try:
        if timeout is None:
            client.close()
        else:
            client.close(timeout)
        return
    except Exception as exc:
        log.warning("closing %s raised %s: %s; discarding it", type(client).__name__, type(exc).__name__, exc)
    sender = getattr(client, "_sender", None)
    try:
        if sender is not None and sender.is_alive():
            sender.force_close()
            sender.join(timeout or 1.0)
        client.close(0)
    except Exception as exc:
        log.warning("discarding %s: %s: %s", type(client).__name__, type(exc).__name__, exc)


# The most messages one poll hands over (and one transaction of the consumer applies).
MAX_POLL_RECORDS = 200


def make_consumer(settings: Settings, topics: list[str]) -> KafkaConsumer:
    return KafkaConsumer(
        *topics,
        bootstrap_servers=settings.kafka_bootstrap,
        client_id=f"eco-{settings.service}",
        group_id=settings.consumer_group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_poll_records=MAX_POLL_RECORDS,
        session_timeout_ms=10000,
        heartbeat_interval_ms=3000,
    )


# Events are the platform's record: read models (the catalogue, indicators) are rebuilt
# by replaying topics from the beginning, so nothing may age out.
TOPIC_CONFIG = {"retention.ms": "-1", "retention.bytes": "-1"}


def create_topics(settings: Settings, topics: dict[str, int] | None = None) -> list[str]:
    """Create the platform's topics (namespaced) with unlimited retention; idempotent."""
    wanted = {settings.topic(name): parts for name, parts in (topics or all_topics()).items()}
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap, client_id="eco-admin")
    try:
        existing = set(admin.list_topics())
        missing = [
            NewTopic(name, parts, 1, topic_configs=TOPIC_CONFIG)
            for name, parts in wanted.items()
            if name not in existing
        ]
        if missing:
            try:
                admin.create_topics(missing, timeout_ms=30000)
            except TopicAlreadyExistsError:
                log.info("topics created concurrently by another process")
        older = [name for name in wanted if name in existing]
        if older:
            admin.alter_configs(
                [ConfigResource(ConfigResourceType.TOPIC, name, configs=TOPIC_CONFIG) for name in older]
            )
        return [t.name for t in missing]
    finally:
        admin.close()


# KafkaConsumer.end_offsets / beginning_offsets wait request_timeout_ms (305 s by default) while the
# broker is away, holding a worker thread of the event loop's small default executor (and, in the
# consumer runner, the consumer loop itself) that long: a few of them starved every other
# `asyncio.to_thread` of the process during an outage. kafka-python's fetcher takes the bound
# directly (the `<3` pin in pyproject keeps that API where it is).
OFFSETS_TIMEOUT_MS = 3000


def end_offsets(
    consumer: Any, partitions: Iterable[Any], timeout_ms: int = OFFSETS_TIMEOUT_MS
) -> dict[Any, int]:
    """The end offsets of ``partitions``; raises KafkaTimeoutError after ``timeout_ms``."""
    offsets: dict[Any, int] = consumer._fetcher.end_offsets(list(partitions), timeout_ms)
    return offsets


def beginning_offsets(
    consumer: Any, partitions: Iterable[Any], timeout_ms: int = OFFSETS_TIMEOUT_MS
) -> dict[Any, int]:
    """The beginning offsets of ``partitions``; raises KafkaTimeoutError after ``timeout_ms``."""
    offsets: dict[Any, int] = consumer._fetcher.beginning_offsets(list(partitions), timeout_ms)
    return offsets
