"""Participant companies (from enrollment's events), their attendees and their progress."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from services.training.api.roles import AttendeeEditor, ParticipationReader
from services.training.api.schemas import (
    AttendeeCreate,
    AttendeePublic,
    AttendeesPublic,
    AttendeeUpdate,
    ParticipantPublic,
    ParticipantsPublic,
    ProgressPublic,
)
from services.training.domain.completion import CompletionState
from services.training.domain.participants import ParticipantStatus
from services.training.handlers import attendees, participants
from shared.deps import CursorQuery, LimitQuery, ReadDbDep, UowDep
from shared.idempotency import idempotent

router = APIRouter(tags=["participants"])


@router.get(
    "/participants",
    response_model=ParticipantsPublic,
    summary="Participant companies (a company sees only itself)",
)
async def list_participants(
    db: ReadDbDep,
    caller: ParticipationReader,
    cohort_id: uuid.UUID | None = None,
    ruc: str | None = None,
    status: ParticipantStatus | None = None,
    completion_state: CompletionState | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> ParticipantsPublic:
    rows, next_cursor = await participants.page(
        db,
        caller,
        cohort_id=cohort_id,
        ruc=ruc,
        status=status,
        completion_state=completion_state,
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
    participant_id: uuid.UUID, db: ReadDbDep, caller: ParticipationReader
) -> ParticipantPublic:
    return ParticipantPublic.model_validate(
        await participants.read(db, caller, participant_id=participant_id)
    )


@router.get(
    "/participants/{participant_id}/progress",
    response_model=ProgressPublic,
    summary="A company's progress: each workshop attended or not, with minutes and share",
)
async def get_participant_progress(
    participant_id: uuid.UUID, db: ReadDbDep, caller: ParticipationReader
) -> ProgressPublic:
    return ProgressPublic.model_validate(
        await participants.progress(db, caller, participant_id=participant_id)
    )


@router.get(
    "/participants/{participant_id}/attendees",
    response_model=AttendeesPublic,
    summary="The company's people who attend the workshops",
)
async def list_attendees(
    participant_id: uuid.UUID,
    db: ReadDbDep,
    caller: ParticipationReader,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> AttendeesPublic:
    rows, next_cursor = await attendees.page(
        db, caller, participant_id=participant_id, cursor=cursor, limit=limit
    )
    return AttendeesPublic(data=[AttendeePublic.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.post(
    "/participants/{participant_id}/attendees",
    response_model=AttendeePublic,
    status_code=201,
    summary="Register a person of the company (name, DNI, role, gender)",
)
async def register_attendee(
    participant_id: uuid.UUID, body: AttendeeCreate, request: Request, uow: UowDep, caller: AttendeeEditor
) -> JSONResponse:
    async def action() -> AttendeePublic:
        attendee = await attendees.register(
            uow, participant_id=participant_id, principal=caller, **body.model_dump()
        )
        return AttendeePublic.model_validate(attendee)

    return await idempotent(request, uow, action, subject=caller.subject)


@router.get("/attendees/{attendee_id}", response_model=AttendeePublic, summary="One attendee")
async def get_attendee(attendee_id: uuid.UUID, db: ReadDbDep, caller: ParticipationReader) -> AttendeePublic:
    attendee, _ = await attendees.read(db, caller, attendee_id=attendee_id)
    return AttendeePublic.model_validate(attendee)


@router.patch(
    "/attendees/{attendee_id}",
    response_model=AttendeePublic,
    summary="Correct an attendee's name, role, gender or email",
)
async def update_attendee(
    attendee_id: uuid.UUID, body: AttendeeUpdate, uow: UowDep, caller: AttendeeEditor
) -> AttendeePublic:
    attendee = await attendees.update(uow, attendee_id=attendee_id, changes=body.changes(), principal=caller)
    return AttendeePublic.model_validate(attendee)
