"""Participant companies (from enrollment's events), their attendees and their progress."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request

from services.training.api.access import (
    AttendeeEditor,
    CompanyOrStaffReader,
    company_scope,
    visible_participant,
)
from services.training.api.schemas import (
    AttendeeCreate,
    AttendeePublic,
    AttendeesPublic,
    AttendeeUpdate,
    ParticipantPublic,
    ParticipantsPublic,
    ProgressPublic,
)
from services.training.api.views import company_progress
from services.training.db import queries
from services.training.domain.completion import CompletionState
from services.training.domain.participants import ParticipantStatus
from services.training.handlers import attendees as handlers
from shared.auth import Principal
from shared.deps import CursorQuery, LimitQuery, ReadConnDep, UowDep
from shared.errors import NotFound
from shared.idempotency import idempotent

router = APIRouter(tags=["participants"])


async def visible_attendee(conn, principal: Principal, attendee_id: uuid.UUID):
    row = await queries.get_attendee(conn, attendee_id)
    if row is None:
        raise NotFound("Attendee", attendee_id, detail_es=f"El asistente {attendee_id} no existe.")
    principal.ensure_company(row.ruc)
    return row


@router.get(
    "/participants",
    response_model=ParticipantsPublic,
    summary="Participant companies (a company sees only itself)",
)
async def list_participants(
    conn: ReadConnDep,
    principal: CompanyOrStaffReader,
    cohort_id: uuid.UUID | None = None,
    ruc: str | None = None,
    status: ParticipantStatus | None = None,
    completion_state: CompletionState | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> ParticipantsPublic:
    rows, next_cursor = await queries.list_participants(
        conn,
        cohort_id=cohort_id,
        ruc=company_scope(principal, ruc),
        status=status.value if status else None,
        completion_state=completion_state.value if completion_state else None,
        cursor=cursor,
        limit=limit,
    )
    return ParticipantsPublic(
        data=[ParticipantPublic.model_validate(r) for r in rows], next_cursor=next_cursor
    )


@router.get(
    "/participants/{participant_id}", response_model=ParticipantPublic, summary="One participant company"
)
async def get_participant(
    participant_id: uuid.UUID, conn: ReadConnDep, principal: CompanyOrStaffReader
) -> ParticipantPublic:
    return ParticipantPublic.model_validate(await visible_participant(conn, principal, participant_id))


@router.get(
    "/participants/{participant_id}/progress",
    response_model=ProgressPublic,
    summary="A company's progress: each workshop attended or not, with minutes and share",
)
async def get_participant_progress(
    participant_id: uuid.UUID, conn: ReadConnDep, principal: CompanyOrStaffReader
) -> ProgressPublic:
    return await company_progress(conn, await visible_participant(conn, principal, participant_id))


@router.get(
    "/participants/{participant_id}/attendees",
    response_model=AttendeesPublic,
    summary="The company's people who attend the workshops",
)
async def list_attendees(
    participant_id: uuid.UUID,
    conn: ReadConnDep,
    principal: CompanyOrStaffReader,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> AttendeesPublic:
    await visible_participant(conn, principal, participant_id)
    rows, next_cursor = await queries.list_attendees(
        conn, participant_id=participant_id, cursor=cursor, limit=limit
    )
    return AttendeesPublic(data=[AttendeePublic.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.post(
    "/participants/{participant_id}/attendees",
    response_model=AttendeePublic,
    status_code=201,
    summary="Register a person of the company (name, DNI, role, gender)",
)
async def register_attendee(
    participant_id: uuid.UUID, body: AttendeeCreate, request: Request, uow: UowDep, principal: AttendeeEditor
):
    async def action() -> AttendeePublic:
        attendee = await handlers.register_attendee(
            uow, participant_id=participant_id, principal=principal, **body.model_dump()
        )
        return AttendeePublic.model_validate(attendee)

    return await idempotent(request, uow, action, subject=principal.subject)


@router.get("/attendees/{attendee_id}", response_model=AttendeePublic, summary="One attendee")
async def get_attendee(
    attendee_id: uuid.UUID, conn: ReadConnDep, principal: CompanyOrStaffReader
) -> AttendeePublic:
    return AttendeePublic.model_validate(await visible_attendee(conn, principal, attendee_id))


@router.patch(
    "/attendees/{attendee_id}",
    response_model=AttendeePublic,
    summary="Correct an attendee's name, role, gender or email",
)
async def update_attendee(
    attendee_id: uuid.UUID, body: AttendeeUpdate, uow: UowDep, principal: AttendeeEditor
) -> AttendeePublic:
    attendee = await handlers.update_attendee(
        uow, attendee_id=attendee_id, changes=body.changes(), principal=principal
    )
    return AttendeePublic.model_validate(attendee)
