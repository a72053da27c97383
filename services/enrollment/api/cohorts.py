"""Programme editions (cohorts): application window, dates, seats."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter, Query, Request, Response

from services.enrollment.api.roles import CohortManager, CohortReader
from services.enrollment.api.schemas import CohortCreate, CohortPublic, CohortsPublic, CohortUpdate
from services.enrollment.handlers import cohorts
from shared.deps import DEFAULT_PAGE_SIZE, CursorQuery, LimitQuery, ReadDbDep, UowDep
from shared.idempotency import idempotent

router = APIRouter(tags=["cohorts"])


@router.post("/cohorts", status_code=201, response_model=CohortPublic, summary="Create a cohort")
async def create_cohort(body: CohortCreate, request: Request, uow: UowDep, principal: CohortManager):
    async def action() -> CohortPublic:
        return CohortPublic.from_row(await cohorts.create_cohort(uow, body.model_dump()))

    return await idempotent(request, uow, action, subject=principal.subject)


@router.get("/cohorts", response_model=CohortsPublic, summary="List cohorts by application window")
async def list_cohorts(
    db: ReadDbDep,
    principal: CohortReader,
    open_on: date | None = Query(
        None, description="only cohorts whose application window includes this date"
    ),
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_PAGE_SIZE,
) -> CohortsPublic:
    rows, next_cursor = await cohorts.page(db, open_on=open_on, cursor=cursor, limit=limit)
    return CohortsPublic(data=[CohortPublic.from_row(r) for r in rows], next_cursor=next_cursor)


@router.get("/cohorts/{cohort_id}", response_model=CohortPublic, summary="Get a cohort")
async def get_cohort(cohort_id: uuid.UUID, db: ReadDbDep, principal: CohortReader) -> CohortPublic:
    return CohortPublic.from_row(await cohorts.read(db, cohort_id=cohort_id))


@router.patch(
    "/cohorts/{cohort_id}", response_model=CohortPublic, summary="Change a cohort's schedule or capacity"
)
async def update_cohort(
    cohort_id: uuid.UUID, body: CohortUpdate, uow: UowDep, principal: CohortManager
) -> CohortPublic:
    return CohortPublic.from_row(await cohorts.update_cohort(uow, cohort_id, body.changes()))


@router.delete("/cohorts/{cohort_id}", status_code=204, summary="Delete a cohort without applications")
async def delete_cohort(cohort_id: uuid.UUID, uow: UowDep, principal: CohortManager) -> Response:
    await cohorts.delete_cohort(uow, cohort_id)
    return Response(status_code=204)
