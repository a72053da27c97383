"""Events on the real Kafka: what enrollment publishes, and the certification-eligibility consumer."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from services.enrollment.db.tables import MESSAGING
from shared.db import create_engine, dispose_engine
from shared.events.contracts.audit import PreauditPassed
from shared.events.contracts.training import ProgramCompleted, ProgramCompletionRevoked
from shared.events.envelope import EventEnvelope
from tests.support.testing import TopicReader, eventually, publish_event, send_envelope

ADMITTED = "enrollment.participant.admitted"
ELIGIBLE = "enrollment.participant.certification_eligible"
T0 = datetime(2026, 5, 4, 15, 0, tzinfo=UTC)


@pytest.fixture
async def engine(enrollment_settings):
    engine = create_engine(enrollment_settings)
    yield engine
    await dispose_engine(engine)


async def reader(settings, topic: str) -> TopicReader:
    return await asyncio.to_thread(TopicReader, settings, topic)


def about(participant_id: str):
    return lambda envelope: envelope.get("payload", {}).get("participant_id") == participant_id


async def all_published(engine, topic: str, key: str) -> bool:
    """No outbox row of ``topic`` for ``key`` is still waiting for the relay."""
    async with engine.connect() as conn:
        pending = await conn.scalar(
            sa.select(sa.func.count()).where(
                MESSAGING.outbox.c.topic == topic,
                MESSAGING.outbox.c.key == key,
                MESSAGING.outbox.c.published_at.is_(None),
            )
        )
    return pending == 0


async def consumed(engine, event_ids: list[uuid.UUID]) -> bool:
    async with engine.connect() as conn:
        done = await conn.scalar(sa.select(sa.func.count()).where(MESSAGING.inbox.c.event_id.in_(event_ids)))
    return done == len(event_ids)


async def count_after_settling(
    topic_reader: TopicReader, engine, topic: str, key: str, participant_id: str
) -> int:
    await eventually(lambda: all_published(engine, topic, key), timeout=30, message="outbox drained")
    await asyncio.to_thread(topic_reader.drain)
    return len([e for e in topic_reader.envelopes() if about(participant_id)(e)])


async def test_company_registration_publishes_its_snapshot(api, enrollment_settings):
    registered_reader = await reader(enrollment_settings, "enrollment.company.registered")
    try:
        company = await api.register(products=["aceite de sacha inchi", "snacks"], region="San Martín")
        [envelope] = await registered_reader.wait_for(
            lambda e: e["payload"].get("ruc") == company["ruc"], timeout=60
        )
    finally:
        registered_reader.close()
    assert envelope["key"] == company["ruc"] and envelope["producer"] == "enrollment"
    assert envelope["payload"] == {
        "company_id": company["id"],
        "ruc": company["ruc"],
        "legal_name": company["legal_name"],
        "trade_name": "Ecoexport",
        "region": "San Martín",
        "ciiu_code": "1079",
        "size_class": "pequena",
        "women_led": True,
        "website": company["website"],
        "products": ["aceite de sacha inchi", "snacks"],
        "founded_on": "2015-03-10",
    }


async def test_admitting_publishes_exactly_one_admitted_event_with_the_monitor(
    api, enrollment_settings, engine
):
    await api.monitor()
    app = await api.eligible_application()
    admitted_reader = await reader(enrollment_settings, ADMITTED)
    try:
        admitted = await api.ok("POST", f"/applications/{app['id']}/admit", api.officer)
        [envelope] = await admitted_reader.wait_for(about(app["id"]), timeout=60)
        ruc = app["company"]["ruc"]
        assert await count_after_settling(admitted_reader, engine, ADMITTED, ruc, app["id"]) == 1
    finally:
        admitted_reader.close()
    payload = envelope["payload"]
    assert payload["company_id"] == app["company"]["id"] and payload["cohort_id"] == app["cohort"]["id"]
    assert payload["cohort_name"] == app["cohort"]["name"] and payload["region"] == "La Libertad"
    monitor = await api.ok("GET", f"/monitors/{admitted['monitor']['id']}", api.officer)
    assert payload["monitor"] == {
        "monitor_id": admitted["monitor"]["id"],
        "name": admitted["monitor"]["name"],
        "email": admitted["monitor"]["email"],
        "user_subject": monitor["user_subject"],
    }
    again = await api.call("POST", f"/applications/{app['id']}/admit", api.officer)
    assert again.status_code == 409


async def test_withdrawing_a_participant_publishes_it(api, enrollment_settings):
    await api.monitor()
    app = await api.participant()
    withdrawn_reader = await reader(enrollment_settings, "enrollment.participant.withdrawn")
    try:
        await api.ok(
            "POST",
            f"/applications/{app['id']}/withdraw",
            api.company(app["company"]["ruc"]),
            json={"reason": "merger"},
        )
        [envelope] = await withdrawn_reader.wait_for(about(app["id"]), timeout=60)
    finally:
        withdrawn_reader.close()
    assert envelope["payload"]["reason"] == "merger"


def completed(app: dict, at: datetime) -> ProgramCompleted:
    return ProgramCompleted(
        participant_id=app["id"],
        company_id=app["company"]["id"],
        ruc=app["company"]["ruc"],
        cohort_id=app["cohort"]["id"],
        workshops_attended=list(range(11)),
        completed_at=at,
    )


def passed(app: dict, at: datetime) -> PreauditPassed:
    return PreauditPassed(
        preaudit_id=uuid.uuid4(),
        participant_id=app["id"],
        ruc=app["company"]["ruc"],
        cohort_id=app["cohort"]["id"],
        standard_version="BPE-2024",
        passed_at=at,
    )


async def _publish(settings, event) -> EventEnvelope:
    return await asyncio.to_thread(publish_event, settings, event)


@pytest.mark.parametrize("order", ["training_first", "preaudit_first"])
async def test_both_upstream_events_in_either_order_make_it_eligible_exactly_once(
    api, enrollment_settings, engine, order
):
    await api.monitor()
    app = await api.participant()
    eligible_reader = await reader(enrollment_settings, ELIGIBLE)
    try:
        training, preaudit = completed(app, T0), passed(app, T0 + timedelta(days=30))
        first, second = (training, preaudit) if order == "training_first" else (preaudit, training)
        sent = [await _publish(enrollment_settings, first)]
        await eventually(
            lambda: consumed(engine, [e.event_id for e in sent]), timeout=60, message="first consumed"
        )
        view = await api.ok("GET", f"/applications/{app['id']}", api.officer)
        assert view["certification"]["eligible_at"] is None
        sent.append(await _publish(enrollment_settings, second))
        sent.append(await _publish(enrollment_settings, second))  # the same fact published twice
        await asyncio.to_thread(send_envelope, enrollment_settings, sent[0])  # and a plain redelivery
        [envelope] = await eligible_reader.wait_for(about(app["id"]), timeout=60)
        await eventually(
            lambda: consumed(engine, [e.event_id for e in sent]), timeout=60, message="all consumed"
        )
        count = await count_after_settling(
            eligible_reader, engine, ELIGIBLE, app["company"]["ruc"], app["id"]
        )
    finally:
        eligible_reader.close()
    assert count == 1
    payload = envelope["payload"]
    assert payload["training_completed_at"].startswith("2026-05-04T15:00")
    assert payload["preaudit_passed_at"].startswith("2026-06-03T15:00")
    assert payload["legal_name"] == app["company"]["legal_name"]
    view = await api.ok(
        "GET",
        "/applications",
        api.officer,
        params={"certification_eligible": True, "ruc": app["company"]["ruc"]},
    )
    assert [a["id"] for a in view["data"]] == [app["id"]]


async def test_a_completion_revoked_before_eligibility_no_longer_counts(api, enrollment_settings, engine):
    await api.monitor()
    app = await api.participant()
    revoked = ProgramCompletionRevoked(
        participant_id=app["id"],
        ruc=app["company"]["ruc"],
        cohort_id=app["cohort"]["id"],
        missing_workshops=[7],
        revoked_at=T0 + timedelta(days=1),
    )
    sent = [
        await _publish(enrollment_settings, completed(app, T0)),
        await _publish(enrollment_settings, revoked),
    ]
    await eventually(
        lambda: consumed(engine, [e.event_id for e in sent]), timeout=60, message="training consumed"
    )
    eligible_reader = await reader(enrollment_settings, ELIGIBLE)
    try:
        sent.append(await _publish(enrollment_settings, passed(app, T0 + timedelta(days=2))))
        await eventually(
            lambda: consumed(engine, [e.event_id for e in sent]), timeout=60, message="pre-audit consumed"
        )
        view = await api.ok("GET", f"/applications/{app['id']}", api.officer)
        assert view["certification"]["eligible_at"] is None
        assert view["certification"]["training_revoked_at"] is not None
        await _publish(enrollment_settings, completed(app, T0 + timedelta(days=5)))
        [envelope] = await eligible_reader.wait_for(about(app["id"]), timeout=60)
    finally:
        eligible_reader.close()
    assert envelope["payload"]["training_completed_at"].startswith("2026-05-09")


async def test_events_about_unknown_participants_are_ignored_not_dead_lettered(
    api, enrollment_settings, engine
):
    ghost = {
        "id": str(uuid.uuid4()),
        "company": {"id": str(uuid.uuid4()), "ruc": "20100070970"},
        "cohort": {"id": str(uuid.uuid4())},
    }
    envelope = await _publish(enrollment_settings, completed(ghost, T0))
    await eventually(lambda: consumed(engine, [envelope.event_id]), timeout=60, message="ghost consumed")


async def test_submission_update_and_signature_are_published(api, enrollment_settings):
    readers = {
        topic: await reader(enrollment_settings, topic)
        for topic in (
            "enrollment.application.submitted",
            "enrollment.company.updated",
            "enrollment.commitment.signed",
        )
    }
    try:
        await api.monitor()
        app = await api.participant()
        ruc = app["company"]["ruc"]
        await api.ok("PATCH", f"/companies/{ruc}", api.company(ruc), json={"products": ["cacao nibs"]})
        await api.ok("POST", f"/applications/{app['id']}/commitment-letter", api.officer)
        body = {"name": "Rosa Mamani Flores", "dni": "41234567"}
        await api.ok("POST", f"/applications/{app['id']}/commitment/sign", api.company(ruc), json=body)
        [submitted] = await readers["enrollment.application.submitted"].wait_for(
            lambda e: e["payload"].get("application_id") == app["id"], timeout=60
        )
        [updated] = await readers["enrollment.company.updated"].wait_for(
            lambda e: e["payload"].get("ruc") == ruc, timeout=60
        )
        [signed] = await readers["enrollment.commitment.signed"].wait_for(about(app["id"]), timeout=60)
    finally:
        for r in readers.values():
            r.close()
    assert submitted["payload"]["cohort_name"] == app["cohort"]["name"]
    assert updated["payload"]["products"] == ["cacao nibs"]
    # v2 (Ley 29733): identifiers only; the signer's name and DNI stay in enrollment.
    assert signed["schema_version"] == 2 and signed["payload"]["cohort_id"] == app["cohort"]["id"]
    assert not {"signed_by_name", "signed_by_dni"} & set(signed["payload"])
    assert "41234567" not in str(signed) and "Rosa Mamani" not in str(signed)


async def test_reassigning_the_monitor_publishes_it_with_the_login_subject(api, enrollment_settings):
    await api.monitor()
    app = await api.participant()
    newcomer = await api.monitor(subject=f"login-{uuid.uuid4().hex[:6]}")
    reassigned_reader = await reader(enrollment_settings, "enrollment.participant.monitor_reassigned")
    try:
        await api.ok(
            "PUT",
            f"/applications/{app['id']}/monitor",
            api.officer,
            json={"monitor_id": newcomer["id"], "reason": "Cambio de zona"},
        )
        [envelope] = await reassigned_reader.wait_for(about(app["id"]), timeout=60)
    finally:
        reassigned_reader.close()
    payload = envelope["payload"]
    assert payload["monitor"]["monitor_id"] == newcomer["id"]
    assert payload["monitor"]["user_subject"] == newcomer["user_subject"]
    assert payload["previous_monitor_id"] == app["monitor"]["id"] and payload["reason"] == "Cambio de zona"
