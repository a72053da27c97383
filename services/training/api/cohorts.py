"""Curriculum (public) and cohort settings, plus the cohort's progress matrix."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from services.training.api.roles import CohortReader, CohortSettingsEditor
from services.training.api.schemas import (
    CohortSettingsPublic,
    CohortSettingsUpdate,
    CohortsPublic,
    CurriculumPublic,
    MatrixPublic,
    WorkshopPublic,
    matrix_json,
)
from services.training.domain.completion import CompletionState
from services.training.domain.curriculum import DEFAULT_MANDATORY, DEFAULT_MIN_SHARE
from services.training.domain.participants import ParticipantStatus
from services.training.handlers import cohorts
from shared.deps import CursorQuery, LimitQuery, ReadDbDep, UowDep
from shared.pagination import MAX_LIMIT

public = APIRouter(tags=["curriculum"])
router = APIRouter(tags=["cohorts"])


@public.get(
    "/curriculum",
    response_model=CurriculumPublic,
    summary="The 11 workshops of the programme (Talleres 0-10) and the default completion rule",
    openapi_extra={"x-public": True},
)
async def get_curriculum(db: ReadDbDep) -> CurriculumPublic:
    rows = await cohorts.curriculum(db)
    return CurriculumPublic(
        curriculum_version=rows[0].curriculum_version,
        default_mandatory_workshops=list(DEFAULT_MANDATORY),
        default_min_attendance_share=float(DEFAULT_MIN_SHARE),
        workshops=[WorkshopPublic.model_validate(r) for r in rows],
    )


@router.get(
    "/cohorts", response_model=CohortsPublic, summary="Cohorts known to training, with their settings"
)
async def list_cohorts(
    db: ReadDbDep, caller: CohortReader, cursor: CursorQuery = None, limit: LimitQuery = 50
) -> CohortsPublic:
    rows, next_cursor = await cohorts.page(db, cursor=cursor, limit=limit)
    return CohortsPublic(data=[CohortSettingsPublic.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get(
    "/cohorts/{cohort_id}/settings",
    response_model=CohortSettingsPublic,
    summary="A cohort's mandatory workshops, minimum attendance share and workshop durations",
)
async def get_cohort_settings(
    cohort_id: uuid.UUID, db: ReadDbDep, caller: CohortReader
) -> CohortSettingsPublic:
    return CohortSettingsPublic.model_validate(await cohorts.read_settings(db, cohort_id=cohort_id))


@router.patch(
    "/cohorts/{cohort_id}/settings",
    response_model=CohortSettingsPublic,
    summary="Change a cohort's completion rule; every participant's completion is re-evaluated",
)
async def update_cohort_settings(
    cohort_id: uuid.UUID, body: CohortSettingsUpdate, uow: UowDep, caller: CohortSettingsEditor
) -> CohortSettingsPublic:
    updated = await cohorts.update_settings(
        uow,
        cohort_id=cohort_id,
        mandatory_workshops=body.mandatory_workshops,
        min_attendance_share=body.min_attendance_share,
        workshop_durations=body.workshop_durations,
        actor=caller.subject,
    )
    return CohortSettingsPublic.model_validate(updated)


@router.get(
    "/cohorts/{cohort_id}/progress",
    response_model=MatrixPublic,
    summary="Progress matrix of a cohort: companies x workshops (attended, best share, minutes)",
)
async def get_cohort_progress(
    cohort_id: uuid.UUID,
    db: ReadDbDep,
    caller: CohortReader,
    status: ParticipantStatus | None = None,
    completion_state: CompletionState | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = MAX_LIMIT,
) -> Response:
    cohort, page = await cohorts.matrix(
        db,
        cohort_id=cohort_id,
        status=status.value if status else None,
        completion_state=completion_state.value if completion_state else None,
        cursor=cursor,
        limit=limit,
    )
    return Response(matrix_json(cohort, page), media_type="application/json")
