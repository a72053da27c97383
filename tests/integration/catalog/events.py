"""Upstream events as the enrollment, training and audit services would publish them."""

from __future__ import annotations

import asyncio
import random
import uuid
from datetime import UTC, date, datetime, timedelta

import orjson
import sqlalchemy as sa
from kafka import KafkaProducer

from services.catalog.db.tables import MESSAGING
from shared.certificate_number import certificate_number
from shared.clock import Clock
from shared.events.contracts import audit, enrollment, training
from shared.events.envelope import EventContract, EventEnvelope
from shared.ruc import complete_ruc
from shared.settings import Settings
from tests.support.testing import publish_event

BODY_ID = uuid.UUID("00000000-0000-0000-0000-00000000b0d1")


def lima_today() -> date:
    """Today as the catalog judges dates: in Lima (the UTC date is a day ahead from 19:00)."""
    return Clock().today()


def new_ruc() -> str:
    return complete_ruc("20" + "".join(random.choices("0123456789", k=8)))


def token() -> str:
    """A made-up word no other test uses, to search for."""
    return "zq" + uuid.uuid4().hex[:10]


def registered(ruc: str, legal_name: str, **kw) -> enrollment.CompanyRegistered:
    return enrollment.CompanyRegistered(
        company_id=kw.pop("company_id", uuid.uuid4()),
        ruc=ruc,
        legal_name=legal_name,
        region=kw.pop("region", "Lima"),
        **kw,
    )


def updated(ruc: str, legal_name: str, **kw) -> enrollment.CompanyUpdated:
    return enrollment.CompanyUpdated(
        company_id=kw.pop("company_id", uuid.uuid4()),
        ruc=ruc,
        legal_name=legal_name,
        region=kw.pop("region", "Lima"),
        **kw,
    )


def new_number() -> str:
    """A well-formed number (right check letter) no other test uses."""
    return certificate_number(2026, random.randrange(10**7, 10**9))


def issued(ruc: str, holder_name: str, *, number: str | None = None, **kw) -> audit.CertificateIssued:
    issued_on = kw.pop("issued_on", None) or lima_today()
    return audit.CertificateIssued(
        certificate_id=kw.pop("certificate_id", uuid.uuid4()),
        certificate_number=number or new_number(),
        participant_id=kw.pop("participant_id", uuid.uuid4()),
        ruc=ruc,
        holder_name=holder_name,
        body_id=BODY_ID,
        body_name="Certificadora Andina",
        standard_version="2024",
        issued_on=issued_on,
        expires_on=kw.pop("expires_on", issued_on + timedelta(days=730)),
        **kw,
    )


def suspended(cert: audit.CertificateIssued) -> audit.CertificateSuspended:
    return audit.CertificateSuspended(
        certificate_id=cert.certificate_id,
        certificate_number=cert.certificate_number,
        ruc=cert.ruc,
        reason="no conformidad mayor",
        suspended_at=datetime.now(UTC),
    )


def withdrawn(cert: audit.CertificateIssued) -> audit.CertificateWithdrawn:
    return audit.CertificateWithdrawn(
        certificate_id=cert.certificate_id,
        certificate_number=cert.certificate_number,
        ruc=cert.ruc,
        reason="uso indebido de la marca",
        withdrawn_at=datetime.now(UTC),
    )


def expired(cert: audit.CertificateIssued) -> audit.CertificateExpired:
    return audit.CertificateExpired(
        certificate_id=cert.certificate_id,
        certificate_number=cert.certificate_number,
        ruc=cert.ruc,
        expired_on=cert.expires_on,
    )


def admitted(ruc: str, cohort_id: uuid.UUID, *, at: datetime, **kw) -> enrollment.ParticipantAdmitted:
    return enrollment.ParticipantAdmitted(
        participant_id=kw.pop("participant_id", uuid.uuid4()),
        company_id=uuid.uuid4(),
        ruc=ruc,
        legal_name=kw.pop("legal_name", f"Empresa {ruc}"),
        cohort_id=cohort_id,
        cohort_name=kw.pop("cohort_name", "Cohorte de prueba"),
        admitted_at=at,
        **kw,
    )


def completed(
    ruc: str, participant_id: uuid.UUID, cohort_id: uuid.UUID, *, at: datetime
) -> training.ProgramCompleted:
    return training.ProgramCompleted(
        participant_id=participant_id,
        ruc=ruc,
        cohort_id=cohort_id,
        workshops_attended=list(range(1, 11)),
        completed_at=at,
    )


def revoked(
    ruc: str, participant_id: uuid.UUID, cohort_id: uuid.UUID, *, at: datetime
) -> training.ProgramCompletionRevoked:
    return training.ProgramCompletionRevoked(
        participant_id=participant_id, ruc=ruc, cohort_id=cohort_id, missing_workshops=[7], revoked_at=at
    )


def preaudit_passed(
    ruc: str, participant_id: uuid.UUID, cohort_id: uuid.UUID, *, at: datetime
) -> audit.PreauditPassed:
    return audit.PreauditPassed(
        preaudit_id=uuid.uuid4(),
        participant_id=participant_id,
        ruc=ruc,
        cohort_id=cohort_id,
        standard_version="2024",
        passed_at=at,
    )


async def publish(settings: Settings, *events: EventContract) -> list[EventEnvelope]:
    """Publish in the given order, each as the upstream service's relay would."""
    return [await asyncio.to_thread(publish_event, settings, e) for e in events]


def _send(settings: Settings, envelopes: list[EventEnvelope]) -> None:
    kafka = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all")
    try:
        for env in envelopes:
            kafka.send(
                settings.topic(env.event_type),
                key=env.key.encode(),
                value=orjson.dumps(env.model_dump(mode="json")),
                headers=[("event_type", env.event_type.encode()), ("event_id", str(env.event_id).encode())],
            ).get(timeout=10)
    finally:
        kafka.close()


async def publish_envelopes(settings: Settings, *envelopes: EventEnvelope) -> None:
    """Publish ready-made envelopes (a chosen ``occurred_at``, or the same event id twice)."""
    await asyncio.to_thread(_send, settings, list(envelopes))


async def all_processed(app, *envelopes: EventEnvelope) -> bool:
    """True once the app's consumer has applied every one of ``envelopes`` (its inbox says so)."""
    inbox = MESSAGING.inbox
    ids = [e.event_id for e in envelopes]
    async with app.state.engine.connect() as conn:
        done = await conn.scalar(
            sa.select(sa.func.count()).where(
                inbox.c.consumer_group == app.state.consumer.group, inbox.c.event_id.in_(ids)
            )
        )
    return done == len(set(ids))


def envelope(event: EventContract, *, occurred_at: datetime) -> EventEnvelope:
    return EventEnvelope.wrap(event, producer="test", occurred_at=occurred_at, trace={})


def mark_licence(cert: audit.CertificateIssued, status: str, *, later: int = 0) -> audit.MarkLicenceChange:
    """A mark licence change ``later`` seconds after now (negative: an older change)."""
    contract = {
        "granted": audit.MarkLicenceGranted,
        "suspended": audit.MarkLicenceSuspended,
        "withdrawn": audit.MarkLicenceWithdrawn,
        "expired": audit.MarkLicenceExpired,
    }[status]
    return contract(
        licence_id=uuid.uuid5(cert.certificate_id, "licence"),
        certificate_id=cert.certificate_id,
        certificate_number=cert.certificate_number,
        ruc=cert.ruc,
        status=status,
        valid_until=cert.expires_on,
        reason="prueba",
        changed_at=datetime.now(UTC) + timedelta(seconds=later),
    )
