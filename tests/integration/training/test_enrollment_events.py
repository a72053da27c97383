"""Participants come only from enrollment's events, and each event has its effect once."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import orjson
import sqlalchemy as sa
from kafka import KafkaProducer

from services.training.db.tables import participants
from shared.events.contracts.enrollment import ParticipantWithdrawn
from shared.events.contracts.training import ProgramCompletionRevoked
from shared.events.envelope import EventEnvelope
from tests.integration.training.conftest import (
    API,
    admitted_event,
    create_session,
    new_dni,
    outbox_events,
    report,
    upload,
    wait_participants,
)
from tests.support.testing import eventually, publish_event


def deliver_twice(settings, envelope: EventEnvelope) -> None:
    """The same envelope (same event_id) twice, as a redelivery after a lost ack would."""
    producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all")
    try:
        for _ in range(2):
            producer.send(
                settings.topic(envelope.event_type),
                key=envelope.key.encode(),
                value=orjson.dumps(envelope.model_dump(mode="json")),
            ).get(timeout=10)
    finally:
        producer.close()


async def participant_row(app, participant_id):
    async with app.state.engine.connect() as conn:
        return (
            await conn.execute(sa.select(participants).where(participants.c.participant_id == participant_id))
        ).first()


async def test_admission_creates_the_participant_and_the_cohort_with_default_settings(
    client, officer, training_settings
):
    event = admitted_event(uuid.uuid4(), women_led=True)
    await asyncio.to_thread(publish_event, training_settings, event)
    (listed,) = await wait_participants(client, officer, event.cohort_id, 1)
    assert listed["ruc"] == event.ruc and listed["monitor_name"] == "Luis Paredes" and listed["women_led"]
    assert listed["status"] == "admitted" and listed["completion_state"] == "in_progress"
    settings = (await client.get(f"{API}/cohorts/{event.cohort_id}/settings", headers=officer)).json()
    assert settings["mandatory_workshops"] == list(range(1, 11))
    assert settings["min_attendance_share"] == 0.75
    assert settings["cohort_name"] == event.cohort_name


async def test_redelivered_and_repeated_withdrawals_revoke_completion_once(
    client, officer, training_settings, training_app, make_cohort
):
    kit = await make_cohort(1, mandatory=[1])
    company = kit.companies[0]
    session = await create_session(client, officer, kit.cohort_id, 1)
    response = await upload(
        client, officer, session["session_id"], report([("Ana", None, None, 60, new_dni(), company.ruc)])
    )
    assert response.status_code == 200, response.text
    assert (await participant_row(training_app, company.participant_id)).completion_state == "completed"

    withdrawal = ParticipantWithdrawn(
        participant_id=company.participant_id,
        company_id=company.company_id,
        ruc=company.ruc,
        cohort_id=kit.cohort_id,
        reason="Cierre de planta",
        withdrawn_at=datetime.now(UTC),
    )
    envelope = EventEnvelope.wrap(withdrawal, producer="enrollment", occurred_at=datetime.now(UTC), trace={})
    duplicates_before = training_app.state.consumer.stats.duplicates
    await asyncio.to_thread(deliver_twice, training_settings, envelope)
    repeated = await asyncio.to_thread(publish_event, training_settings, withdrawal)  # same fact, new id

    async def all_three_deliveries_handled():
        inbox = training_app.state.uow_factory().tables.inbox
        async with training_app.state.engine.connect() as conn:
            seen = (
                await conn.execute(
                    sa.select(sa.func.count()).where(
                        inbox.c.event_id.in_([envelope.event_id, repeated.event_id])
                    )
                )
            ).scalar_one()
        return seen == 2 and training_app.state.consumer.stats.duplicates > duplicates_before

    await eventually(all_three_deliveries_handled, message="both events handled and the redelivery skipped")
    revoked = await eventually(
        lambda: outbox_events(training_app, ProgramCompletionRevoked.TOPIC, company.participant_id),
        message="revocation",
    )
    assert len(revoked) == 1 and revoked[0]["payload"]["reason"] == "withdrawn"
    row = await participant_row(training_app, company.participant_id)
    assert row.withdrawal_reason == "Cierre de planta" and row.completion_state == "revoked"


async def test_withdrawal_is_final_even_against_a_late_admission(
    client, officer, training_settings, training_app
):
    cohort_id = uuid.uuid4()
    admitted = admitted_event(cohort_id)
    withdrawal = ParticipantWithdrawn(
        participant_id=admitted.participant_id,
        company_id=admitted.company_id,
        ruc=admitted.ruc,
        cohort_id=cohort_id,
        withdrawn_at=datetime.now(UTC),
    )
    # Withdrawal first (training never saw the admission), then the admission arrives late.
    await asyncio.to_thread(publish_event, training_settings, withdrawal)
    await eventually(
        lambda: participant_row(training_app, admitted.participant_id), message="withdrawal stored"
    )
    await asyncio.to_thread(publish_event, training_settings, admitted)
    # A marker with the same RUC shares the late admission's partition, so once it is
    # visible the late admission has been handled too.
    marker = admitted_event(uuid.uuid4(), ruc=admitted.ruc)
    await asyncio.to_thread(publish_event, training_settings, marker)
    await wait_participants(client, officer, marker.cohort_id, 1)
    row = await participant_row(training_app, admitted.participant_id)
    assert row.status == "withdrawn" and row.legal_name is None
    settings = (await client.get(f"{API}/cohorts/{cohort_id}/settings", headers=officer)).json()
    assert settings["cohort_name"] == admitted.cohort_name
