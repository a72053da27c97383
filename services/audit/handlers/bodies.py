"""The registry of certification bodies (PROMPERÚ officers keep it)."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from services.audit.db.repositories import BodyRepository
from services.audit.domain.errors import InvalidInput
from shared.errors import Conflict
from shared.uow import UnitOfWork


async def register_body(uow: UnitOfWork, data: dict[str, Any]) -> sa.Row:
    async with uow:
        repo = BodyRepository(uow.session)
        await _ensure_number_free(repo, data["authorisation_number"])
        now = uow.clock.now()
        row = await repo.create(id=uuid.uuid4(), created_at=now, updated_at=now, **data)
        await uow.commit()
    return row


async def update_body(uow: UnitOfWork, body_id: uuid.UUID, changes: dict[str, Any]) -> sa.Row:
    async with uow:
        repo = BodyRepository(uow.session)
        body = await repo.get_or_raise(body_id, for_update=True)
        if "authorisation_number" in changes and changes["authorisation_number"] != body.authorisation_number:
            await _ensure_number_free(repo, changes["authorisation_number"])
        valid_from = changes.get("valid_from", body.valid_from)
        valid_to = changes.get("valid_to", body.valid_to)
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
        row = await repo.update(body_id, updated_at=uow.clock.now(), **changes)
        await uow.commit()
    return row


async def list_bodies(
    uow: UnitOfWork, *, active: bool | None, cursor: str | None, limit: int
) -> tuple[list[sa.Row], str | None]:
    async with uow:
        return await BodyRepository(uow.session).list(active=active, cursor=cursor, limit=limit)


async def get_body(uow: UnitOfWork, body_id: uuid.UUID) -> sa.Row:
    async with uow:
        return await BodyRepository(uow.session).get_or_raise(body_id)


async def _ensure_number_free(repo: BodyRepository, number: str) -> None:
    # Serialise registrations of the same number so the unique index never surfaces as a 500.
    await repo.session.execute(
        sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext("audit:body:" + number)))
    )
    other = await repo.get_by_authorisation(number)
    if other is not None:
        raise Conflict(
            f"Authorisation number {number} is already registered to {other.name}.",
            detail_es=f"El número de autorización {number} ya está registrado para {other.name}.",
            extra={"body_id": str(other.id)},
        )
