"""Routes: certification audits, requested by the organisation and decided by the body."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from services.audit.api import roles
from services.audit.api.schemas import (
    AuditDecision,
    AuditSchedule,
    CertificatePublic,
    CertificationAuditPublic,
    CertificationAuditsPublic,
    CertificationDecisionPublic,
    CertificationRequestCreate,
    PaymentRecord,
)
from services.audit.domain.lifecycles import CertificationAuditStatus
from services.audit.handlers import certification
from shared.auth import Principal
from shared.deps import CursorQuery, LimitQuery, UowDep
from shared.idempotency import idempotent

router = APIRouter(prefix="/certification-audits", tags=["certification audit"])
CompanyOrOfficer = Annotated[Principal, Depends(roles.COMPANY_OR_OFFICER)]


@router.post(
    "",
    summary="Request the certification audit (certification-eligible participants only)",
    status_code=201,
    response_model=CertificationAuditPublic,
)
async def request_certification_audit(
    body: CertificationRequestCreate, request: Request, uow: UowDep, principal: CompanyOrOfficer
):
    async def action():
        row = await certification.request_certification(
            uow,
            principal,
            participant_id=body.participant_id,
            body_id=body.body_id,
            organisation_pays=body.organisation_pays,
            payment_reference=body.payment_reference,
            fee_pen=body.fee_pen,
        )
        return CertificationAuditPublic.model_validate(row)

    return await idempotent(request, uow, action, subject=principal.subject)


@router.get("", summary="List certification audits", response_model=CertificationAuditsPublic)
async def list_certification_audits(
    uow: UowDep,
    principal: Annotated[Principal, Depends(roles.CERTIFICATION_READ)],
    ruc: str | None = None,
    body_id: uuid.UUID | None = None,
    participant_id: uuid.UUID | None = None,
    status: CertificationAuditStatus | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
):
    rows, next_cursor = await certification.list_audits(
        uow,
        principal,
        ruc=ruc,
        body_id=body_id,
        participant_id=participant_id,
        status=status,
        cursor=cursor,
        limit=limit,
    )
    return CertificationAuditsPublic(data=rows, next_cursor=next_cursor)


@router.get("/{audit_id}", summary="One certification audit", response_model=CertificationAuditPublic)
async def get_certification_audit(
    audit_id: uuid.UUID, uow: UowDep, principal: Annotated[Principal, Depends(roles.CERTIFICATION_READ)]
):
    return CertificationAuditPublic.model_validate(await certification.get_audit(uow, principal, audit_id))


@router.post(
    "/{audit_id}/payment",
    summary="The organisation records its payment to the body",
    response_model=CertificationAuditPublic,
)
async def record_certification_payment(
    audit_id: uuid.UUID, body: PaymentRecord, uow: UowDep, principal: CompanyOrOfficer
):
    row = await certification.record_payment(
        uow,
        principal,
        audit_id,
        payment_reference=body.payment_reference,
        fee_pen=body.fee_pen,
        paid_on=body.paid_on,
    )
    return CertificationAuditPublic.model_validate(row)


@router.post(
    "/{audit_id}/schedule",
    summary="The assigned body schedules the audit (it must be authorised on that date)",
    response_model=CertificationAuditPublic,
)
async def schedule_certification_audit(
    audit_id: uuid.UUID,
    body: AuditSchedule,
    uow: UowDep,
    principal: Annotated[Principal, Depends(roles.BODY_OR_OFFICER)],
):
    row = await certification.schedule_audit(uow, principal, audit_id, audit_date=body.audit_date)
    return CertificationAuditPublic.model_validate(row)


@router.post(
    "/{audit_id}/decision",
    summary="The assigned body records the result: approved issues the certificate",
    response_model=CertificationDecisionPublic,
)
async def decide_certification_audit(
    audit_id: uuid.UUID,
    body: AuditDecision,
    uow: UowDep,
    principal: Annotated[Principal, Depends(roles.BODY)],
):
    audit, certificate = await certification.decide_audit(
        uow, principal, audit_id, approved=body.approved, note=body.note
    )
    return CertificationDecisionPublic(
        audit=CertificationAuditPublic.model_validate(audit),
        certificate=CertificatePublic.model_validate(certificate) if certificate is not None else None,
    )


@router.post(
    "/{audit_id}/cancel",
    summary="Cancel a certification audit not yet decided",
    response_model=CertificationAuditPublic,
)
async def cancel_certification_audit(audit_id: uuid.UUID, uow: UowDep, principal: CompanyOrOfficer):
    return CertificationAuditPublic.model_validate(await certification.cancel_audit(uow, principal, audit_id))
