"""Workshop sessions: schedule, list, reschedule, cancel."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from fastapi import APIRouter, Request

from services.training.api.access import CompanyOrStaffReader, Officer, visible_cohorts
from services.training.api.schemas import (
    SessionCancel,
    SessionCreate,
    SessionPublic,
    SessionReschedule,
    SessionsPublic,
)
from services.training.api.views import session_public
from services.training.db import queries
from services.training.domain.sessions import DeliveryMode, SessionStatus
from services.training.handlers import sessions as handlers
from shared.clock import LIMA
from shared.deps import CursorQuery, LimitQuery, ReadConnDep, UowDep
from shared.errors import NotFound
from shared.idempotency import idempotent

router = APIRouter(tags=["sessions"])


def _lima_midnight(day: date | None) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=LIMA) if day else None


@router.post(
    "/sessions",
    response_model=SessionPublic,
    status_code=201,
    summary="Schedule a workshop session for a cohort (publishes training.session.scheduled)",
)
async def create_session(request: Request, body: SessionCreate, uow: UowDep, principal: Officer):
    async def action() -> SessionPublic:
        session, title = await handlers.create_session(uow, **body.model_dump())
        return session_public(session, title)

    return await idempotent(request, uow, action, subject=principal.subject)


@router.get("/sessions", response_model=SessionsPublic, summary="Sessions, by start time (Lima dates filter)")
async def list_sessions(
    conn: ReadConnDep,
    principal: CompanyOrStaffReader,
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
    rows, next_cursor = await queries.list_sessions(
        conn,
        cohort_id=cohort_id,
        cohort_ids=await visible_cohorts(conn, principal),
        workshop_number=workshop_number,
        status=status.value if status else None,
        mode=mode.value if mode else None,
        starts_from=_lima_midnight(date_from),
        starts_before=_lima_midnight(date.fromordinal(date_to.toordinal() + 1)) if date_to else None,
        cursor=cursor,
        limit=limit,
    )
    return SessionsPublic(data=[session_public(r) for r in rows], next_cursor=next_cursor)


@router.get("/sessions/{session_id}", response_model=SessionPublic, summary="One session")
async def get_session(
    session_id: uuid.UUID, conn: ReadConnDep, principal: CompanyOrStaffReader
) -> SessionPublic:
    row = await queries.get_session(conn, session_id)
    cohorts = await visible_cohorts(conn, principal)
    if row is None or (cohorts is not None and row.cohort_id not in cohorts):
        raise NotFound("Session", session_id, detail_es=f"La sesión {session_id} no existe.")
    return session_public(row)


@router.post(
    "/sessions/{session_id}/reschedule",
    response_model=SessionPublic,
    summary="Move a session or change its delivery (publishes training.session.scheduled, rescheduled=true)",
)
async def reschedule_session(
    session_id: uuid.UUID, body: SessionReschedule, uow: UowDep, principal: Officer
) -> SessionPublic:
    session, title = await handlers.reschedule_session(uow, session_id=session_id, changes=body.changes())
    return session_public(session, title)


@router.post(
    "/sessions/{session_id}/cancel",
    response_model=SessionPublic,
    summary="Cancel a session; refused with 409 when attendance was recorded",
)
async def cancel_session(
    session_id: uuid.UUID, body: SessionCancel, uow: UowDep, principal: Officer
) -> SessionPublic:
    session, title = await handlers.cancel_session(uow, session_id=session_id, reason=body.reason)
    return session_public(session, title)
