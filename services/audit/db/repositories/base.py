"""What every repository shares: a session, a table, get / get_or_raise / update / paging."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.errors import BadRequest, NotFound
from shared.pagination import decode_cursor, keyset_page, page_of


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
        if cursor:
            _ensure_cursor_fits(cursor, order_by)
        rows = (await self.session.execute(keyset_page(stmt, order_by, cursor=cursor, limit=limit))).all()
        names = [c.name for c in order_by]
        return page_of(list(rows), limit, key=lambda row: [getattr(row, n) for n in names])


def _ensure_cursor_fits(cursor: str, order_by: list[sa.ColumnElement]) -> None:
    """A cursor from another listing (or edited by hand) is a 400, not a database type error."""
    for value, column in zip(decode_cursor(cursor, len(order_by)), order_by, strict=True):
        if not _fits(value, column.type.python_type):
            raise BadRequest(
                "The cursor is not valid for this listing; start again without it.",
                detail_es="El cursor no es válido para este listado; vuelva a empezar sin él.",
                extra={"errors": [{"field": "cursor", "in": "query", "message": "invalid cursor"}]},
            )


def _fits(value: Any, expected: type) -> bool:
    if expected is uuid.UUID:
        try:
            uuid.UUID(str(value))
        except ValueError:
            return False
        return True
    if expected is date:  # a datetime is a date too, but not a valid key for a date column
        return isinstance(value, date) and not isinstance(value, datetime)
    return isinstance(value, expected)
