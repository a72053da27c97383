"""Routes: the registry of certification bodies authorised by PROMPERÚ."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from services.audit.api import roles
from services.audit.api.schemas import BodiesPublic, BodyCreate, BodyPublic, BodyUpdate
from services.audit.handlers import bodies
from shared.auth import Principal
from shared.deps import CursorQuery, LimitQuery, UowDep
from shared.idempotency import idempotent

router = APIRouter(prefix="/certification-bodies", tags=["certification bodies"])


@router.post(
    "", summary="Register an authorised certification body", status_code=201, response_model=BodyPublic
)
async def register_certification_body(
    body: BodyCreate, request: Request, uow: UowDep, principal: Annotated[Principal, Depends(roles.OFFICER)]
):
    async def action():
        return BodyPublic.model_validate(await bodies.register_body(uow, body.model_dump()))

    return await idempotent(request, uow, action, subject=principal.subject)


@router.patch(
    "/{body_id}",
    summary="Change a body's authorisation (validity, number, active)",
    response_model=BodyPublic,
    dependencies=[Depends(roles.OFFICER)],
)
async def update_certification_body(body_id: uuid.UUID, body: BodyUpdate, uow: UowDep):
    changes = body.changes()
    return BodyPublic.model_validate(await bodies.update_body(uow, body_id, changes))


@router.get(
    "",
    summary="List certification bodies",
    response_model=BodiesPublic,
    dependencies=[Depends(roles.ANYONE)],
)
async def list_certification_bodies(
    uow: UowDep, active: bool | None = None, cursor: CursorQuery = None, limit: LimitQuery = 50
):
    rows, next_cursor = await bodies.list_bodies(uow, active=active, cursor=cursor, limit=limit)
    return BodiesPublic(data=rows, next_cursor=next_cursor)


@router.get(
    "/{body_id}",
    summary="One certification body",
    response_model=BodyPublic,
    dependencies=[Depends(roles.ANYONE)],
)
async def get_certification_body(body_id: uuid.UUID, uow: UowDep):
    return BodyPublic.model_validate(await bodies.get_body(uow, body_id))
