"""Routes: the participants read model and each one's implementation report."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from services.audit.api import roles
from services.audit.api.schemas import (
    CalibrationReportPublic,
    ImplementationReportPublic,
    ParticipantPublic,
    ParticipantsPublic,
)
from services.audit.handlers import calibration, participants, reports
from shared.auth import Principal
from shared.deps import CursorQuery, LimitQuery, ReadConnDep, UowDep

router = APIRouter(prefix="/participants", tags=["participants"])
Reader = Annotated[Principal, Depends(roles.COMPANY_FILE_READ)]


@router.get("", summary="Participants known from enrollment's events", response_model=ParticipantsPublic)
async def list_participants(
    uow: UowDep,
    principal: Reader,
    ruc: str | None = None,
    monitor_id: uuid.UUID | None = None,
    cohort_id: uuid.UUID | None = None,
    eligible: Annotated[bool | None, Query(description="certification-eligible or not")] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
):
    rows, next_cursor = await participants.list_participants(
        uow,
        principal,
        ruc=ruc,
        monitor_id=monitor_id,
        cohort_id=cohort_id,
        eligible=eligible,
        cursor=cursor,
        limit=limit,
    )
    return ParticipantsPublic(data=rows, next_cursor=next_cursor)


@router.get("/{participant_id}", summary="One participant", response_model=ParticipantPublic)
async def get_participant(participant_id: uuid.UUID, uow: UowDep, principal: Reader):
    return ParticipantPublic.model_validate(
        await participants.get_participant(uow, principal, participant_id)
    )


@router.get(
    "/{participant_id}/implementation-report",
    summary="Implementation level per aspect and overall, with the latest pre-audit's results",
    response_model=ImplementationReportPublic,
)
async def get_implementation_report(
    participant_id: uuid.UUID,
    conn: ReadConnDep,
    principal: Reader,
    version: Annotated[str | None, Query(description="default: the version of its self-assessment")] = None,
):
    # Hot read on a pooled Core connection with one raw SQL statement (see handlers.reports).
    return ImplementationReportPublic.of(
        await reports.implementation_report(conn, principal, participant_id, version=version)
    )


@router.get(
    "/{participant_id}/calibration",
    summary="Self-assessment next to the latest pre-audit, per requirement and aspect (over- and under-rating)",
    response_model=CalibrationReportPublic,
)
async def get_participant_calibration(participant_id: uuid.UUID, conn: ReadConnDep, principal: Reader):
    report = await calibration.participant_calibration(conn, principal, participant_id)
    return CalibrationReportPublic.of(report, with_lines=True)
