"""Reads and writes of ``gateway.api_keys`` (shared.repository shape); never commits."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from services.gateway.db.tables import api_keys
from shared.repository import Repository


class ApiKeyRepository(Repository):
    table = api_keys
    noun = "API key"
    noun_es = "La clave de API"

    async def get(self, *, key_id: str, for_update: bool = False) -> sa.Row[Any] | None:
        return await self._one(self._select(api_keys.c.id == key_id, for_update=for_update))

    async def get_or_raise(self, *, key_id: str, for_update: bool = False) -> sa.Row[Any]:
        row = await self.get(key_id=key_id, for_update=for_update)
        if row is None:
            raise self._missing(key_id)
        return row

    async def create(self, *, values: dict[str, Any]) -> sa.Row[Any]:
        return await self._insert(values)

    async def update(self, *, key_id: str, values: dict[str, Any]) -> sa.Row[Any]:
        return await self._update(api_keys.c.id == key_id, values)

    async def page(
        self, *, active: bool | None, cursor: str | None, limit: int
    ) -> tuple[list[sa.Row[Any]], str | None]:
        """Oldest first, in stable keyset pages."""
        stmt = sa.select(api_keys)
        if active is not None:
            stmt = stmt.where(
                api_keys.c.revoked_at.is_(None) if active else api_keys.c.revoked_at.is_not(None)
            )
        return await self._page(stmt, [api_keys.c.created_at, api_keys.c.id], cursor=cursor, limit=limit)
