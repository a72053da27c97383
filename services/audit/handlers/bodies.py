"""The registry of certification bodies (PROMPERÚ officers keep it)."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from services.audit.api.schemas import BodyCreate, BodyUpdate
from services.audit.db.repositories import BodyRepository
from services.audit.domain.filters import BodyFilter
from shared.deps import ReadDb
from shared.errors import Conflict, InvalidInput
from shared.uow import UnitOfWork


async def page(
    db: ReadDb, *, filters: BodyFilter, cursor: str | None, limit: int
) -> tuple[list[sa.Row[Any]], str | None]:
    return await BodyRepository(db).page(filters=filters, cursor=cursor, limit=limit)


async def read(db: ReadDb, *, body_id: uuid.UUID) -> sa.Row[Any]:
    return await BodyRepository(db).get_or_raise(body_id=body_id)


async def register(uow: UnitOfWork, body: BodyCreate) -> sa.Row[Any]:
    async with uow:
        repo = BodyRepository(uow.session)
        await _ensure_number_free(repo, body.authorisation_number)
        now = uow.clock.now()
        row = await repo.create(
            values={"id": uuid.uuid4(), "created_at": now, "updated_at": now, **body.model_dump()}
        )
        await uow.commit()
    return row


async def change(uow: UnitOfWork, body_id: uuid.UUID, body: BodyUpdate) -> sa.Row[Any]:
    changes = body.changes()
    async with uow:
        repo = BodyRepository(uow.session)
        current = await repo.get_or_raise(body_id=body_id, for_update=True)
        number = changes.get("authorisation_number", current.authorisation_number)
        if number != current.authorisation_number:
            await _ensure_number_free(repo, number)
        valid_from = changes.get("valid_from", current.valid_from)
        valid_to = changes.get("valid_to", current.valid_to)
        if valid_to < valid_from:
            raise InvalidInput(
                "The authorisation ends before it starts.",
                [
                    {
                        "field": "valid_to",
                        "in": "body",
                        "message": f"must be on or after valid_from ({valid_from})",
                    }
                ],
                detail_es="La autorización termina antes de empezar.",
            )
        row = await repo.update(body_id=body_id, values={"updated_at": uow.clock.now(), **changes})
        await uow.commit()
    return row


async def _ensure_number_free(repo: BodyRepository, number: str) -> None:
    await repo.lock_authorisation(number=number)
    other = await repo.get_by_authorisation(number=number)
    if other is not None:
        raise Conflict(
            f"Authorisation number {number} is already registered to {other.name}.",
            detail_es=f"El número de autorización {number} ya está registrado para {other.name}.",
            extra={"body_id": str(other.id)},
        )
