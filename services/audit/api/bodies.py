"""Routes: the registry of certification bodies authorised by PROMPERÚ."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from services.audit.api.roles import BodyRegistrar, ReferenceReader
from services.audit.api.schemas import BodiesPublic, BodyCreate, BodyPublic, BodyUpdate, page
from services.audit.domain.filters import BodyFilter
from services.audit.handlers import bodies
from shared.deps import CursorQuery, LimitQuery, ReadDbDep, UowDep
from shared.idempotency import idempotent

router = APIRouter(prefix="/certification-bodies", tags=["certification bodies"])


@router.post(
    "", summary="Register an authorised certification body", status_code=201, response_model=BodyPublic
)
async def register_certification_body(body: BodyCreate, request: Request, uow: UowDep, caller: BodyRegistrar):
    async def action() -> BodyPublic:
        return BodyPublic.model_validate(await bodies.register(uow, body))

    return await idempotent(request, uow, action, subject=caller.subject)


@router.patch(
    "/{body_id}",
    summary="Change a body's authorisation (validity, number, active)",
    response_model=BodyPublic,
)
async def update_certification_body(
    body_id: uuid.UUID, body: BodyUpdate, uow: UowDep, caller: BodyRegistrar
) -> BodyPublic:
    return BodyPublic.model_validate(await bodies.change(uow, body_id, body))


@router.get("", summary="List certification bodies", response_model=BodiesPublic)
async def list_certification_bodies(
    db: ReadDbDep,
    caller: ReferenceReader,
    filters: Annotated[BodyFilter, Query()],
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> BodiesPublic:
    return page(BodiesPublic, await bodies.page(db, filters=filters, cursor=cursor, limit=limit))


@router.get("/{body_id}", summary="One certification body", response_model=BodyPublic)
async def get_certification_body(body_id: uuid.UUID, db: ReadDbDep, caller: ReferenceReader) -> BodyPublic:
    return BodyPublic.model_validate(await bodies.read(db, body_id=body_id))
