"""Non-conformities of failed pre-audits and the corrective actions submitted for them."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa

from services.audit.db.repositories.where import equal_to
from services.audit.db.tables import corrective_actions, nonconformities
from services.audit.domain.filters import NonconformityFilter
from services.audit.domain.lifecycles import OPEN_NONCONFORMITY_STATES, NonconformityStatus
from shared.repository import Repository

t = nonconformities
a = corrective_actions


class NonconformityRepository(Repository):
    table = nonconformities
    noun = "Non-conformity"
    noun_es = "La no conformidad"

    async def get(self, *, nonconformity_id: uuid.UUID, for_update: bool = False) -> sa.Row[Any] | None:
        return await self._one(self._select(t.c.id == nonconformity_id, for_update=for_update))

    async def get_or_raise(self, *, nonconformity_id: uuid.UUID, for_update: bool = False) -> sa.Row[Any]:
        if (row := await self.get(nonconformity_id=nonconformity_id, for_update=for_update)) is None:
            raise self._missing(nonconformity_id)
        return row

    async def page(
        self, *, filters: NonconformityFilter, cursor: str | None, limit: int
    ) -> tuple[list[sa.Row[Any]], str | None]:
        stmt = self._select(*equal_to(t, filters))
        return await self._page(stmt, [t.c.created_at, t.c.id], cursor=cursor, limit=limit)

    async def page_overdue(
        self, *, as_of: date, ruc: str | None, cursor: str | None, limit: int
    ) -> tuple[list[sa.Row[Any]], str | None]:
        """Not closed and past the deadline, oldest deadline first."""
        stmt = self._select(t.c.status.in_(OPEN_NONCONFORMITY_STATES), t.c.deadline < as_of)
        if ruc is not None:
            stmt = stmt.where(t.c.ruc == ruc)
        return await self._page(stmt, [t.c.deadline, t.c.id], cursor=cursor, limit=limit)

    async def count_unclosed(self, *, preaudit_id: uuid.UUID) -> int:
        stmt = sa.select(sa.func.count()).where(
            t.c.preaudit_id == preaudit_id, t.c.status != NonconformityStatus.verified_closed
        )
        count: int = (await self.db.execute(stmt)).scalar_one()
        return count

    async def create_many(self, *, rows: list[dict[str, Any]]) -> None:
        if rows:
            await self.db.execute(sa.insert(t), rows)

    async def update(self, *, nonconformity_id: uuid.UUID, values: dict[str, Any]) -> sa.Row[Any]:
        return await self._update(t.c.id == nonconformity_id, values)

    # -- corrective actions -------------------------------------------------------------------
    async def create_action(self, *, values: dict[str, Any]) -> None:
        await self.db.execute(sa.insert(a).values(**values))

    async def pending_action(self, *, nonconformity_id: uuid.UUID) -> sa.Row[Any] | None:
        """The submitted action awaiting the auditor's verdict."""
        stmt = (
            sa.select(a)
            .where(a.c.nonconformity_id == nonconformity_id, a.c.verdict.is_(None))
            .order_by(a.c.submitted_at.desc())
            .limit(1)
        )
        return await self._one(stmt)

    async def update_action(self, *, action_id: uuid.UUID, values: dict[str, Any]) -> None:
        await self.db.execute(sa.update(a).where(a.c.id == action_id).values(**values))

    async def all_actions(self, *, nonconformity_id: uuid.UUID) -> list[sa.Row[Any]]:
        stmt = sa.select(a).where(a.c.nonconformity_id == nonconformity_id)
        return await self._all(stmt.order_by(a.c.submitted_at, a.c.id))
