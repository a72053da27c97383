"""PROMPERÚ's follow-up monitors and their load."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request

from services.enrollment.api.roles import MonitorManager
from services.enrollment.api.schemas import MonitorCreate, MonitorPublic, MonitorsPublic, MonitorUpdate
from services.enrollment.handlers import monitors
from shared.deps import DEFAULT_PAGE_SIZE, CursorQuery, LimitQuery, ReadDbDep, UowDep
from shared.idempotency import idempotent

router = APIRouter(tags=["monitors"])


@router.post("/monitors", status_code=201, response_model=MonitorPublic, summary="Register a monitor")
async def create_monitor(body: MonitorCreate, request: Request, uow: UowDep, principal: MonitorManager):
    async def action() -> MonitorPublic:
        return MonitorPublic.from_row(await monitors.create_monitor(uow, body.model_dump()))

    return await idempotent(request, uow, action, subject=principal.subject)


@router.get("/monitors", response_model=MonitorsPublic, summary="List monitors with their load")
async def list_monitors(
    db: ReadDbDep,
    principal: MonitorManager,
    active: bool | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_PAGE_SIZE,
) -> MonitorsPublic:
    rows, next_cursor = await monitors.page(db, active=active, cursor=cursor, limit=limit)
    return MonitorsPublic(data=[MonitorPublic.from_row(r) for r in rows], next_cursor=next_cursor)


@router.get("/monitors/{monitor_id}", response_model=MonitorPublic, summary="Get a monitor")
async def get_monitor(monitor_id: uuid.UUID, db: ReadDbDep, principal: MonitorManager) -> MonitorPublic:
    return MonitorPublic.from_row(await monitors.read(db, monitor_id=monitor_id))


@router.patch(
    "/monitors/{monitor_id}",
    response_model=MonitorPublic,
    summary="Change a monitor (deactivate: no new participants)",
)
async def update_monitor(
    monitor_id: uuid.UUID, body: MonitorUpdate, uow: UowDep, principal: MonitorManager
) -> MonitorPublic:
    return MonitorPublic.from_row(await monitors.update_monitor(uow, monitor_id, body.changes()))
