"""The catalogue follows reinstatements and company deletions (real Kafka, real Postgres),
and reports its dead letters in /ready and /metrics from Kafka."""

from __future__ import annotations

import asyncio
import random
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from services.catalog.db.tables import certificates
from shared.auth import Role
from shared.events.contracts import audit, enrollment
from shared.events.dlq import DeadLetterMonitor, DeadLetterStore
from shared.events.envelope import EventEnvelope
from tests.integration.catalog import events as ev
from tests.support.testing import TopicReader, eventually, identity_headers

ORGS = "/api/v1/catalog/organisations"


def reinstated(cert: audit.CertificateIssued, at: datetime) -> audit.CertificateReinstated:
    return audit.CertificateReinstated(
        certificate_id=cert.certificate_id,
        certificate_number=cert.certificate_number,
        ruc=cert.ruc,
        reason="no conformidad cerrada",
        expires_on=cert.expires_on,
        reinstated_at=at,
    )


def suspended(cert: audit.CertificateIssued, at: datetime) -> audit.CertificateSuspended:
    return audit.CertificateSuspended(
        certificate_id=cert.certificate_id,
        certificate_number=cert.certificate_number,
        ruc=cert.ruc,
        reason="no conformidad mayor",
        suspended_at=at,
    )


async def statuses(client, cert: audit.CertificateIssued) -> tuple[str | None, str]:
    page = await client.get(f"{ORGS}/{cert.ruc}")
    verification = await client.get(f"/api/v1/catalog/certificates/{cert.certificate_number}/verification")
    return (
        page.json()["certificate"]["status"] if page.status_code == 200 else None,
        verification.json()["status"],
    )


async def test_a_reinstated_certificate_is_valid_again_in_the_catalogue_and_verification(
    client, catalog_settings
):
    ruc = ev.new_ruc()
    cert = ev.issued(ruc, "Cafe Reinstalado S.A.C.")
    now = datetime.now(UTC)
    await ev.publish(catalog_settings, cert, suspended(cert, now - timedelta(days=10)))
    await eventually(
        lambda: _is(client, cert, ("suspended", "suspended")),
        message="suspended in catalogue and verification",
    )
    await ev.publish(catalog_settings, reinstated(cert, now - timedelta(days=5)))
    await eventually(
        lambda: _is(client, cert, ("valid", "valid")), message="valid again after the reinstatement"
    )

    # Suspended again later: the latest suspension is after the latest reinstatement.
    await ev.publish(catalog_settings, suspended(cert, now - timedelta(days=1)))
    await eventually(lambda: _is(client, cert, ("suspended", "suspended")), message="suspended again")


async def test_a_reinstatement_read_before_its_suspension_still_ends_valid(
    client, catalog_app, catalog_settings
):
    ruc = ev.new_ruc()
    cert = ev.issued(ruc, "Orden Inverso E.I.R.L.")
    now = datetime.now(UTC)
    await ev.publish(catalog_settings, reinstated(cert, now - timedelta(days=2)), cert)
    await eventually(lambda: _is(client, cert, ("valid", "valid")), message="valid")
    await ev.publish(
        catalog_settings, suspended(cert, now - timedelta(days=3))
    )  # older than the reinstatement
    await eventually(lambda: _suspension_recorded(catalog_app, cert), message="late suspension applied")
    assert await statuses(client, cert) == ("valid", "valid")


async def _suspension_recorded(app, cert) -> bool:
    async with app.state.engine.connect() as conn:
        return bool(
            await conn.scalar(
                sa.select(certificates.c.suspended_at).where(
                    certificates.c.certificate_id == cert.certificate_id
                )
            )
        )


async def _is(client, cert, expected: tuple[str, str]) -> bool:
    return await statuses(client, cert) == expected


def _month() -> datetime:
    """A month no other test registers companies in (1980-2009), at its 10th, 15:00 UTC."""
    return datetime(random.randint(1980, 2009), random.randint(1, 12), 10, 15, tzinfo=UTC)


