"""Technical assistance: the monitor's visits and calls, and each company's follow-up timeline."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from services.training.api.roles import AssistanceLogReader, AssistanceWriter, ParticipationReader
from services.training.api.schemas import AssistanceCreate, AssistancePublic, AssistancesPublic
from services.training.handlers import assistance
from shared.deps import CursorQuery, LimitQuery, ReadDbDep, UowDep
from shared.idempotency import idempotent

router = APIRouter(tags=["technical assistance"])


@router.post(
    "/participants/{participant_id}/assistance",
    response_model=AssistancePublic,
    status_code=201,
    summary="Log a visit or call of the follow-up monitor (publishes training.assistance.logged)",
)
async def log_assistance(
    participant_id: uuid.UUID, body: AssistanceCreate, request: Request, uow: UowDep, caller: AssistanceWriter
) -> JSONResponse:
    async def action() -> AssistancePublic:
        logged = await assistance.log(
            uow, participant_id=participant_id, principal=caller, **body.model_dump()
        )
        return AssistancePublic.model_validate(logged)

    return await idempotent(request, uow, action, subject=caller.subject)


@router.get(
    "/participants/{participant_id}/assistance",
    response_model=AssistancesPublic,
    summary="A company's follow-up timeline, oldest first",
)
async def list_participant_assistance(
    participant_id: uuid.UUID,
    db: ReadDbDep,
    caller: ParticipationReader,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> AssistancesPublic:
    rows, next_cursor = await assistance.timeline(
        db, caller, participant_id=participant_id, cursor=cursor, limit=limit
    )
    return AssistancesPublic(data=[AssistancePublic.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get(
    "/assistance",
    response_model=AssistancesPublic,
    summary="The technical assistance log across companies, newest first",
)
async def list_assistance(
    db: ReadDbDep,
    caller: AssistanceLogReader,
    cohort_id: uuid.UUID | None = None,
    monitor: str | None = None,
    held_from: date | None = None,
    held_to: date | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> AssistancesPublic:
    rows, next_cursor = await assistance.page(
        db,
        cohort_id=cohort_id,
        monitor=monitor,
        held_from=held_from,
        held_to=held_to,
        cursor=cursor,
        limit=limit,
    )
    return AssistancesPublic(data=[AssistancePublic.model_validate(r) for r in rows], next_cursor=next_cursor)
