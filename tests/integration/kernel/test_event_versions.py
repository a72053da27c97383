"""A consumer applies v1 (upcast) and v2 of a contract, and dead-letters a version it cannot know."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from shared.events.consumer import ConsumerRunner
from shared.events.contracts.enrollment import CommitmentSigned
from shared.events.envelope import EventEnvelope
from shared.events.kafka import create_topics
from tests.integration.kernel.conftest import WIDGETS
from tests.support.testing import TopicReader, eventually, send_envelope

TOPIC = CommitmentSigned.TOPIC


@pytest.fixture
async def commitments(kernel_settings, kernel_uow, request):
    """A consumer of enrollment.commitment.signed (nobody consumes it in production) in its own
    namespace; the handler records what it was given."""
    settings = kernel_settings.for_service(
        "kernel_test",
        pg_user=kernel_settings.pg_user,
        pg_password=kernel_settings.pg_password,
        kafka_namespace=f"{kernel_settings.kafka_namespace}{uuid.uuid4().hex[:6]}.",
    )
    create_topics(settings, {TOPIC: 3, TOPIC + ".dlq": 1})
    seen: dict[str, CommitmentSigned] = {}

    async def on_signed(uow, event: CommitmentSigned, envelope) -> None:
        seen[str(event.participant_id)] = event
        async with uow:
            await uow.session.execute(
                pg_insert(WIDGETS)
                .values(id=f"signed:{event.participant_id}", effects=1)
                .on_conflict_do_nothing()
            )
            await uow.commit()

    runner = ConsumerRunner(settings, kernel_uow, {TOPIC: on_signed}, retry_backoff_seconds=0.01)
    runner.seen = seen
    stop = asyncio.Event()
    tasks: list[asyncio.Task] = []

    async def start() -> None:
        tasks.append(asyncio.create_task(runner.run(stop)))
        await eventually(runner.assigned.is_set, timeout=60, message="consumer assigned")

    runner.start = start
    if not request.node.get_closest_marker("start_later"):
        await start()
    yield runner
    stop.set()
    for task in tasks:
        await task


def _envelope(version: int, payload: dict) -> EventEnvelope:
    return EventEnvelope(
        event_type=TOPIC,
        schema_version=version,
        occurred_at=datetime.now(UTC),
        producer="enrollment",
        key=payload["ruc"],
        payload=payload,
    )


def _payload(**extra) -> dict:
    return {
        "participant_id": str(uuid.uuid4()),
        "company_id": str(uuid.uuid4()),
        "ruc": "20100070970",
        "cohort_id": str(uuid.uuid4()),
        "signed_at": "2025-03-01T15:00:00+00:00",
        **extra,
    }


def _reader(settings, topic: str) -> TopicReader | None:
    """A reader once the new topic's metadata has reached this client (None until then)."""
    try:
        return TopicReader(settings, topic)
    except AssertionError:
        return None


async def _applied(kernel_engine, participant_id: str) -> bool:
    async with kernel_engine.connect() as conn:
        found = await conn.scalar(
            sa.select(WIDGETS.c.effects).where(WIDGETS.c.id == f"signed:{participant_id}")
        )
    return found == 1


async def test_v1_and_v2_are_applied_and_v99_goes_to_the_dlq_with_the_reason(commitments, kernel_engine):
    settings = commitments.settings
    dlq = await eventually(
        lambda: asyncio.to_thread(_reader, settings, TOPIC + ".dlq"), message="DLQ readable"
    )
    try:
        v1 = _payload(signed_by_name="Rosa Mamani Flores", signed_by_dni="41234567")
        v2 = EventEnvelope.wrap(
            CommitmentSigned.model_validate(_payload()),
            producer="enrollment",
            occurred_at=datetime.now(UTC),
            trace={},
        )
        v99 = _payload(signature_hash="sha256:…")
        assert v2.schema_version == 2
        for envelope in (_envelope(1, v1), v2, _envelope(99, v99)):
            await asyncio.to_thread(send_envelope, settings, envelope)

        await eventually(lambda: _applied(kernel_engine, v1["participant_id"]), message="v1 applied")
        await eventually(lambda: _applied(kernel_engine, v2.payload["participant_id"]), message="v2 applied")
        [dead] = await dlq.wait_for(
            lambda e: e.get("payload", {}).get("participant_id") == v99["participant_id"]
        )
        headers = {k: v.decode() for k, v in dlq.messages[-1].headers}
    finally:
        dlq.close()
    upcast = commitments.seen[v1["participant_id"]]
    assert upcast.ruc == v1["ruc"] and not hasattr(upcast, "signed_by_dni")
    assert dead["schema_version"] == 99
    assert headers["dlq.error_class"] == "UnknownSchemaVersion"
    assert (
        "schema_version 99 is newer than the versions this consumer understands (1, 2)"
        in headers["dlq.error"]
    )
    assert headers["dlq.attempts"] == "1"  # permanent: no retries
    assert not await _applied(kernel_engine, v99["participant_id"])
    assert v99["participant_id"] not in commitments.seen


@pytest.mark.start_later
async def test_an_unknown_version_among_a_polls_messages_goes_to_the_dlq_and_the_others_are_applied(
    commitments, kernel_engine
):
    """Sent before the consumer starts, the three come in one poll: the batch path gives them to
    the one-by-one path, where the unknown version is dead-lettered on its first attempt."""
    settings = commitments.settings
    before = EventEnvelope.wrap(
        CommitmentSigned.model_validate(_payload()),
        producer="enrollment",
        occurred_at=datetime.now(UTC),
        trace={},
    )
    unknown = _envelope(99, _payload())
    after = _envelope(1, _payload(signed_by_name="Rosa Mamani Flores", signed_by_dni="41234567"))
    for envelope in (before, unknown, after):
        await asyncio.to_thread(send_envelope, settings, envelope)
    dlq = await eventually(
        lambda: asyncio.to_thread(_reader, settings, TOPIC + ".dlq"), message="DLQ readable"
    )
    try:
        await commitments.start()
        await eventually(
            lambda: _applied(kernel_engine, after.payload["participant_id"]), message="after applied"
        )
        assert await _applied(kernel_engine, before.payload["participant_id"])
        await dlq.wait_for(
            lambda e: e.get("payload", {}).get("participant_id") == unknown.payload["participant_id"]
        )
        assert {k: v.decode() for k, v in dlq.messages[-1].headers}["dlq.attempts"] == "1"
    finally:
        dlq.close()
    assert not await _applied(kernel_engine, unknown.payload["participant_id"])
