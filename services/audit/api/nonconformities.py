"""Routes: non-conformities, corrective actions, verification, and the overdue report."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request

from services.audit.api.roles import (
    CompanyFileReader,
    CompanyFileWriter,
    CorrectiveActionVerifier,
    FollowUpReader,
)
from services.audit.api.schemas import (
    CorrectiveActionCreate,
    NonconformitiesPublic,
    NonconformityDetailPublic,
    OverdueReportPublic,
    VerificationCreate,
    page,
)
from services.audit.domain.filters import NonconformityFilter
from services.audit.handlers import nonconformities
from shared.deps import ClockDep, CursorQuery, LimitQuery, ReadDbDep, UowDep
from shared.idempotency import idempotent

router = APIRouter(prefix="/nonconformities", tags=["non-conformities"])
Detail = NonconformityDetailPublic


@router.get("", summary="List non-conformities", response_model=NonconformitiesPublic)
async def list_nonconformities(
    db: ReadDbDep,
    caller: CompanyFileReader,
    filters: Annotated[NonconformityFilter, Query()],
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> NonconformitiesPublic:
    rows = await nonconformities.page(db, caller, filters=filters, cursor=cursor, limit=limit)
    return page(NonconformitiesPublic, rows)


@router.get(
    "/overdue",
    summary="Overdue report: non-conformities not closed after their remediation deadline",
    response_model=OverdueReportPublic,
)
async def list_overdue_nonconformities(
    db: ReadDbDep,
    clock: ClockDep,
    caller: FollowUpReader,
    as_of: Annotated[date | None, Query(description="Lima date; default today")] = None,
    ruc: str | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> OverdueReportPublic:
    as_of, rows, next_cursor = await nonconformities.page_overdue(
        db, clock, as_of=as_of, ruc=ruc, cursor=cursor, limit=limit
    )
    return OverdueReportPublic.of(as_of, rows, next_cursor)


@router.get(
    "/{nonconformity_id}", summary="A non-conformity with its corrective actions", response_model=Detail
)
async def get_nonconformity(nonconformity_id: uuid.UUID, db: ReadDbDep, caller: CompanyFileReader) -> Detail:
    return Detail.of(await nonconformities.read(db, caller, nonconformity_id=nonconformity_id))


@router.post(
    "/{nonconformity_id}/corrective-actions",
    summary="Submit the corrective action for a non-conformity (open or rejected -> action_submitted)",
    status_code=201,
    response_model=Detail,
)
async def submit_corrective_action(
    nonconformity_id: uuid.UUID,
    body: CorrectiveActionCreate,
    request: Request,
    uow: UowDep,
    caller: CompanyFileWriter,
):
    async def action() -> Detail:
        return Detail.of(await nonconformities.submit_corrective_action(uow, caller, nonconformity_id, body))

    return await idempotent(request, uow, action, subject=caller.subject)


@router.post(
    "/{nonconformity_id}/verification",
    summary="The auditor verifies the corrective action: accepted closes it, otherwise rejected",
    response_model=Detail,
)
async def verify_corrective_action(
    nonconformity_id: uuid.UUID, body: VerificationCreate, uow: UowDep, caller: CorrectiveActionVerifier
) -> Detail:
    return Detail.of(await nonconformities.verify_corrective_action(uow, caller, nonconformity_id, body))
