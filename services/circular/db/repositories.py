"""Repositories of schema ``circular`` (docs/conventions.md §1): one class per aggregate."""

from __future__ import annotations

import sqlalchemy as sa

from services.circular.db.tables import companies
from shared.repository import Repository


class CompanyRepository(Repository):
    table = companies
    noun = "Company"

    async def get(self, *, ruc: str, for_update: bool = False) -> sa.Row | None:
        return await self._one(self._select(companies.c.ruc == ruc, for_update=for_update))

    async def get_or_raise(self, *, ruc: str, for_update: bool = False) -> sa.Row:
        row = await self.get(ruc=ruc, for_update=for_update)
        if row is None:
            raise self._missing(ruc)
        return row
