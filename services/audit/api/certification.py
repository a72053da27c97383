"""Routes: certification audits, requested by the organisation and decided by the body."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from services.audit.api.roles import (
    CertificationAuditReader,
    CertificationDecider,
    CertificationRequester,
    CertificationScheduler,
)
from services.audit.api.schemas import (
    AuditDecision,
    AuditSchedule,
    CertificatePublic,
    CertificationAuditPublic,
    CertificationAuditsPublic,
    CertificationDecisionPublic,
    CertificationRequestCreate,
    PaymentRecord,
    page,
)
from services.audit.domain.filters import CertificationAuditFilter
from services.audit.handlers import certification
from shared.deps import CursorQuery, LimitQuery, ReadDbDep, UowDep
from shared.idempotency import idempotent

router = APIRouter(prefix="/certification-audits", tags=["certification audit"])
AuditPublic = CertificationAuditPublic


@router.post(
    "",
    summary="Request the certification audit (certification-eligible participants only)",
    status_code=201,
    response_model=AuditPublic,
)
async def request_certification_audit(
    body: CertificationRequestCreate, request: Request, uow: UowDep, caller: CertificationRequester
):
    async def action() -> AuditPublic:
        return AuditPublic.model_validate(await certification.request(uow, caller, body))

    return await idempotent(request, uow, action, subject=caller.subject)


@router.get("", summary="List certification audits", response_model=CertificationAuditsPublic)
async def list_certification_audits(
    db: ReadDbDep,
    caller: CertificationAuditReader,
    filters: Annotated[CertificationAuditFilter, Query()],
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> CertificationAuditsPublic:
    rows = await certification.page(db, caller, filters=filters, cursor=cursor, limit=limit)
    return page(CertificationAuditsPublic, rows)


@router.get("/{audit_id}", summary="One certification audit", response_model=AuditPublic)
async def get_certification_audit(
    audit_id: uuid.UUID, db: ReadDbDep, caller: CertificationAuditReader
) -> AuditPublic:
    return AuditPublic.model_validate(await certification.read(db, caller, audit_id=audit_id))


@router.post(
    "/{audit_id}/payment",
    summary="The organisation records its payment to the body",
    response_model=AuditPublic,
)
async def record_certification_payment(
    audit_id: uuid.UUID, body: PaymentRecord, uow: UowDep, caller: CertificationRequester
) -> AuditPublic:
    return AuditPublic.model_validate(await certification.record_payment(uow, caller, audit_id, body))


@router.post(
    "/{audit_id}/schedule",
    summary="The assigned body schedules the audit (it must be authorised on that date)",
    response_model=AuditPublic,
)
async def schedule_certification_audit(
    audit_id: uuid.UUID, body: AuditSchedule, uow: UowDep, caller: CertificationScheduler
) -> AuditPublic:
    return AuditPublic.model_validate(await certification.schedule(uow, caller, audit_id, body))


@router.post(
    "/{audit_id}/decision",
    summary="The assigned body records the result: approved issues the certificate",
    response_model=CertificationDecisionPublic,
)
async def decide_certification_audit(
    audit_id: uuid.UUID, body: AuditDecision, uow: UowDep, caller: CertificationDecider
) -> CertificationDecisionPublic:
    audit, certificate = await certification.decide(uow, caller, audit_id, body)
    return CertificationDecisionPublic(
        audit=AuditPublic.model_validate(audit),
        certificate=CertificatePublic.model_validate(certificate) if certificate is not None else None,
    )


@router.post(
    "/{audit_id}/cancel", summary="Cancel a certification audit not yet decided", response_model=AuditPublic
)
async def cancel_certification_audit(
    audit_id: uuid.UUID, uow: UowDep, caller: CertificationRequester
) -> AuditPublic:
    return AuditPublic.model_validate(await certification.cancel(uow, caller, audit_id))
