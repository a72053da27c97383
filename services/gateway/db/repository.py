"""Reads and writes of ``gateway.api_keys``; never commits (handlers own the transaction)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from services.gateway.db.tables import api_keys
from shared.errors import NotFound
from shared.pagination import keyset_page, page_of


class ApiKeyRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def get(self, key_id: str, *, for_update: bool = False) -> sa.Row | None:
        stmt = sa.select(api_keys).where(api_keys.c.id == key_id)
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.conn.execute(stmt)).first()

    async def get_or_raise(self, key_id: str, *, for_update: bool = False) -> sa.Row:
        row = await self.get(key_id, for_update=for_update)
        if row is None:
            raise NotFound("API key", key_id, detail_es=f"La API key {key_id} no existe.")
        return row

    async def create(self, **values: Any) -> sa.Row:
        return (await self.conn.execute(sa.insert(api_keys).values(**values).returning(api_keys))).one()

    async def update(self, key_id: str, **values: Any) -> sa.Row:
        stmt = sa.update(api_keys).where(api_keys.c.id == key_id).values(**values).returning(api_keys)
        return (await self.conn.execute(stmt)).one()

    async def list(
        self, *, active: bool | None, cursor: str | None, limit: int
    ) -> tuple[list[sa.Row], str | None]:
        """Oldest first, in stable keyset pages."""
        stmt = sa.select(api_keys)
        if active is not None:
            stmt = stmt.where(
                api_keys.c.revoked_at.is_(None) if active else api_keys.c.revoked_at.is_not(None)
            )
        order = [api_keys.c.created_at, api_keys.c.id]
        rows = (await self.conn.execute(keyset_page(stmt, order, cursor=cursor, limit=limit))).all()
        return page_of(list(rows), limit, key=lambda row: [row.created_at, row.id])
