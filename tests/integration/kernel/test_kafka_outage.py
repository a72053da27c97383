"""With Kafka stopped, writes still succeed; the events go out when it is back, none lost.

This stops the real shared broker, so it is ordered last (see tests/conftest.py).
"""

from __future__ import annotations

import asyncio
import subprocess
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from shared.events.relay import OutboxRelay
from tests.integration.kernel.conftest import PROBE_TOPIC, TABLES, ProbeCreated
from tests.support.testing import TopicReader, eventually

KAFKA_SCRIPT = Path(__file__).resolve().parents[3] / "deploy" / "kafka" / "kafka.sh"
EVENTS_DURING_OUTAGE = 20


def _kafka(action: str) -> None:
    subprocess.run(["bash", str(KAFKA_SCRIPT), action], check=True, capture_output=True, timeout=180)


@pytest.mark.kafka_outage
async def test_writes_survive_a_kafka_outage_and_every_event_is_published_after(
    kernel_engine, kernel_uow, kernel_settings
):
    relay = OutboxRelay(kernel_engine, kernel_settings, schema="kernel_test")
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))
    widget_ids = [f"outage-{uuid.uuid4().hex}" for _ in range(EVENTS_DURING_OUTAGE)]
    try:
        await asyncio.to_thread(_kafka, "down")
        for widget_id in widget_ids:
            uow = kernel_uow()
            async with uow:
                uow.publish(ProbeCreated(widget_id=widget_id))
                await uow.commit()

        async def pending() -> int:
            async with kernel_engine.connect() as conn:
                return (
                    await conn.execute(
                        sa.select(sa.func.count()).where(
                            TABLES.outbox.c.envelope["payload"]["widget_id"].astext.in_(widget_ids),
                            TABLES.outbox.c.published_at.is_(None),
                        )
                    )
                ).scalar_one()

        assert await pending() == EVENTS_DURING_OUTAGE, "with Kafka down nothing can have been published"
        await asyncio.to_thread(_kafka, "up")
        await eventually(
            lambda: _is_zero(pending()), timeout=90, message="outbox drained after Kafka returned"
        )
        reader = await asyncio.to_thread(
            lambda: TopicReader(kernel_settings, PROBE_TOPIC, from_beginning=True)
        )
        try:
            wanted = set(widget_ids)
            found = await reader.wait_for(
                lambda e: e.get("payload", {}).get("widget_id") in wanted, count=len(wanted)
            )
            assert {e["payload"]["widget_id"] for e in found} == wanted
        finally:
            reader.close()
    finally:
        stop.set()
        await task
        await asyncio.to_thread(_kafka, "up")


async def _is_zero(value) -> bool:
    return (await value) == 0
