"""The registry of certification bodies authorised by PROMPERÚ."""

from __future__ import annotations

import sqlalchemy as sa

from services.audit.db.repositories.base import Repository
from services.audit.db.tables import certification_bodies


class BodyRepository(Repository):
    table, what = certification_bodies, "Certification body"

    async def get_by_authorisation(self, number: str) -> sa.Row | None:
        t = certification_bodies
        return (await self.session.execute(sa.select(t).where(t.c.authorisation_number == number))).first()

    async def list(
        self, *, active: bool | None, cursor: str | None, limit: int
    ) -> tuple[list[sa.Row], str | None]:
        t = certification_bodies
        stmt = sa.select(t)
        if active is not None:
            stmt = stmt.where(t.c.active == active)
        return await self.page(stmt, [t.c.name, t.c.id], cursor=cursor, limit=limit)
