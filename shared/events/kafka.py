"""Kafka clients configured one way for the whole platform.

Producers (the outbox relay, dead letters, the DLQ tool) are librdkafka's, through
confluent-kafka, behind the small ``Producer`` below; consumers and the admin client are
kafka-python's. Measured on this machine kind (issue 15), CPU per message sent: kafka-python's
producer 521 µs alone and 107 µs in batches of ten, librdkafka 79 and 11; its network threads are
C and do not hold the GIL the event loop needs. Errors keep one vocabulary: a delivery that
fails raises kafka-python's exception classes (``shared.errors`` classifies those).

The clients are blocking; the async code calls them through ``asyncio.to_thread``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from typing import Any, Self

import confluent_kafka
from kafka import KafkaAdminClient, KafkaConsumer
from kafka.admin import ConfigResource, ConfigResourceType, NewTopic
from kafka.errors import KafkaError, KafkaTimeoutError, TopicAlreadyExistsError

from shared.events.contracts import all_topics
from shared.settings import Settings

log = logging.getLogger("eco.kafka")

# How long a message may take to be acknowledged (librdkafka retries within it) and how long
# ``send`` waits for room in a full local queue: kafka-python's request and block timeouts were
# 5 s and 3 s. While the broker is away a delivery fails after this, and the caller retries later.
DELIVERY_TIMEOUT_MS = 5000
QUEUE_FULL_WAIT_SECONDS = 3.0

# librdkafka errors that mean "not now" (the broker or the network away, the report not in
# time, the message given up with the producer): raised as KafkaTimeoutError, a transient failure.
_NOT_NOW = {
    confluent_kafka.KafkaError._MSG_TIMED_OUT,
    confluent_kafka.KafkaError._TIMED_OUT,
    confluent_kafka.KafkaError._TRANSPORT,
    confluent_kafka.KafkaError._ALL_BROKERS_DOWN,
    confluent_kafka.KafkaError._PURGE_QUEUE,
    confluent_kafka.KafkaError._PURGE_INFLIGHT,
}


class DeliveryFailed(KafkaError):  # type: ignore[misc]  # kafka-python ships no types
    """The broker refused a message (librdkafka's error, with whether a retry may succeed)."""

    def __init__(self, error: confluent_kafka.KafkaError) -> None:
        super().__init__(f"{error.name()}: {error.str()}")
        self.retriable = bool(error.retriable())


def kafka_error(error: confluent_kafka.KafkaError) -> KafkaError:
    if error.code() in _NOT_NOW:
        return KafkaTimeoutError(f"{error.name()}: {error.str()}")
    return DeliveryFailed(error)


class Delivery:
    """One message's delivery report, as kafka-python's send future gave it: ``get`` waits for
    it and returns the record's ``topic``, ``partition`` and ``offset``, or raises."""

    __slots__ = ("_producer", "_reported", "error", "offset", "partition", "topic")

    def __init__(self, producer: confluent_kafka.Producer) -> None:
        self._producer = producer
        self._reported = False
        self.error: confluent_kafka.KafkaError | None = None
        self.topic: str | None = None
        self.partition = -1
        self.offset = -1

    def _report(self, error: confluent_kafka.KafkaError | None, message: Any) -> None:
        self.error = error
        if message is not None:
            self.topic, self.partition, self.offset = message.topic(), message.partition(), message.offset()
        self._reported = True

    @property
    def reported(self) -> bool:
        return self._reported

    def get(self, timeout: float | None = None) -> Self:
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._reported:
            left = 0.1 if deadline is None else min(0.1, deadline - time.monotonic())
            if left <= 0:
                raise KafkaTimeoutError(f"no delivery report within {timeout} s")
            self._producer.poll(left)  # delivery reports are served by poll and flush
        if self.error is not None:
            raise kafka_error(self.error)
        return self


class Producer:
    """The platform's producer: idempotent, every write acknowledged by all in-sync replicas,
    records lingering 2 ms to travel in batches; kafka-python's ``send``/``flush``/``close``."""

    def __init__(self, config: dict[str, Any]) -> None:
        self._client = confluent_kafka.Producer(config, logger=logging.getLogger("eco.kafka.librdkafka"))

    def send(
        self,
        topic: str,
        *,
        value: bytes | None = None,
        key: str | bytes | None = None,
        headers: Sequence[tuple[str, bytes]] | None = None,
    ) -> Delivery:
        delivery = Delivery(self._client)
        deadline = time.monotonic() + QUEUE_FULL_WAIT_SECONDS
        while True:
            try:
                self._client.produce(
                    topic, value=value, key=key, headers=list(headers or ()), on_delivery=delivery._report
                )
                break
            except BufferError:  # the local queue is full: wait for deliveries to make room
                if time.monotonic() > deadline:
                    raise KafkaTimeoutError(
                        f"the producer's queue stayed full for {QUEUE_FULL_WAIT_SECONDS} s"
                    ) from None
                self._client.poll(0.05)
            except confluent_kafka.KafkaException as exc:
                raise kafka_error(exc.args[0]) from exc
        self._client.poll(0)  # serve the reports that arrived meanwhile
        return delivery

    def flush(self, timeout: float | None = None) -> None:
        """Wait until every message sent has its report; KafkaTimeoutError if some do not in time."""
        left = self._client.flush(-1 if timeout is None else timeout)
        if left:
            raise KafkaTimeoutError(f"{left} message(s) without a delivery report after {timeout} s")

    def close(self, timeout: float | None = None) -> None:
        """Flush, then let go. Messages still unacknowledged after ``timeout`` are given up (their
        reports fail) and KafkaTimeoutError says so, as kafka-python's ``close`` did."""
        left = self._client.flush(30 if timeout is None else timeout)
        if left:
            self._client.purge()
            self._client.flush(0)
            raise KafkaTimeoutError(f"{left} message(s) given up on close after {timeout} s")


def make_producer(settings: Settings) -> Producer:
    return Producer(
        {
            "bootstrap.servers": settings.kafka_bootstrap,
            "client.id": f"eco-{settings.service}",
            "acks": "all",
            "enable.idempotence": True,
            "linger.ms": 2,
            # A key's partition as Java's (and kafka-python's) default partitioner picks it: the
            # events already on the topics keep their per-key order across the change of client.
            "partitioner": "murmur2_random",
            "message.timeout.ms": DELIVERY_TIMEOUT_MS,
            "request.timeout.ms": DELIVERY_TIMEOUT_MS,
        }
    )


def close_quietly(client: Any, timeout: float | None = None) -> None:
    """Close a producer or consumer without ever raising; a producer is discarded if need be.

    A producer's ``close(t)`` first flushes, and raises ``KafkaTimeoutError`` when records were
    still buffered because the broker is away (``Producer`` gives them up; kafka-python's left its
    sender thread running, which is then force-closed). The outbox rows they came from are still
    unpublished and go out again, so a broken client is let go instead of taking its caller down.
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
