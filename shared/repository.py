"""The one repository shape (docs/conventions.md §1): a class per aggregate over Core.

A repository runs on whatever executes Core statements: the unit of work's session inside a
transaction, or a read connection (``shared.deps.ReadDb``). Its verbs are ``get`` (row or
None), ``get_or_raise`` (row or 404), ``page`` (keyset page), ``all``/``all_for_<x>`` (bounded,
unpaged), ``create``, ``update`` and ``delete``; arguments after ``self`` are keyword-only. It
never commits and never decides access.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Protocol

import sqlalchemy as sa

from shared.errors import NotFound
from shared.pagination import keyset_page, page_of


class Executor(Protocol):
    """What a repository needs: an AsyncSession or an AsyncConnection."""

    async def execute(self, statement: Any, parameters: Any = None) -> Any: ...


class Repository:
    """Base of every repository: ``table``, the ``noun`` named in 404s, and the plumbing."""

    table: ClassVar[sa.Table]
    noun: ClassVar[str]
    # The noun with its article for the Spanish 404 ("La empresa 20... no existe.").
    noun_es: ClassVar[str] = ""

    def __init__(self, db: Executor) -> None:
        self.db = db

    def _select(self, *where: sa.ColumnElement[bool], for_update: bool = False) -> sa.Select[Any]:
        stmt = sa.select(self.table).where(*where)
        return stmt.with_for_update() if for_update else stmt

    async def _one(self, stmt: sa.Select[Any]) -> sa.Row[Any] | None:
        row: sa.Row[Any] | None = (await self.db.execute(stmt)).first()
        return row

    async def _all(self, stmt: sa.Select[Any]) -> list[sa.Row[Any]]:
        return list((await self.db.execute(stmt)).all())

    def _missing(self, ident: object) -> NotFound:
        return NotFound(self.noun, ident, detail_es=f"{self.noun_es or self.noun} {ident} no existe.")

    async def _insert(self, values: dict[str, Any]) -> sa.Row[Any]:
        stmt = sa.insert(self.table).values(**values).returning(self.table)
        row: sa.Row[Any] = (await self.db.execute(stmt)).one()
        return row

    async def _update(self, where: sa.ColumnElement[bool], values: dict[str, Any]) -> sa.Row[Any]:
        stmt = sa.update(self.table).where(where).values(**values).returning(self.table)
        row: sa.Row[Any] = (await self.db.execute(stmt)).one()
        return row

    async def _page(
        self,
        stmt: sa.Select[Any],
        order_by: Sequence[sa.ColumnElement[Any]],
        *,
        cursor: str | None,
        limit: int,
        descending: bool = False,
    ) -> tuple[list[sa.Row[Any]], str | None]:
        """One page of ``stmt`` in stable order (the last ``order_by`` column must be unique)."""
        page = keyset_page(stmt, list(order_by), cursor=cursor, limit=limit, descending=descending)
        rows = await self._all(page)
        names = [c.key for c in order_by]
        return page_of(rows, limit, key=lambda row: [row._mapping[n] for n in names])
