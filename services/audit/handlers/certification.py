"""Certification audit (section III.4): requested, managed and paid for by the organisation,
performed by a third-party body authorised by PROMPERÚ; approval issues the certificate.

requested -> scheduled -> approved | not_approved, and requested/scheduled -> cancelled.
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from services.audit.api.schemas import AuditDecision, AuditSchedule, CertificationRequestCreate, PaymentRecord
from services.audit.db.repositories import (
    BodyRepository,
    CertificateRepository,
    CertificationAuditRepository,
    ParticipantRepository,
    StandardRepository,
)
from services.audit.domain.access import ensure_assigned_body, ensure_can_see_audit, narrow
from services.audit.domain.bodies import ensure_authorised_on
from services.audit.domain.filters import CertificationAuditFilter
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
from shared.deps import ReadDb
from shared.errors import Conflict, RuleViolation
from shared.uow import UnitOfWork

C = CertificationAuditStatus
Locked = tuple[CertificationAuditRepository, sa.Row[Any]]  # the repository, and the audit it locked


async def page(
    db: ReadDb, caller: Principal, *, filters: CertificationAuditFilter, cursor: str | None, limit: int
) -> tuple[list[sa.Row[Any]], str | None]:
    return await CertificationAuditRepository(db).page(
        filters=narrow(caller, filters), cursor=cursor, limit=limit
    )


async def read(db: ReadDb, caller: Principal, *, audit_id: uuid.UUID) -> sa.Row[Any]:
    audit = await CertificationAuditRepository(db).get_or_raise(audit_id=audit_id)
    ensure_can_see_audit(caller, audit)
    return audit


async def request(uow: UnitOfWork, caller: Principal, body: CertificationRequestCreate) -> sa.Row[Any]:
    """Only a certification-eligible participant may ask; a holder of a certificate renews."""
    async with uow:
        participant = await ParticipantRepository(uow.session).get_or_raise(
            participant_id=body.participant_id, for_update=True
        )
        caller.ensure_company(participant.ruc)
        ensure_certification_eligible(participant)
        if not body.organisation_pays:
            raise RuleViolation(
                "organisation_pays",
                "The organisation requests, manages and pays for the certification audit; confirm it pays the body.",
                detail_es="La organización solicita, gestiona y costea la auditoría de certificación; confirme el pago.",
            )
        ensure_authorised_on(
            await BodyRepository(uow.session).get_or_raise(body_id=body.body_id), uow.clock.today()
        )
        repo = CertificationAuditRepository(uow.session)
        open_audit = await repo.get_open(participant_id=body.participant_id)
        if open_audit is not None:
            raise Conflict(
                f"{participant.legal_name} already has a certification audit in progress ({open_audit.status}).",
                detail_es=f"{participant.legal_name} ya tiene una auditoría de certificación en curso.",
                extra={"certification_audit_id": str(open_audit.id)},
            )
        previous = await CertificateRepository(uow.session).latest_for_participant(
            participant_id=body.participant_id
        )
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
            values={
                "id": uuid.uuid4(),
                "participant_id": body.participant_id,
                "ruc": participant.ruc,
                "body_id": body.body_id,
                "kind": "renewal" if renews is not None else "initial",
                "renews_certificate_id": renews.id if renews is not None else None,
                "standard_version": standard.version,
                "status": C.requested,
                "requested_by": caller.subject,
                "requested_at": uow.clock.now(),
                "payment_reference": body.payment_reference,
                "fee_pen": body.fee_pen,
            }
        )
        uow.publish(publish.certification_requested(row))
        await uow.commit()
    return row


async def record_payment(
    uow: UnitOfWork, caller: Principal, audit_id: uuid.UUID, body: PaymentRecord
) -> sa.Row[Any]:
    """The organisation records that it paid the body (the platform only keeps the record)."""
    async with uow:
        repo, audit = await _requested_by(uow, caller, audit_id)
        if audit.status not in OPEN_CERTIFICATION_AUDIT_STATES:
            raise Conflict(
                f"The certification audit is '{audit.status}'; payment is recorded while it is open.",
                detail_es=f"La auditoría de certificación está en '{audit.status}'; el pago se registra mientras "
                "está abierta.",
                extra={"current_state": audit.status},
            )
        row = await repo.update(audit_id=audit_id, values=body.model_dump())
        await uow.commit()
    return row


async def schedule(
    uow: UnitOfWork, caller: Principal, audit_id: uuid.UUID, body: AuditSchedule
) -> sa.Row[Any]:
    async with uow:
        repo, audit = await _assigned(uow, caller, audit_id)
        CERTIFICATION_AUDIT.ensure(audit.status, C.scheduled)
        if body.audit_date < uow.clock.today():
            raise RuleViolation(
                "audit_date_in_past",
                f"An audit is scheduled for today or later, not {body.audit_date}.",
                detail_es=f"La auditoría se programa para hoy o después, no para {body.audit_date}.",
            )
        ensure_authorised_on(
            await BodyRepository(uow.session).get_or_raise(body_id=audit.body_id), body.audit_date
        )
        row = await repo.update(
            audit_id=audit_id, values={"status": C.scheduled, "audit_date": body.audit_date}
        )
        await uow.commit()
    return row


async def decide(
    uow: UnitOfWork, caller: Principal, audit_id: uuid.UUID, body: AuditDecision
) -> tuple[sa.Row[Any], sa.Row[Any] | None]:
    """Record the body's verdict; approval issues the certificate in the same transaction."""
    async with uow:
        repo, audit = await _assigned(uow, caller, audit_id)
        target = CERTIFICATION_AUDIT.ensure(audit.status, C.approved if body.approved else C.not_approved)
        if uow.clock.today() < audit.audit_date:
            raise RuleViolation(
                "audit_not_performed",
                f"The audit is scheduled for {audit.audit_date}; its result is recorded on or after that day.",
                detail_es=f"La auditoría está programada para el {audit.audit_date}; el resultado se registra "
                "desde ese día.",
            )
        certifier = await BodyRepository(uow.session).get_or_raise(body_id=audit.body_id)
        ensure_authorised_on(certifier, audit.audit_date)
        audit = await repo.update(
            audit_id=audit_id,
            values={
                "status": target,
                "decision_note": body.note,
                "decided_by": caller.subject,
                "decided_at": uow.clock.now(),
            },
        )
        certificate = None
        if body.approved:
            participant = await ParticipantRepository(uow.session).get_or_raise(
                participant_id=audit.participant_id
            )
            certificate = await issue_certificate(uow, audit, participant, certifier, caller)
        await uow.commit()
    return audit, certificate


async def cancel(uow: UnitOfWork, caller: Principal, audit_id: uuid.UUID) -> sa.Row[Any]:
    async with uow:
        repo, audit = await _requested_by(uow, caller, audit_id)
        target = CERTIFICATION_AUDIT.ensure(audit.status, C.cancelled)
        row = await repo.update(audit_id=audit_id, values={"status": target})
        await uow.commit()
    return row


async def _requested_by(uow: UnitOfWork, caller: Principal, audit_id: uuid.UUID) -> Locked:
    """The audit, locked, once it is the calling company's own (or the caller is staff)."""
    repo, audit = await _locked(uow, audit_id)
    caller.ensure_company(audit.ruc)
    return repo, audit


async def _assigned(uow: UnitOfWork, caller: Principal, audit_id: uuid.UUID) -> Locked:
    """The audit, locked, once it is assigned to the calling body (or the caller is staff)."""
    repo, audit = await _locked(uow, audit_id)
    ensure_assigned_body(caller, audit.body_id)
    return repo, audit


async def _locked(uow: UnitOfWork, audit_id: uuid.UUID) -> Locked:
    repo = CertificationAuditRepository(uow.session)
    return repo, await repo.get_or_raise(audit_id=audit_id, for_update=True)
