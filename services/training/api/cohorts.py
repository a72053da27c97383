"""Curriculum (public) and cohort settings, plus the cohort's progress matrix."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from services.training.api.access import Officer, StaffReader
from services.training.api.schemas import (
    CohortSettingsPublic,
    CohortSettingsUpdate,
    CohortsPublic,
    CurriculumPublic,
    MatrixPublic,
    WorkshopPublic,
)
from services.training.api.views import cohort_matrix_json
from services.training.db import queries
from services.training.domain.completion import CompletionState
from services.training.domain.curriculum import DEFAULT_MANDATORY, DEFAULT_MIN_SHARE
from services.training.domain.participants import ParticipantStatus
from services.training.handlers.cohorts import update_cohort_settings as update_settings_handler
from shared.deps import CursorQuery, LimitQuery, ReadConnDep, UowDep
from shared.errors import NotFound
from shared.pagination import MAX_LIMIT

public = APIRouter(tags=["curriculum"])
router = APIRouter(tags=["cohorts"])


@public.get(
    "/curriculum",
    response_model=CurriculumPublic,
    summary="The 11 workshops of the programme (Talleres 0-10) and the default completion rule",
    openapi_extra={"x-public": True},
)
async def get_curriculum(conn: ReadConnDep) -> CurriculumPublic:
    rows = await queries.list_workshops(conn)
    return CurriculumPublic(
        curriculum_version=rows[0].curriculum_version,
        default_mandatory_workshops=list(DEFAULT_MANDATORY),
        default_min_attendance_share=float(DEFAULT_MIN_SHARE),
        workshops=[WorkshopPublic.model_validate(r) for r in rows],
    )


def _settings_public(row, participants: int | None = None) -> CohortSettingsPublic:
    values = dict(row._mapping) if hasattr(row, "_mapping") else dict(vars(row))
    values["workshop_durations"] = {int(k): v for k, v in values["workshop_durations"].items()}
    values["mandatory_workshops"] = sorted(values["mandatory_workshops"])
    if participants is not None:
        values["participants"] = participants
    return CohortSettingsPublic.model_validate(values)


async def _cohort_or_404(conn, cohort_id: uuid.UUID):
    row = await queries.get_cohort(conn, cohort_id)
    if row is None:
        raise NotFound(
            "Cohort",
            cohort_id,
            detail_es=f"La cohorte {cohort_id} no existe en capacitación (sin empresas admitidas).",
        )
    return row


@router.get(
    "/cohorts", response_model=CohortsPublic, summary="Cohorts known to training, with their settings"
)
async def list_cohorts(
    conn: ReadConnDep, principal: StaffReader, cursor: CursorQuery = None, limit: LimitQuery = 50
) -> CohortsPublic:
    rows, next_cursor = await queries.list_cohorts(conn, cursor=cursor, limit=limit)
    return CohortsPublic(data=[_settings_public(r, r.participants) for r in rows], next_cursor=next_cursor)


@router.get(
    "/cohorts/{cohort_id}/settings",
    response_model=CohortSettingsPublic,
    summary="A cohort's mandatory workshops, minimum attendance share and workshop durations",
)
async def get_cohort_settings(
    cohort_id: uuid.UUID, conn: ReadConnDep, principal: StaffReader
) -> CohortSettingsPublic:
    return _settings_public(await _cohort_or_404(conn, cohort_id))


@router.patch(
    "/cohorts/{cohort_id}/settings",
    response_model=CohortSettingsPublic,
    summary="Change a cohort's completion rule; every participant's completion is re-evaluated",
)
async def update_cohort_settings(
    cohort_id: uuid.UUID, body: CohortSettingsUpdate, uow: UowDep, principal: Officer
) -> CohortSettingsPublic:
    updated = await update_settings_handler(
        uow,
        cohort_id=cohort_id,
        mandatory_workshops=body.mandatory_workshops,
        min_attendance_share=body.min_attendance_share,
        workshop_durations=body.workshop_durations,
        actor=principal.subject,
    )
    return _settings_public(updated)


@router.get(
    "/cohorts/{cohort_id}/progress",
    response_model=MatrixPublic,
    summary="Progress matrix of a cohort: companies x workshops (attended, best share, minutes)",
)
async def get_cohort_progress(
    cohort_id: uuid.UUID,
    conn: ReadConnDep,
    principal: StaffReader,
    status: ParticipantStatus | None = None,
    completion_state: CompletionState | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = MAX_LIMIT,
) -> Response:
    cohort = await _cohort_or_404(conn, cohort_id)
    matrix = await cohort_matrix_json(
        conn,
        cohort,
        status=status.value if status else None,
        completion_state=completion_state.value if completion_state else None,
        cursor=cursor,
        limit=limit,
    )
    return Response(matrix, media_type="application/json")
