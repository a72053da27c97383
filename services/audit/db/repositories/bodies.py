"""The registry of certification bodies authorised by PROMPERÚ."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from services.audit.db.repositories.where import equal_to
from services.audit.db.tables import certification_bodies
from services.audit.domain.filters import BodyFilter
from shared.repository import Repository

t = certification_bodies


class BodyRepository(Repository):
    table = certification_bodies
    noun = "Certification body"
    noun_es = "El organismo de certificación"

    async def get(self, *, body_id: uuid.UUID, for_update: bool = False) -> sa.Row[Any] | None:
        return await self._one(self._select(t.c.id == body_id, for_update=for_update))

    async def get_or_raise(self, *, body_id: uuid.UUID, for_update: bool = False) -> sa.Row[Any]:
        if (row := await self.get(body_id=body_id, for_update=for_update)) is None:
            raise self._missing(body_id)
        return row

    async def get_by_authorisation(self, *, number: str) -> sa.Row[Any] | None:
        return await self._one(self._select(t.c.authorisation_number == number))

    async def lock_authorisation(self, *, number: str) -> None:
        """Serialise registrations of one number, so the unique index never surfaces as a 500."""
        await self.db.execute(
            sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext("audit:body:" + number)))
        )

    async def page(
        self, *, filters: BodyFilter, cursor: str | None, limit: int
    ) -> tuple[list[sa.Row[Any]], str | None]:
        stmt = self._select(*equal_to(t, filters))
        return await self._page(stmt, [t.c.name, t.c.id], cursor=cursor, limit=limit)

    async def create(self, *, values: dict[str, Any]) -> sa.Row[Any]:
        return await self._insert(values)

    async def update(self, *, body_id: uuid.UUID, values: dict[str, Any]) -> sa.Row[Any]:
        return await self._update(t.c.id == body_id, values)
