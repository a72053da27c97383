"""What every repository shares: a session, a table, get / get_or_raise / update / paging."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.errors import NotFound
from shared.pagination import keyset_page, page_of


class Repository:
    table: sa.Table
    what: str  # the noun used in 404s
    key: str = "id"

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, ident: Any, *, for_update: bool = False) -> sa.Row | None:
        stmt = sa.select(self.table).where(self.table.c[self.key] == ident)
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).first()

    async def get_or_raise(self, ident: Any, *, for_update: bool = False) -> sa.Row:
        row = await self.get(ident, for_update=for_update)
        if row is None:
            raise NotFound(self.what, ident, detail_es=f"{self.what} {ident} no existe.")
        return row

    async def create(self, **values: Any) -> sa.Row:
        stmt = sa.insert(self.table).values(**values).returning(self.table)
        return (await self.session.execute(stmt)).one()

    async def update(self, ident: Any, **values: Any) -> sa.Row:
        stmt = (
            sa.update(self.table)
            .where(self.table.c[self.key] == ident)
            .values(**values)
            .returning(self.table)
        )
        return (await self.session.execute(stmt)).one()

    async def page(
        self, stmt: sa.Select, order_by: list[sa.ColumnElement], *, cursor: str | None, limit: int
    ) -> tuple[list[sa.Row], str | None]:
        """One page of ``stmt`` in stable order (the last column must be unique)."""
        rows = (await self.session.execute(keyset_page(stmt, order_by, cursor=cursor, limit=limit))).all()
        names = [c.name for c in order_by]
        return page_of(list(rows), limit, key=lambda row: [getattr(row, n) for n in names])
