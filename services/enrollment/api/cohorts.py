"""Programme editions (cohorts) and the PROMPERÚ monitors who follow participants."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter, Query, Request, Response

from services.enrollment.api.deps import Officer, Reader
from services.enrollment.api.schemas import (
    CohortCreate,
    CohortPublic,
    CohortsPublic,
    CohortUpdate,
    MonitorCreate,
    MonitorPublic,
    MonitorsPublic,
    MonitorUpdate,
)
from services.enrollment.handlers import cohorts as cohort_cases
from services.enrollment.handlers import monitors as monitor_cases
from services.enrollment.handlers import reads
from shared.deps import DEFAULT_PAGE_SIZE, CursorQuery, LimitQuery, ReadConnDep, UowDep
from shared.idempotency import idempotent

router = APIRouter()


@router.post(
    "/cohorts", status_code=201, response_model=CohortPublic, tags=["cohorts"], summary="Create a cohort"
)
async def create_cohort(body: CohortCreate, request: Request, uow: UowDep, principal: Officer):
    async def action() -> CohortPublic:
        return CohortPublic.from_row(await cohort_cases.create_cohort(uow, body.model_dump()))

    return await idempotent(request, uow, action, subject=principal.subject)


@router.get(
    "/cohorts", response_model=CohortsPublic, tags=["cohorts"], summary="List cohorts by application window"
)
async def list_cohorts(
    db: ReadConnDep,
    principal: Reader,
    open_on: date | None = Query(
        None, description="only cohorts whose application window includes this date"
    ),
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_PAGE_SIZE,
) -> CohortsPublic:
    rows, next_cursor = await reads.list_cohorts(db, open_on=open_on, cursor=cursor, limit=limit)
    return CohortsPublic(data=[CohortPublic.from_row(r) for r in rows], next_cursor=next_cursor)


@router.get("/cohorts/{cohort_id}", response_model=CohortPublic, tags=["cohorts"], summary="Get a cohort")
async def get_cohort(cohort_id: uuid.UUID, db: ReadConnDep, principal: Reader) -> CohortPublic:
    return CohortPublic.from_row(await reads.get_cohort(db, cohort_id))


@router.patch(
    "/cohorts/{cohort_id}",
    response_model=CohortPublic,
    tags=["cohorts"],
    summary="Change a cohort's schedule or capacity",
)
async def update_cohort(
    cohort_id: uuid.UUID, body: CohortUpdate, uow: UowDep, principal: Officer
) -> CohortPublic:
    return CohortPublic.from_row(await cohort_cases.update_cohort(uow, cohort_id, body.changes()))


@router.delete(
    "/cohorts/{cohort_id}", status_code=204, tags=["cohorts"], summary="Delete a cohort without applications"
)
async def delete_cohort(cohort_id: uuid.UUID, uow: UowDep, principal: Officer) -> Response:
    await cohort_cases.delete_cohort(uow, cohort_id)
    return Response(status_code=204)


@router.post(
    "/monitors",
    status_code=201,
    response_model=MonitorPublic,
    tags=["monitors"],
    summary="Register a monitor",
)
async def create_monitor(body: MonitorCreate, request: Request, uow: UowDep, principal: Officer):
    async def action() -> MonitorPublic:
        return MonitorPublic.from_row(await monitor_cases.create_monitor(uow, body.model_dump()))

    return await idempotent(request, uow, action, subject=principal.subject)


@router.get(
    "/monitors", response_model=MonitorsPublic, tags=["monitors"], summary="List monitors with their load"
)
async def list_monitors(
    db: ReadConnDep,
    principal: Officer,
    active: bool | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_PAGE_SIZE,
) -> MonitorsPublic:
    rows, next_cursor = await reads.list_monitors(db, active=active, cursor=cursor, limit=limit)
    return MonitorsPublic(data=[MonitorPublic.from_row(r) for r in rows], next_cursor=next_cursor)


@router.get(
    "/monitors/{monitor_id}", response_model=MonitorPublic, tags=["monitors"], summary="Get a monitor"
)
async def get_monitor(monitor_id: uuid.UUID, db: ReadConnDep, principal: Officer) -> MonitorPublic:
    return MonitorPublic.from_row(await reads.get_monitor(db, monitor_id))


@router.patch(
    "/monitors/{monitor_id}",
    response_model=MonitorPublic,
    tags=["monitors"],
    summary="Change a monitor (deactivate: no new participants)",
)
async def update_monitor(
    monitor_id: uuid.UUID, body: MonitorUpdate, uow: UowDep, principal: Officer
) -> MonitorPublic:
    return MonitorPublic.from_row(await monitor_cases.update_monitor(uow, monitor_id, body.changes()))
