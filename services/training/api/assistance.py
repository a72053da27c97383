"""Technical assistance: the monitor's visits and calls, and each company's follow-up timeline."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter, Request

from services.training.api.access import (
    AssistanceWriter,
    CompanyOrStaffReader,
    StaffReader,
    visible_participant,
)
from services.training.api.schemas import AssistanceCreate, AssistancePublic, AssistancesPublic
from services.training.db import queries
from services.training.handlers import assistance as handlers
from shared.deps import CursorQuery, LimitQuery, ReadConnDep, UowDep
from shared.idempotency import idempotent

router = APIRouter(tags=["technical assistance"])


@router.post(
    "/participants/{participant_id}/assistance",
    response_model=AssistancePublic,
    status_code=201,
    summary="Log a visit or call of the follow-up monitor (publishes training.assistance.logged)",
)
async def log_assistance(
    participant_id: uuid.UUID,
    body: AssistanceCreate,
    request: Request,
    uow: UowDep,
    principal: AssistanceWriter,
):
    async def action() -> AssistancePublic:
        logged = await handlers.log_assistance(
            uow,
            participant_id=participant_id,
            principal=principal,
            **body.model_dump(),
        )
        return AssistancePublic.model_validate(logged)

    return await idempotent(request, uow, action, subject=principal.subject)


@router.get(
    "/participants/{participant_id}/assistance",
    response_model=AssistancesPublic,
    summary="A company's follow-up timeline, oldest first",
)
async def list_participant_assistance(
    participant_id: uuid.UUID,
    conn: ReadConnDep,
    principal: CompanyOrStaffReader,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> AssistancesPublic:
    await visible_participant(conn, principal, participant_id)
    rows, next_cursor = await queries.list_assistance(
        conn,
        participant_id=participant_id,
        cohort_id=None,
        monitor_subject=None,
        held_from=None,
        held_to=None,
        cursor=cursor,
        limit=limit,
        descending=False,
    )
    return AssistancesPublic(data=[AssistancePublic.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get(
    "/assistance",
    response_model=AssistancesPublic,
    summary="The technical assistance log across companies, newest first",
)
async def list_assistance(
    conn: ReadConnDep,
    principal: StaffReader,
    cohort_id: uuid.UUID | None = None,
    monitor: str | None = None,
    held_from: date | None = None,
    held_to: date | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> AssistancesPublic:
    rows, next_cursor = await queries.list_assistance(
        conn,
        participant_id=None,
        cohort_id=cohort_id,
        monitor_subject=monitor,
        held_from=held_from,
        held_to=held_to,
        cursor=cursor,
        limit=limit,
        descending=True,
    )
    return AssistancesPublic(data=[AssistancePublic.model_validate(r) for r in rows], next_cursor=next_cursor)
