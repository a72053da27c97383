"""The participants read model, fed by enrollment's events on real Kafka."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from services.audit.db.tables import MESSAGING
from shared.auth import Role
from shared.events.contracts.enrollment import MonitorReassigned, MonitorRef, ParticipantWithdrawn
from shared.events.envelope import EventEnvelope
from tests.integration.audit.support import API, Company, admit, headers, lima_today, make_eligible
from tests.support.testing import eventually, publish_event, send_envelope


async def test_admission_brings_company_cohort_and_monitor(client, audit_settings):
    company = await admit(client, audit_settings)
    r = await client.get(f"{API}/participants/{company.participant_id}", headers=company.as_company())
    body = r.json()
    assert body["ruc"] == company.ruc and body["legal_name"] == company.legal_name
    assert body["monitor_id"] == str(company.monitor_id) and body["eligible_at"] is None


async def test_the_same_event_delivered_twice_is_applied_once(client, audit_app, audit_settings, engine):
    company = Company(audit_settings)
    envelope = EventEnvelope.wrap(
        company.admitted(), producer="enrollment", occurred_at=datetime.now(UTC), trace={}
    )
    duplicates_before = audit_app.state.consumer.stats.duplicates

    await asyncio.to_thread(send_envelope, audit_settings, envelope, times=2)
    # Same RUC, same partition: once this later event is in, both copies have been handled.
    marker = await admit(client, audit_settings, ruc=company.ruc)
    assert marker.ruc == company.ruc
    async with engine.connect() as conn:
        claimed = (
            await conn.execute(
                sa.select(sa.func.count()).where(MESSAGING.inbox.c.event_id == envelope.event_id)
            )
        ).scalar_one()
    assert claimed == 1
    assert audit_app.state.consumer.stats.duplicates > duplicates_before
    r = await client.get(f"{API}/participants/{company.participant_id}", headers=company.as_company())
    assert r.status_code == 200


async def test_eligibility_before_admission_is_kept_when_admission_arrives(client, audit_settings):
    company = Company(audit_settings)
    await make_eligible(client, audit_settings, company)
    await asyncio.to_thread(publish_event, audit_settings, company.admitted())
    officer = headers(audit_settings, Role.promperu_officer)

    async def monitor_known():
        return (await client.get(f"{API}/participants/{company.participant_id}", headers=officer)).json()[
            "monitor_id"
        ]

    assert await eventually(monitor_known) == str(company.monitor_id)
    body = (await client.get(f"{API}/participants/{company.participant_id}", headers=officer)).json()
    assert body["eligible_at"] is not None


async def test_a_withdrawn_participant_cannot_start_a_preaudit(client, audit_settings):
    company = await admit(client, audit_settings)
    withdrawn = ParticipantWithdrawn(
        participant_id=company.participant_id,
        company_id=company.company_id,
        ruc=company.ruc,
        cohort_id=company.cohort_id,
        reason="cierre de planta",
        withdrawn_at=datetime.now(UTC),
    )
    await asyncio.to_thread(publish_event, audit_settings, withdrawn)
    officer = headers(audit_settings, Role.promperu_officer)

    async def withdrawn_seen():
        return (await client.get(f"{API}/participants/{company.participant_id}", headers=officer)).json()[
            "withdrawn_at"
        ]

    await eventually(withdrawn_seen, message="withdrawal consumed")
    r = await client.post(
        f"{API}/preaudits",
        json={"participant_id": str(company.participant_id), "audit_date": str(lima_today())},
        headers=headers(audit_settings, Role.auditor),
    )
    assert r.status_code == 422 and r.json()["rule"] == "participant_withdrawn"


async def test_company_lists_only_itself_and_cannot_read_another(client, audit_settings):
    mine, theirs = await admit(client, audit_settings), await admit(client, audit_settings)
    r = await client.get(f"{API}/participants", headers=mine.as_company())
    assert {p["ruc"] for p in r.json()["data"]} == {mine.ruc}
    r = await client.get(f"{API}/participants", params={"ruc": theirs.ruc}, headers=mine.as_company())
    assert r.status_code == 404
    r = await client.get(f"{API}/participants/{theirs.participant_id}", headers=mine.as_company())
    assert r.status_code == 404


async def test_listing_pages_with_a_stable_cursor(client, audit_settings):
    company = await admit(client, audit_settings)
    officer = headers(audit_settings, Role.promperu_officer)
    seen: list[str] = []
    cursor = None
    for _ in range(3):
        params = {"limit": 2, "monitor_id": str(company.monitor_id)} | ({"cursor": cursor} if cursor else {})
        page = (await client.get(f"{API}/participants", params=params, headers=officer)).json()
        seen += [p["participant_id"] for p in page["data"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [str(company.participant_id)]
    r = await client.get(f"{API}/participants", params={"cursor": "garbage!"}, headers=officer)
    assert r.status_code == 400


async def test_unknown_participant_is_a_404_problem(client, audit_settings):
    r = await client.get(f"{API}/participants/{uuid.uuid4()}", headers=headers(audit_settings, Role.auditor))
    assert r.status_code == 404 and r.json()["type"].endswith("/not-found")


async def test_a_reassigned_monitor_takes_over_whatever_order_the_events_arrive_in(client, audit_settings):
    """The reassignment may overtake the admission (different topics): the newer one wins."""
    officer = headers(audit_settings, Role.promperu_officer)
    company = Company(audit_settings)
    admitted = company.admitted()
    newcomer = MonitorRef(monitor_id=uuid.uuid4(), name="Monitor Jorge Salas", user_subject="jsalas")
    reassigned = MonitorReassigned(
        participant_id=company.participant_id,
        company_id=company.company_id,
        ruc=company.ruc,
        cohort_id=company.cohort_id,
        monitor=newcomer,
        previous_monitor_id=company.monitor_id,
        reason="Cambio de zona",
        reassigned_at=admitted.admitted_at + timedelta(days=3),
    )
    await asyncio.to_thread(publish_event, audit_settings, reassigned)
    await asyncio.to_thread(publish_event, audit_settings, admitted)

    async def both_applied():
        r = await client.get(f"{API}/participants/{company.participant_id}", headers=officer)
        return r.status_code == 200 and r.json()["legal_name"] == company.legal_name and r.json()

    body = await eventually(both_applied, message="admission and reassignment consumed")
    assert body["monitor_id"] == str(newcomer.monitor_id) and body["monitor_name"] == newcomer.name
    assessment = await client.post(
        f"{API}/self-assessments",
        json={"participant_id": str(company.participant_id)},
        headers=headers(audit_settings, Role.monitor, subject="jsalas"),
    )
    assert assessment.status_code == 201, "the new monitor, known by its login subject, may fill it in"
    former = await client.post(
        f"{API}/self-assessments",
        json={"participant_id": str(company.participant_id)},
        headers=company.as_monitor(),
    )
    assert former.status_code == 404
