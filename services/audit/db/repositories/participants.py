"""The participants read model, fed only by enrollment's events."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.audit.db.repositories.base import Repository
from services.audit.db.tables import assistance_visits, participants


class ParticipantRepository(Repository):
    table, what, key = participants, "Participant", "participant_id"

    async def upsert(
        self, participant_id: uuid.UUID, *, insert: dict[str, Any], update: dict[str, Any]
    ) -> None:
        """Create the participant or change only the given columns: events may arrive in any order."""
        stmt = pg_insert(participants).values(participant_id=participant_id, **insert)
        if not update:
            await self.session.execute(
                stmt.on_conflict_do_nothing(index_elements=[participants.c.participant_id])
            )
            return
        await self.session.execute(
            stmt.on_conflict_do_update(index_elements=[participants.c.participant_id], set_=update)
        )

    async def record_training(
        self,
        participant_id: uuid.UUID,
        *,
        insert: dict[str, Any],
        completed_at: Any,
        changed_at: Any,
    ) -> None:
        """Completion or revocation, taken only when newer than what is recorded."""
        stmt = pg_insert(participants).values(
            participant_id=participant_id,
            **insert,
            training_completed_at=completed_at,
            training_changed_at=changed_at,
        )
        t = participants.c
        newer = sa.or_(
            t.training_changed_at.is_(None), t.training_changed_at <= stmt.excluded.training_changed_at
        )
        set_ = {
            "training_completed_at": sa.case(
                (newer, stmt.excluded.training_completed_at), else_=t.training_completed_at
            ),
            "training_changed_at": sa.case(
                (newer, stmt.excluded.training_changed_at), else_=t.training_changed_at
            ),
        }
        await self.session.execute(stmt.on_conflict_do_update(index_elements=[t.participant_id], set_=set_))

    async def record_assistance(self, **visit: Any) -> None:
        stmt = pg_insert(assistance_visits).values(**visit)
        await self.session.execute(
            stmt.on_conflict_do_nothing(index_elements=[assistance_visits.c.assistance_id])
        )

    async def assistance_count(self, participant_id: uuid.UUID) -> int:
        t = assistance_visits
        stmt = sa.select(sa.func.count()).where(t.c.participant_id == participant_id)
        return (await self.session.execute(stmt)).scalar_one()

    async def upsert_monitor(
        self, participant_id: uuid.UUID, *, insert: dict[str, Any], monitor: dict[str, Any]
    ) -> None:
        """Create the participant or take the monitor columns only when they are newer.

        The admission and a later reassignment travel on different topics, so either may
        arrive first: ``monitor_assigned_at`` decides, not the arrival order.
        """
        stmt = pg_insert(participants).values(participant_id=participant_id, **insert, **monitor)
        t = participants.c
        newer = sa.or_(
            t.monitor_assigned_at.is_(None), t.monitor_assigned_at <= stmt.excluded.monitor_assigned_at
        )
        set_ = {column: sa.case((newer, stmt.excluded[column]), else_=t[column]) for column in monitor}
        await self.session.execute(
            stmt.on_conflict_do_update(
                index_elements=[t.participant_id], set_=set_ | {"updated_at": sa.func.now()}
            )
        )

    async def list(
        self,
        *,
        ruc: str | None,
        monitor_id: uuid.UUID | None,
        cohort_id: uuid.UUID | None,
        eligible: bool | None,
        cursor: str | None,
        limit: int,
    ) -> tuple[list[sa.Row], str | None]:
        t = participants
        stmt = sa.select(t)
        if ruc is not None:
            stmt = stmt.where(t.c.ruc == ruc)
        if monitor_id is not None:
            stmt = stmt.where(t.c.monitor_id == monitor_id)
        if cohort_id is not None:
            stmt = stmt.where(t.c.cohort_id == cohort_id)
        if eligible is not None:
            stmt = stmt.where(t.c.eligible_at.is_not(None) if eligible else t.c.eligible_at.is_(None))
        return await self.page(stmt, [t.c.legal_name, t.c.participant_id], cursor=cursor, limit=limit)
