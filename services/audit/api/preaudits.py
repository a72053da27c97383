"""Routes: pre-audits (PROMPERÚ's internal audit) and their results."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from services.audit.api.roles import CompanyFileReader, PreauditConductor
from services.audit.api.schemas import (
    PreauditCreate,
    PreauditDetailPublic,
    PreauditPublic,
    PreauditsPublic,
    ResultsRecord,
    ResultsRecordedPublic,
    page,
)
from services.audit.domain.filters import PreauditFilter
from services.audit.handlers import preaudits
from services.audit.wiring import AuditConfigDep
from shared.deps import CursorQuery, LimitQuery, ReadDbDep, UowDep
from shared.idempotency import idempotent

router = APIRouter(prefix="/preaudits", tags=["pre-audit"])


@router.post("", summary="Schedule a participant's pre-audit", status_code=201, response_model=PreauditPublic)
async def schedule_preaudit(
    body: PreauditCreate, request: Request, uow: UowDep, config: AuditConfigDep, caller: PreauditConductor
):
    async def action() -> PreauditPublic:
        return PreauditPublic.model_validate(await preaudits.schedule(uow, caller, body, config))

    return await idempotent(request, uow, action, subject=caller.subject)


@router.get("", summary="List pre-audits", response_model=PreauditsPublic)
async def list_preaudits(
    db: ReadDbDep,
    caller: CompanyFileReader,
    filters: Annotated[PreauditFilter, Query()],
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> PreauditsPublic:
    return page(
        PreauditsPublic, await preaudits.page(db, caller, filters=filters, cursor=cursor, limit=limit)
    )


@router.get("/{preaudit_id}", summary="A pre-audit with its results", response_model=PreauditDetailPublic)
async def get_preaudit(
    preaudit_id: uuid.UUID, db: ReadDbDep, caller: CompanyFileReader
) -> PreauditDetailPublic:
    return PreauditDetailPublic.of(await preaudits.read(db, caller, preaudit_id=preaudit_id))


@router.post(
    "/{preaudit_id}/start",
    summary="Start the pre-audit (scheduled -> in_progress)",
    response_model=PreauditPublic,
)
async def start_preaudit(preaudit_id: uuid.UUID, uow: UowDep, caller: PreauditConductor) -> PreauditPublic:
    return PreauditPublic.model_validate(await preaudits.start(uow, caller, preaudit_id))


@router.put(
    "/{preaudit_id}/results",
    summary="Record results in bulk (a whole pre-audit's 112 in one request)",
    description="Conforming, observation, minor or major non-conformity per requirement, with the finding text "
    "(required except for conforming). Recording a requirement again corrects it.",
    response_model=ResultsRecordedPublic,
)
async def record_preaudit_results(
    preaudit_id: uuid.UUID, body: ResultsRecord, uow: UowDep, caller: PreauditConductor
) -> ResultsRecordedPublic:
    recorded = await preaudits.record_results(uow, caller, preaudit_id, body)
    return ResultsRecordedPublic(preaudit_id=preaudit_id, received=len(body.results), recorded=recorded)


@router.post(
    "/{preaudit_id}/conclude",
    summary="Conclude: passed only with zero non-conformities, otherwise failed with remediation deadlines",
    response_model=PreauditPublic,
)
async def conclude_preaudit(
    preaudit_id: uuid.UUID, uow: UowDep, config: AuditConfigDep, caller: PreauditConductor
) -> PreauditPublic:
    return PreauditPublic.model_validate(await preaudits.conclude(uow, caller, preaudit_id, config))


@router.post(
    "/{preaudit_id}/cancel", summary="Cancel a pre-audit not yet concluded", response_model=PreauditPublic
)
async def cancel_preaudit(preaudit_id: uuid.UUID, uow: UowDep, caller: PreauditConductor) -> PreauditPublic:
    return PreauditPublic.model_validate(await preaudits.cancel(uow, caller, preaudit_id))
