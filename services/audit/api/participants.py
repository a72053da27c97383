"""Routes: the participants read model and each one's implementation report and calibration."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from services.audit.api.roles import CompanyFileReader
from services.audit.api.schemas import (
    CalibrationReportPublic,
    ImplementationReportPublic,
    ParticipantPublic,
    ParticipantsPublic,
    page,
)
from services.audit.domain.filters import ParticipantFilter
from services.audit.handlers import calibration, participants, reports
from shared.deps import CursorQuery, LimitQuery, ReadDbDep

router = APIRouter(prefix="/participants", tags=["participants"])


@router.get("", summary="Participants known from enrollment's events", response_model=ParticipantsPublic)
async def list_participants(
    db: ReadDbDep,
    caller: CompanyFileReader,
    filters: Annotated[ParticipantFilter, Query()],
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> ParticipantsPublic:
    rows = await participants.page(db, caller, filters=filters, cursor=cursor, limit=limit)
    return page(ParticipantsPublic, rows)


@router.get("/{participant_id}", summary="One participant", response_model=ParticipantPublic)
async def get_participant(
    participant_id: uuid.UUID, db: ReadDbDep, caller: CompanyFileReader
) -> ParticipantPublic:
    return ParticipantPublic.model_validate(
        await participants.read(db, caller, participant_id=participant_id)
    )


@router.get(
    "/{participant_id}/implementation-report",
    summary="Implementation level per aspect and overall, with the latest pre-audit's results",
    response_model=ImplementationReportPublic,
)
async def get_implementation_report(
    participant_id: uuid.UUID,
    db: ReadDbDep,
    caller: CompanyFileReader,
    version: Annotated[str | None, Query(description="default: the version of its self-assessment")] = None,
) -> ImplementationReportPublic:
    report = await reports.read_implementation(db, caller, participant_id=participant_id, version=version)
    return ImplementationReportPublic.of(report)


@router.get(
    "/{participant_id}/calibration",
    summary="Self-assessment next to the latest pre-audit, per requirement and aspect (over- and under-rating)",
    response_model=CalibrationReportPublic,
)
async def get_participant_calibration(
    participant_id: uuid.UUID, db: ReadDbDep, caller: CompanyFileReader
) -> CalibrationReportPublic:
    report = await calibration.read_for_participant(db, caller, participant_id=participant_id)
    return CalibrationReportPublic.of(report, with_lines=True)
