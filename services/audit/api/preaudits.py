"""Routes: pre-audits (PROMPERÚ's internal audit) and their results."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from services.audit.api import roles
from services.audit.api.schemas import (
    PreauditCreate,
    PreauditDetailPublic,
    PreauditPublic,
    PreauditsPublic,
    ResultsRecord,
    ResultsRecordedPublic,
)
from services.audit.domain.lifecycles import PreauditStatus
from services.audit.handlers import preaudits
from services.audit.wiring import AuditConfigDep
from shared.auth import Principal
from shared.deps import CursorQuery, LimitQuery, UowDep
from shared.idempotency import idempotent

router = APIRouter(prefix="/preaudits", tags=["pre-audit"])
Auditing = Annotated[Principal, Depends(roles.AUDIT_STAFF)]
Reader = Annotated[Principal, Depends(roles.COMPANY_FILE_READ)]


@router.post("", summary="Schedule a participant's pre-audit", status_code=201, response_model=PreauditPublic)
async def schedule_preaudit(
    body: PreauditCreate, request: Request, uow: UowDep, config: AuditConfigDep, principal: Auditing
):
    async def action():
        row = await preaudits.schedule_preaudit(
            uow,
            principal,
            participant_id=body.participant_id,
            audit_date=body.audit_date,
            version=body.standard_version,
            remediation_days=body.remediation_days or config.remediation_days,
            auditor_name=body.auditor_name,
            required_visits=config.required_assistance_visits,
            override_reason=body.order_override_reason,
        )
        return PreauditPublic.model_validate(row)

    return await idempotent(request, uow, action, subject=principal.subject)


@router.get("", summary="List pre-audits", response_model=PreauditsPublic)
async def list_preaudits(
    uow: UowDep,
    principal: Reader,
    ruc: str | None = None,
    participant_id: uuid.UUID | None = None,
    status: PreauditStatus | None = None,
    auditor: str | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
):
    rows, next_cursor = await preaudits.list_preaudits(
        uow,
        principal,
        ruc=ruc,
        participant_id=participant_id,
        status=status,
        auditor=auditor,
        cursor=cursor,
        limit=limit,
    )
    return PreauditsPublic(data=rows, next_cursor=next_cursor)


@router.get("/{preaudit_id}", summary="A pre-audit with its results", response_model=PreauditDetailPublic)
async def get_preaudit(preaudit_id: uuid.UUID, uow: UowDep, principal: Reader):
    return PreauditDetailPublic.of(await preaudits.get_preaudit(uow, principal, preaudit_id))


@router.post(
    "/{preaudit_id}/start",
    summary="Start the pre-audit (scheduled -> in_progress)",
    response_model=PreauditPublic,
)
async def start_preaudit(preaudit_id: uuid.UUID, uow: UowDep, principal: Auditing):
    return PreauditPublic.model_validate(await preaudits.start_preaudit(uow, principal, preaudit_id))


@router.put(
    "/{preaudit_id}/results",
    summary="Record results in bulk (a whole pre-audit's 112 in one request)",
    description="Conforming, observation, minor or major non-conformity per requirement, with the finding text "
    "(required except for conforming). Recording a requirement again corrects it.",
    response_model=ResultsRecordedPublic,
)
async def record_preaudit_results(
    preaudit_id: uuid.UUID, body: ResultsRecord, uow: UowDep, principal: Auditing
):
    results = [r.model_dump(mode="json") for r in body.results]
    recorded = await preaudits.record_results(uow, principal, preaudit_id, results)
    return ResultsRecordedPublic(preaudit_id=preaudit_id, received=len(results), recorded=recorded)


@router.post(
    "/{preaudit_id}/conclude",
    summary="Conclude: passed only with zero non-conformities, otherwise failed with remediation deadlines",
    response_model=PreauditPublic,
)
async def conclude_preaudit(preaudit_id: uuid.UUID, uow: UowDep, config: AuditConfigDep, principal: Auditing):
    return PreauditPublic.model_validate(
        await preaudits.conclude_preaudit(
            uow, principal, preaudit_id, required_visits=config.required_assistance_visits
        )
    )


@router.post(
    "/{preaudit_id}/cancel", summary="Cancel a pre-audit not yet concluded", response_model=PreauditPublic
)
async def cancel_preaudit(preaudit_id: uuid.UUID, uow: UowDep, principal: Auditing):
    return PreauditPublic.model_validate(await preaudits.cancel_preaudit(uow, principal, preaudit_id))
