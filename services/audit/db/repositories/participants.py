"""The participants read model, fed only by enrollment's and training's events."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.audit.db.repositories.where import equal_to
from services.audit.db.tables import assistance_visits, participants
from services.audit.domain.filters import ParticipantFilter
from shared.repository import Repository

t = participants


class ParticipantRepository(Repository):
    table = participants
    noun = "Participant"
    noun_es = "El participante"

    async def get(self, *, participant_id: uuid.UUID, for_update: bool = False) -> sa.Row[Any] | None:
        return await self._one(self._select(t.c.participant_id == participant_id, for_update=for_update))

    async def get_or_raise(self, *, participant_id: uuid.UUID, for_update: bool = False) -> sa.Row[Any]:
        if (row := await self.get(participant_id=participant_id, for_update=for_update)) is None:
            raise self._missing(participant_id)
        return row

    async def page(
        self, *, filters: ParticipantFilter, cursor: str | None, limit: int
    ) -> tuple[list[sa.Row[Any]], str | None]:
        stmt = self._select(*equal_to(t, filters, exclude={"eligible"}))
        if filters.eligible is not None:
            stmt = stmt.where(t.c.eligible_at.is_not(None) if filters.eligible else t.c.eligible_at.is_(None))
        return await self._page(stmt, [t.c.legal_name, t.c.participant_id], cursor=cursor, limit=limit)

    async def upsert(
        self, *, participant_id: uuid.UUID, insert: dict[str, Any], update: dict[str, Any]
    ) -> None:
        """Create the participant or change only the given columns: events may arrive in any order."""
        stmt = pg_insert(t).values(participant_id=participant_id, **insert)
        if not update:
            await self.db.execute(stmt.on_conflict_do_nothing(index_elements=[t.c.participant_id]))
            return
        await self.db.execute(stmt.on_conflict_do_update(index_elements=[t.c.participant_id], set_=update))

    async def record_training(
        self,
        *,
        participant_id: uuid.UUID,
        insert: dict[str, Any],
        completed_at: datetime | None,
        changed_at: datetime,
    ) -> None:
        """Completion or revocation, taken only when newer than what is recorded."""
        stmt = pg_insert(t).values(
            participant_id=participant_id,
            **insert,
            training_completed_at=completed_at,
            training_changed_at=changed_at,
        )
        c = t.c
        newer = sa.or_(
            c.training_changed_at.is_(None), c.training_changed_at <= stmt.excluded.training_changed_at
        )
        set_ = {
            "training_completed_at": sa.case(
                (newer, stmt.excluded.training_completed_at), else_=c.training_completed_at
            ),
            "training_changed_at": sa.case(
                (newer, stmt.excluded.training_changed_at), else_=c.training_changed_at
            ),
        }
        await self.db.execute(stmt.on_conflict_do_update(index_elements=[c.participant_id], set_=set_))

    async def upsert_monitor(
        self, *, participant_id: uuid.UUID, insert: dict[str, Any], monitor: dict[str, Any]
    ) -> None:
        """Create the participant or take the monitor columns only when they are newer.

        The admission and a later reassignment travel on different topics, so either may
        arrive first: ``monitor_assigned_at`` decides, not the arrival order.
        """
        stmt = pg_insert(t).values(participant_id=participant_id, **insert, **monitor)
        c = t.c
        newer = sa.or_(
            c.monitor_assigned_at.is_(None), c.monitor_assigned_at <= stmt.excluded.monitor_assigned_at
        )
        set_ = {column: sa.case((newer, stmt.excluded[column]), else_=c[column]) for column in monitor}
        await self.db.execute(
            stmt.on_conflict_do_update(
                index_elements=[c.participant_id], set_=set_ | {"updated_at": sa.func.now()}
            )
        )

    async def record_assistance(self, *, visit: dict[str, Any]) -> None:
        stmt = pg_insert(assistance_visits).values(**visit)
        await self.db.execute(stmt.on_conflict_do_nothing(index_elements=[assistance_visits.c.assistance_id]))

    async def count_assistance(self, *, participant_id: uuid.UUID) -> int:
        v = assistance_visits
        stmt = sa.select(sa.func.count()).where(v.c.participant_id == participant_id)
        count: int = (await self.db.execute(stmt)).scalar_one()
        return count
