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


_INSERTS: dict[tuple[sa.Table, bool, bool, str], Any] = {}
_BY_KEY: dict[tuple[sa.Table, str, bool], sa.Select[Any]] = {}


def inserting(
    table: sa.Table, *, skip_conflicts: bool = False, returning: bool = True, **conflict: Any
) -> Any:
    """``INSERT INTO table ... RETURNING *`` (with ``ON CONFLICT ... DO NOTHING`` when
    ``skip_conflicts``: ``conflict`` names the index_elements or constraint, or nothing for any),
    built once: executed with the row as parameters, the columns are the row's keys.

    Building ``insert(table).values(**row)`` per call coerced every value into a bind
    parameter and hashed them all for the compiled cache: ~40 columns cost more CPU than the
    round trip (issue 15)."""
    key = (table, skip_conflicts, returning, _conflict_key(conflict))
    stmt = _INSERTS.get(key)
    if stmt is None:
        if skip_conflicts:
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            stmt = pg_insert(table).on_conflict_do_nothing(**conflict)
        else:
            stmt = sa.insert(table)
        if returning:
            stmt = stmt.returning(table)
        _INSERTS[key] = stmt
    return stmt


def _conflict_key(conflict: dict[str, Any]) -> str:
    """The conflict target as a cache key, columns by name (``repr`` of a Column alone cost
    ~25 µs, on every insert)."""

    def name(value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            return [name(v) for v in value]
        return value.name if isinstance(value, sa.Column) else str(value)

    return repr(sorted((k, name(v)) for k, v in conflict.items()))


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

    async def _one_by(self, column: str, value: object, *, for_update: bool = False) -> sa.Row[Any] | None:
        """The row whose ``column`` equals ``value``: the hot lookup by key, its statement built
        and compiled once per table, column and lock (building ``select().where()`` and its
        cache key on every call cost more CPU than running it, issue 15)."""
        key = (self.table, column, for_update)
        stmt = _BY_KEY.get(key)
        if stmt is None:
            stmt = _BY_KEY[key] = self._select(
                self.table.c[column] == sa.bindparam("key"), for_update=for_update
            )
        row: sa.Row[Any] | None = (await self.db.execute(stmt, {"key": value})).first()
        return row

    async def _one(self, stmt: sa.Select[Any]) -> sa.Row[Any] | None:
        row: sa.Row[Any] | None = (await self.db.execute(stmt)).first()
        return row

    async def _all(self, stmt: sa.Select[Any]) -> list[sa.Row[Any]]:
        return list((await self.db.execute(stmt)).all())

    def _missing(self, ident: object) -> NotFound:
        return NotFound(self.noun, ident, detail_es=f"{self.noun_es or self.noun} {ident} no existe.")

    async def _insert(self, values: dict[str, Any]) -> sa.Row[Any]:
        row: sa.Row[Any] = (await self.db.execute(inserting(self.table), values)).one()
        return row

    async def _update(self, where: sa.ColumnElement[bool], values: dict[str, Any]) -> sa.Row[Any]:
        # The new values travel as parameters (SET for each key): no per-call coercion of
        # every value into the statement, which is compiled once per set of keys.
        stmt = sa.update(self.table).where(where).returning(self.table)
        row: sa.Row[Any] = (await self.db.execute(stmt, values)).one()
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