async def _new_registrations(client, headers, day: datetime) -> int:
    month_end = (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    response = await client.get(
        "/api/v1/catalog/indicators/timeseries",
        params={"from": day.date().replace(day=1).isoformat(), "to": month_end.date().isoformat()},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    [period] = response.json()["periods"]
    return period["new"]["registered"]


def _deleted(ruc: str, company_id: uuid.UUID, at: datetime) -> enrollment.CompanyDeleted:
    return enrollment.CompanyDeleted(company_id=company_id, ruc=ruc, deleted_at=at)


async def test_a_deleted_company_no_longer_counts_as_registered_until_registered_again(
    client, catalog_settings
):
    officer = identity_headers(catalog_settings, Role.promperu_officer)
    ruc, company_id = ev.new_ruc(), uuid.uuid4()
    first = _month()
    again = first + timedelta(days=62)  # two months later
    registration = ev.envelope(ev.registered(ruc, "Borrada S.A.C.", company_id=company_id), occurred_at=first)
    await ev.publish_envelopes(catalog_settings, registration)
    await eventually(lambda: _counts(client, officer, first, 1), message="registration counted")

    deletion = ev.envelope(
        _deleted(ruc, company_id, first + timedelta(days=3)), occurred_at=first + timedelta(days=3)
    )
    await ev.publish_envelopes(catalog_settings, deletion)
    await eventually(lambda: _counts(client, officer, first, 0), message="deleted company no longer counted")

    # Registered again (a RUC freed by a deletion may come back): counted from then on.
    back = ev.envelope(ev.registered(ruc, "Borrada S.A.C.", company_id=uuid.uuid4()), occurred_at=again)
    await ev.publish_envelopes(catalog_settings, back)
    await eventually(lambda: _counts(client, officer, again, 1), message="re-registration counted")
    assert await _new_registrations(client, officer, first) == 0


async def test_a_deletion_read_before_the_registration_it_undoes_still_wins(
    client, catalog_app, catalog_settings
):
    officer = identity_headers(catalog_settings, Role.promperu_officer)
    ruc, company_id = ev.new_ruc(), uuid.uuid4()
    first = _month()
    deletion = ev.envelope(
        _deleted(ruc, company_id, first + timedelta(days=1)), occurred_at=first + timedelta(days=1)
    )
    registration = ev.envelope(ev.registered(ruc, "Al Reves S.A.", company_id=company_id), occurred_at=first)
    await ev.publish_envelopes(catalog_settings, deletion)
    await ev.publish_envelopes(catalog_settings, registration)
    await eventually(lambda: ev.all_processed(catalog_app, deletion, registration), message="both applied")
    assert await _new_registrations(client, officer, first) == 0


async def _counts(client, headers, day: datetime, expected: int) -> bool:
    return await _new_registrations(client, headers, day) == expected


async def test_ready_and_metrics_report_dead_letters_from_kafka_until_they_are_handled(
    client, catalog_app, catalog_settings
):
    """A v99 event (from a newer producer) is dead-lettered; /ready says degraded (still 200)
    and names the topic; a fresh monitor (a restart) reads the same depth; once discarded,
    /ready is ok again."""
    app = catalog_app
    cert = ev.issued(ev.new_ruc(), "Version Futura S.A.")
    future = EventEnvelope.wrap(
        reinstated(cert, datetime.now(UTC)), producer="audit", occurred_at=datetime.now(UTC), trace={}
    )
    future.schema_version = 99
    dlq = await asyncio.to_thread(TopicReader, catalog_settings, audit.CertificateReinstated.TOPIC + ".dlq")
    try:
        await ev.publish_envelopes(catalog_settings, future)
        await dlq.wait_for(lambda e: e.get("event_id") == str(future.event_id))
    finally:
        dlq.close()

    monitor = await _monitor(app)
    await monitor.refresh(force=True)
    response = await client.get("/ready")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "degraded"
    assert body["dead_letters"]["group"] == catalog_settings.consumer_group
    assert body["dead_letters"]["topics"].get(audit.CertificateReinstated.TOPIC, 0) >= 1
    metrics = (await client.get("/metrics")).text
    assert (
        f'eco_dlq_unhandled{{group="{catalog_settings.consumer_group}",topic="audit.certificate.reinstated"}}'
        in metrics
    )

    restarted = DeadLetterMonitor(catalog_settings, app.state.consumer.handlers)
    try:
        assert await restarted.refresh() == monitor.depth
    finally:
        await restarted.close()

    def discard_all() -> None:
        store = DeadLetterStore(catalog_settings)
        try:
            store.mark_handled(store.letters(group=catalog_settings.consumer_group, include_handled=False))
        finally:
            store.close()

    await asyncio.to_thread(discard_all)
    await monitor.refresh(force=True)
    body = (await client.get("/ready")).json()
    assert body["dead_letters"]["unhandled"] == 0 and body["status"] == "ok", body


async def _monitor(app) -> DeadLetterMonitor:
    from shared.events.dlq import dead_letter_report

    await dead_letter_report(app)
    return app.state.dlq_monitor
