"""Non-conformities of failed pre-audits and the corrective actions submitted for them."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa

from services.audit.db.repositories.base import Repository
from services.audit.db.tables import corrective_actions, nonconformities
from services.audit.domain.lifecycles import OPEN_NONCONFORMITY_STATES, NonconformityStatus


class NonconformityRepository(Repository):
    table, what = nonconformities, "Non-conformity"

    async def create_many(self, rows: list[dict[str, Any]]) -> list[sa.Row]:
        if not rows:
            return []
        stmt = sa.insert(nonconformities).returning(nonconformities)
        return list((await self.session.execute(stmt, rows)).all())

    async def list(
        self,
        *,
        ruc: str | None,
        preaudit_id: uuid.UUID | None,
        status: str | None,
        cursor: str | None,
        limit: int,
    ) -> tuple[list[sa.Row], str | None]:
        t = nonconformities
        stmt = sa.select(t)
        for column, value in ((t.c.ruc, ruc), (t.c.preaudit_id, preaudit_id), (t.c.status, status)):
            if value is not None:
                stmt = stmt.where(column == value)
        return await self.page(stmt, [t.c.created_at, t.c.id], cursor=cursor, limit=limit)

    async def list_overdue(
        self, *, as_of: date, ruc: str | None, cursor: str | None, limit: int
    ) -> tuple[list[sa.Row], str | None]:
        """Not closed and past the deadline, oldest deadline first."""
        t = nonconformities
        stmt = sa.select(t).where(t.c.status.in_(OPEN_NONCONFORMITY_STATES), t.c.deadline < as_of)
        if ruc is not None:
            stmt = stmt.where(t.c.ruc == ruc)
        return await self.page(stmt, [t.c.deadline, t.c.id], cursor=cursor, limit=limit)

    async def count_unclosed(self, preaudit_id: uuid.UUID) -> int:
        t = nonconformities
        stmt = sa.select(sa.func.count()).where(
            t.c.preaudit_id == preaudit_id, t.c.status != NonconformityStatus.verified_closed
        )
        return (await self.session.execute(stmt)).scalar_one()

    # -- corrective actions -------------------------------------------------------------------
    async def create_action(self, **values: Any) -> sa.Row:
        stmt = sa.insert(corrective_actions).values(**values).returning(corrective_actions)
        return (await self.session.execute(stmt)).one()

    async def pending_action(self, nonconformity_id: uuid.UUID) -> sa.Row | None:
        """The submitted action awaiting the auditor's verdict."""
        t = corrective_actions
        stmt = (
            sa.select(t)
            .where(t.c.nonconformity_id == nonconformity_id, t.c.verdict.is_(None))
            .order_by(t.c.submitted_at.desc())
            .limit(1)
        )
        return (await self.session.execute(stmt)).first()

    async def update_action(self, action_id: uuid.UUID, **values: Any) -> sa.Row:
        t = corrective_actions
        stmt = sa.update(t).where(t.c.id == action_id).values(**values).returning(t)
        return (await self.session.execute(stmt)).one()

    async def actions(self, nonconformity_id: uuid.UUID) -> list[sa.Row]:
        t = corrective_actions
        stmt = sa.select(t).where(t.c.nonconformity_id == nonconformity_id).order_by(t.c.submitted_at, t.c.id)
        return list((await self.session.execute(stmt)).all())
