"""Routes: non-conformities, corrective actions, verification, and the overdue report."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from services.audit.api import roles
from services.audit.api.schemas import (
    CorrectiveActionCreate,
    NonconformitiesPublic,
    NonconformityDetailPublic,
    NonconformityPublic,
    OverdueNonconformityPublic,
    OverdueReportPublic,
    VerificationCreate,
)
from services.audit.domain.dates import days_overdue
from services.audit.domain.lifecycles import NonconformityStatus
from services.audit.handlers import nonconformities
from shared.auth import Principal
from shared.deps import CursorQuery, LimitQuery, UowDep
from shared.idempotency import idempotent

router = APIRouter(prefix="/nonconformities", tags=["non-conformities"])
Reader = Annotated[Principal, Depends(roles.COMPANY_FILE_READ)]


@router.get("", summary="List non-conformities", response_model=NonconformitiesPublic)
async def list_nonconformities(
    uow: UowDep,
    principal: Reader,
    ruc: str | None = None,
    preaudit_id: uuid.UUID | None = None,
    status: NonconformityStatus | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
):
    rows, next_cursor = await nonconformities.list_nonconformities(
        uow, principal, ruc=ruc, preaudit_id=preaudit_id, status=status, cursor=cursor, limit=limit
    )
    return NonconformitiesPublic(data=rows, next_cursor=next_cursor)


@router.get(
    "/overdue",
    summary="Overdue report: non-conformities not closed after their remediation deadline",
    response_model=OverdueReportPublic,
    dependencies=[Depends(roles.FOLLOW_UP_STAFF)],
)
async def list_overdue_nonconformities(
    uow: UowDep,
    as_of: Annotated[date | None, Query(description="Lima date; default today")] = None,
    ruc: str | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
):
    as_of, rows, next_cursor = await nonconformities.list_overdue(
        uow, as_of=as_of, ruc=ruc, cursor=cursor, limit=limit
    )
    data = [
        OverdueNonconformityPublic(
            **NonconformityPublic.model_validate(row).model_dump(),
            days_overdue=days_overdue(row.deadline, as_of),
        )
        for row in rows
    ]
    return OverdueReportPublic(as_of=as_of, data=data, next_cursor=next_cursor)


@router.get(
    "/{nonconformity_id}",
    summary="A non-conformity with its corrective actions",
    response_model=NonconformityDetailPublic,
)
async def get_nonconformity(nonconformity_id: uuid.UUID, uow: UowDep, principal: Reader):
    return NonconformityDetailPublic.of(
        await nonconformities.get_nonconformity(uow, principal, nonconformity_id)
    )


@router.post(
    "/{nonconformity_id}/corrective-actions",
    summary="Submit the corrective action for a non-conformity (open or rejected -> action_submitted)",
    status_code=201,
    response_model=NonconformityDetailPublic,
)
async def submit_corrective_action(
    nonconformity_id: uuid.UUID,
    body: CorrectiveActionCreate,
    request: Request,
    uow: UowDep,
    principal: Annotated[Principal, Depends(roles.COMPANY_FILE_WRITE)],
):
    async def action():
        view = await nonconformities.submit_corrective_action(
            uow, principal, nonconformity_id, description=body.description, root_cause=body.root_cause
        )
        return NonconformityDetailPublic.of(view)

    return await idempotent(request, uow, action, subject=principal.subject)


@router.post(
    "/{nonconformity_id}/verification",
    summary="The auditor verifies the corrective action: accepted closes it, otherwise rejected",
    response_model=NonconformityDetailPublic,
)
async def verify_corrective_action(
    nonconformity_id: uuid.UUID,
    body: VerificationCreate,
    uow: UowDep,
    principal: Annotated[Principal, Depends(roles.AUDITOR)],
):
    view = await nonconformities.verify_corrective_action(
        uow, principal, nonconformity_id, accepted=body.accepted, note=body.note
    )
    return NonconformityDetailPublic.of(view)
