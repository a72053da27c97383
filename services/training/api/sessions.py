"""Workshop sessions: schedule, list, reschedule, cancel."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from services.training.api.roles import ParticipationReader, SessionPlanner
from services.training.api.schemas import (
    SessionCancel,
    SessionCreate,
    SessionPublic,
    SessionReschedule,
    SessionsPublic,
)
from services.training.domain.sessions import DeliveryMode, SessionStatus
from services.training.handlers import sessions
from shared.deps import CursorQuery, LimitQuery, ReadDbDep, UowDep
from shared.idempotency import idempotent

router = APIRouter(tags=["sessions"])


@router.post(
    "/sessions",
    response_model=SessionPublic,
    status_code=201,
    summary="Schedule a workshop session for a cohort (publishes training.session.scheduled)",
)
async def create_session(
    request: Request, body: SessionCreate, uow: UowDep, caller: SessionPlanner
) -> JSONResponse:
    async def action() -> SessionPublic:
        return SessionPublic.from_source(*await sessions.create(uow, **body.model_dump()))

    return await idempotent(request, uow, action, subject=caller.subject)


@router.get("/sessions", response_model=SessionsPublic, summary="Sessions, by start time (Lima dates filter)")
async def list_sessions(
    db: ReadDbDep,
    caller: ParticipationReader,
    cohort_id: uuid.UUID | None = None,
    workshop_number: int | None = None,
    status: SessionStatus | None = None,
    mode: DeliveryMode | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> SessionsPublic:
    """``date_from`` / ``date_to`` are Lima dates, both included."""
    rows, next_cursor = await sessions.page(
        db,
        caller,
        cohort_id=cohort_id,
        workshop_number=workshop_number,
        status=status,
        mode=mode,
        date_from=date_from,
        date_to=date_to,
        cursor=cursor,
        limit=limit,
    )
    return SessionsPublic(data=[SessionPublic.from_source(r) for r in rows], next_cursor=next_cursor)


@router.get("/sessions/{session_id}", response_model=SessionPublic, summary="One session")
async def get_session(session_id: uuid.UUID, db: ReadDbDep, caller: ParticipationReader) -> SessionPublic:
    return SessionPublic.from_source(*await sessions.read(db, caller, session_id=session_id))


@router.post(
    "/sessions/{session_id}/reschedule",
    response_model=SessionPublic,
    summary="Move a session or change its delivery (publishes training.session.scheduled, rescheduled=true)",
)
async def reschedule_session(
    session_id: uuid.UUID, body: SessionReschedule, uow: UowDep, caller: SessionPlanner
) -> SessionPublic:
    return SessionPublic.from_source(
        *await sessions.reschedule(uow, session_id=session_id, changes=body.changes())
    )


@router.post(
    "/sessions/{session_id}/cancel",
    response_model=SessionPublic,
    summary="Cancel a session; refused with 409 when attendance was recorded",
)
async def cancel_session(
    session_id: uuid.UUID, body: SessionCancel, uow: UowDep, caller: SessionPlanner
) -> SessionPublic:
    return SessionPublic.from_source(*await sessions.cancel(uow, session_id=session_id, reason=body.reason))
