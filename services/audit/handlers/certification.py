"""Certification audit (section III.4): requested, managed and paid for by the organisation,
performed by a third-party body authorised by PROMPERÚ; approval issues the certificate.

requested -> scheduled -> approved | not_approved, and requested/scheduled -> cancelled.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from services.audit.db.repositories import (
    BodyRepository,
    CertificateRepository,
    CertificationAuditRepository,
    ParticipantRepository,
    StandardRepository,
)
from services.audit.domain.access import (
    body_filter,
    company_filter,
    ensure_assigned_body,
    ensure_can_see_audit,
)
from services.audit.domain.bodies import ensure_authorised_on
from services.audit.domain.lifecycles import (
    CERTIFICATION_AUDIT,
    OPEN_CERTIFICATION_AUDIT_STATES,
    RENEWABLE_CERTIFICATE_STATES,
    CertificateStatus,
    CertificationAuditStatus,
)
from services.audit.domain.participation import ensure_certification_eligible
from services.audit.events import publish
from services.audit.handlers.certificates import issue_certificate
from shared.auth import Principal
from shared.errors import Conflict, RuleViolation
from shared.uow import UnitOfWork

C = CertificationAuditStatus


async def request_certification(
    uow: UnitOfWork,
    actor: Principal,
    *,
    participant_id: uuid.UUID,
    body_id: uuid.UUID,
    organisation_pays: bool,
    payment_reference: str | None,
    fee_pen: Decimal | None,
) -> sa.Row:
    """Only a certification-eligible participant may ask; a holder of a certificate renews."""
    async with uow:
        participant = await ParticipantRepository(uow.session).get_or_raise(participant_id, for_update=True)
        actor.ensure_company(participant.ruc)
        ensure_certification_eligible(participant)
        if not organisation_pays:
            raise RuleViolation(
                "organisation_pays",
                "The organisation requests, manages and pays for the certification audit; confirm it pays the body.",
                detail_es="La organización solicita, gestiona y costea la auditoría de certificación; confirme el pago.",
            )
        today = uow.clock.today()
        body = await BodyRepository(uow.session).get_or_raise(body_id)
        ensure_authorised_on(body, today)
        repo = CertificationAuditRepository(uow.session)
        open_audit = await repo.get_open(participant_id)
        if open_audit is not None:
            raise Conflict(
                f"{participant.legal_name} already has a certification audit in progress ({open_audit.status}).",
                detail_es=f"{participant.legal_name} ya tiene una auditoría de certificación en curso.",
                extra={"certification_audit_id": str(open_audit.id)},
            )
        previous = await CertificateRepository(uow.session).latest_for_participant(participant_id)
        if previous is not None and previous.status == CertificateStatus.suspended:
            raise RuleViolation(
                "certificate_suspended",
                f"Certificate {previous.number} is suspended; PROMPERÚ must lift the suspension before a renewal.",
                detail_es=f"El certificado {previous.number} está suspendido; debe levantarse antes de renovar.",
            )
        renews = (
            previous if previous is not None and previous.status in RENEWABLE_CERTIFICATE_STATES else None
        )
        standard = await StandardRepository(uow.session).get_current()
        row = await repo.create(
            id=uuid.uuid4(),
            participant_id=participant_id,
            ruc=participant.ruc,
            body_id=body_id,
            kind="renewal" if renews is not None else "initial",
            renews_certificate_id=renews.id if renews is not None else None,
            standard_version=standard.version,
            status=C.requested,
            requested_by=actor.subject,
            requested_at=uow.clock.now(),
            payment_reference=payment_reference,
            fee_pen=fee_pen,
        )
        uow.publish(publish.certification_requested(row))
        await uow.commit()
    return row


async def record_payment(
    uow: UnitOfWork,
    actor: Principal,
    audit_id: uuid.UUID,
    *,
    payment_reference: str,
    fee_pen: Decimal | None,
    paid_on: date,
) -> sa.Row:
    """The organisation records that it paid the body (the platform only keeps the record)."""
    async with uow:
        repo = CertificationAuditRepository(uow.session)
        audit = await repo.get_or_raise(audit_id, for_update=True)
        actor.ensure_company(audit.ruc)
        if audit.status not in OPEN_CERTIFICATION_AUDIT_STATES:
            raise Conflict(
                f"The certification audit is '{audit.status}'; payment is recorded while it is open.",
                detail_es=f"La auditoría de certificación está en '{audit.status}'; el pago se registra mientras "
                "está abierta.",
                extra={"current_state": audit.status},
            )
        row = await repo.update(
            audit_id, payment_reference=payment_reference, fee_pen=fee_pen, paid_on=paid_on
        )
        await uow.commit()
    return row


async def schedule_audit(
    uow: UnitOfWork, actor: Principal, audit_id: uuid.UUID, *, audit_date: date
) -> sa.Row:
    async with uow:
        repo = CertificationAuditRepository(uow.session)
        audit = await repo.get_or_raise(audit_id, for_update=True)
        ensure_assigned_body(actor, audit.body_id)
        CERTIFICATION_AUDIT.ensure(audit.status, C.scheduled)
        if audit_date < uow.clock.today():
            raise RuleViolation(
                "audit_date_in_past",
                f"An audit is scheduled for today or later, not {audit_date}.",
                detail_es=f"La auditoría se programa para hoy o después, no para {audit_date}.",
            )
        ensure_authorised_on(await BodyRepository(uow.session).get_or_raise(audit.body_id), audit_date)
        row = await repo.update(audit_id, status=C.scheduled, audit_date=audit_date)
        await uow.commit()
    return row


async def decide_audit(
    uow: UnitOfWork, actor: Principal, audit_id: uuid.UUID, *, approved: bool, note: str | None
) -> tuple[sa.Row, sa.Row | None]:
    """Record the body's verdict; approval issues the certificate in the same transaction."""
    async with uow:
        repo = CertificationAuditRepository(uow.session)
        audit = await repo.get_or_raise(audit_id, for_update=True)
        ensure_assigned_body(actor, audit.body_id)
        target = CERTIFICATION_AUDIT.ensure(audit.status, C.approved if approved else C.not_approved)
        if uow.clock.today() < audit.audit_date:
            raise RuleViolation(
                "audit_not_performed",
                f"The audit is scheduled for {audit.audit_date}; its result is recorded on or after that day.",
                detail_es=f"La auditoría está programada para el {audit.audit_date}; el resultado se registra "
                "desde ese día.",
            )
        body = await BodyRepository(uow.session).get_or_raise(audit.body_id)
        ensure_authorised_on(body, audit.audit_date)
        audit = await repo.update(
            audit_id, status=target, decision_note=note, decided_by=actor.subject, decided_at=uow.clock.now()
        )
        certificate = None
        if approved:
            participant = await ParticipantRepository(uow.session).get_or_raise(audit.participant_id)
            certificate = await issue_certificate(uow, audit, participant, body, actor)
        await uow.commit()
    return audit, certificate


async def cancel_audit(uow: UnitOfWork, actor: Principal, audit_id: uuid.UUID) -> sa.Row:
    async with uow:
        repo = CertificationAuditRepository(uow.session)
        audit = await repo.get_or_raise(audit_id, for_update=True)
        actor.ensure_company(audit.ruc)
        row = await repo.update(audit_id, status=CERTIFICATION_AUDIT.ensure(audit.status, C.cancelled))
        await uow.commit()
    return row


async def list_audits(
    uow: UnitOfWork,
    actor: Principal,
    *,
    ruc: str | None,
    body_id: uuid.UUID | None,
    participant_id: uuid.UUID | None,
    status: str | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[sa.Row], str | None]:
    async with uow:
        return await CertificationAuditRepository(uow.session).list(
            ruc=company_filter(actor, ruc),
            body_id=body_filter(actor, body_id),
            participant_id=participant_id,
            status=status,
            cursor=cursor,
            limit=limit,
        )


async def get_audit(uow: UnitOfWork, actor: Principal, audit_id: uuid.UUID) -> sa.Row:
    async with uow:
        audit = await CertificationAuditRepository(uow.session).get_or_raise(audit_id)
    ensure_can_see_audit(actor, audit)
    return audit
