"""The platform's producer (librdkafka behind ``shared.events.kafka.Producer``) against the
real broker: where keys land, what a delivery reports, and how it fails."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from kafka.errors import KafkaTimeoutError
from kafka.partitioner.default import murmur2

from shared.errors import classify_failure
from shared.events.kafka import DELIVERY_TIMEOUT_MS, DeliveryFailed, make_producer
from tests.integration.kernel.conftest import PROBE_TOPIC


def _send_keys(settings, keys):
    producer = make_producer(settings)
    try:
        deliveries = [producer.send(settings.topic(PROBE_TOPIC), key=k, value=b"{}") for k in keys]
        producer.flush(10)
        return [d.get(10) for d in deliveries]
    finally:
        producer.close(5)


async def test_every_key_lands_on_the_partition_java_and_kafka_python_give_it(kernel_settings):
    """The events already on the topics were keyed by kafka-python's (Java's) murmur2
    partitioner: a key must keep its partition, or its events could be read out of order."""
    keys = [f"20{n:09d}" for n in range(200)] + [str(uuid.uuid4()) for _ in range(50)]
    reports = await asyncio.to_thread(_send_keys, kernel_settings, keys)
    expected = [(murmur2(k.encode()) & 0x7FFFFFFF) % 3 for k in keys]
    assert [r.partition for r in reports] == expected
    assert len(set(expected)) == 3  # the check could have failed
    assert all(r.topic == kernel_settings.topic(PROBE_TOPIC) and r.offset >= 0 for r in reports)


def _send_nowhere(settings):
    nowhere = settings.model_copy(update={"kafka_bootstrap": "127.0.0.1:1"})
    producer = make_producer(nowhere)
    delivery = producer.send("anything", key="k", value=b"{}")
    producer.flush(DELIVERY_TIMEOUT_MS / 1000 + 5)  # every message has its report by then
    with pytest.raises(KafkaTimeoutError) as failed:
        delivery.get(1)
    producer.close(0)  # nothing left to give up
    abandoned = make_producer(nowhere)
    dropped = abandoned.send("anything", key="k", value=b"{}")
    with pytest.raises(KafkaTimeoutError) as closed:
        abandoned.close(0.5)
    assert dropped.reported and dropped.error is not None  # given up, not left pending
    return failed.value, closed.value


async def test_a_broker_that_is_not_there_fails_deliveries_as_transient(kernel_settings):
    failed, closed = await asyncio.to_thread(_send_nowhere, kernel_settings)
    assert "timed out" in str(failed).lower()
    assert "given up" in str(closed)
    assert classify_failure(failed) == classify_failure(closed) == "transient"


def _send_too_large(settings):
    producer = make_producer(settings)
    try:
        with pytest.raises(DeliveryFailed) as refused:
            producer.send(settings.topic(PROBE_TOPIC), key="k", value=b"x" * 2_000_000).get(10)
        return refused.value
    finally:
        producer.close(5)


async def test_a_message_the_broker_can_never_take_is_not_transient(kernel_settings):
    refused = await asyncio.to_thread(_send_too_large, kernel_settings)
    assert "MSG_SIZE_TOO_LARGE" in str(refused) and not refused.retriable
    assert classify_failure(refused) != "transient"  # retrying it would never end
