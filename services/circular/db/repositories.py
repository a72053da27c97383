"""Repositories of schema ``circular`` (docs/conventions.md §1): one class per aggregate."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.circular.db.tables import (
    companies,
    journey_follow_ups,
    journeys,
    microcourse_learners,
    microcourse_messages,
)
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


# --- the micro-course (h8) ---------------------------------------------------------------------

learner = microcourse_learners.c


class LearnerRepository(Repository):
    """Learners by the keyed hash of their number (never by the number)."""

    table = microcourse_learners
    noun = "Learner"

    async def get(self, *, phone_hash: str, for_update: bool = False) -> sa.Row | None:
        return await self._one(self._select(learner.phone_hash == phone_hash, for_update=for_update))

    async def create_if_absent(self, *, values: dict[str, Any]) -> bool:
        """Insert unless a learner with this hash exists (two first messages may race); True if inserted."""
        stmt = (
            pg_insert(microcourse_learners)
            .values(**values)
            .on_conflict_do_nothing(constraint="microcourse_learners_phone_hash_key")
            .returning(learner.id)
        )
        return (await self.db.execute(stmt)).first() is not None

    async def update(self, *, learner_id: uuid.UUID, values: dict[str, Any]) -> sa.Row:
        return await self._update(learner.id == learner_id, values)

    async def page(
        self, *, node: str | None, completed: bool | None, cursor: str | None, limit: int
    ) -> tuple[list[sa.Row], str | None]:
        stmt = sa.select(microcourse_learners)
        if node is not None:
            stmt = stmt.where(learner.node == node)
        if completed is not None:
            stmt = stmt.where(
                learner.completed_on.is_not(None) if completed else learner.completed_on.is_(None)
            )
        return await self._page(stmt, [learner.enrolled_on, learner.id], cursor=cursor, limit=limit)

    async def counts(self, *, since: date | None, until: date) -> list[sa.Row]:
        """Per (node, gender): learners enrolled in [since, until] and those of them completed by ``until``."""
        enrolled = learner.enrolled_on <= until
        if since is not None:
            enrolled = sa.and_(enrolled, learner.enrolled_on >= since)
        completed = sa.and_(learner.completed_on.is_not(None), learner.completed_on <= until)
        stmt = (
            sa.select(
                learner.node,
                learner.gender,
                sa.func.count().label("enrolled"),
                sa.func.count().filter(completed).label("completed"),
            )
            .where(enrolled)
            .group_by(learner.node, learner.gender)
            .order_by(learner.node, learner.gender)
        )
        return await self._all(stmt)


class MicrocourseMessageRepository(Repository):
    """The provider's messages seen, by id: the idempotency record of the webhook."""

    table = microcourse_messages
    noun = "Micro-course message"

    async def get(self, *, message_id: str, for_update: bool = False) -> sa.Row | None:
        return await self._one(
            self._select(microcourse_messages.c.message_id == message_id, for_update=for_update)
        )

    async def create_if_absent(self, *, values: dict[str, Any]) -> bool:
        """Record the message; False when its id was seen before (a replay: change nothing)."""
        stmt = (
            pg_insert(microcourse_messages)
            .values(**values)
            .on_conflict_do_nothing(index_elements=[microcourse_messages.c.message_id])
            .returning(microcourse_messages.c.message_id)
        )
        return (await self.db.execute(stmt)).first() is not None


# --- transition journeys (h8) ------------------------------------------------------------------

journey = journeys.c


class JourneyRepository(Repository):
    table = journeys
    noun = "Transition journey"

    async def get(self, *, journey_id: uuid.UUID, for_update: bool = False) -> sa.Row | None:
        return await self._one(self._select(journey.id == journey_id, for_update=for_update))

    async def get_or_raise(self, *, journey_id: uuid.UUID, for_update: bool = False) -> sa.Row:
        row = await self.get(journey_id=journey_id, for_update=for_update)
        if row is None:
            raise self._missing(journey_id)
        return row

    async def create(self, *, values: dict[str, Any]) -> sa.Row:
        return await self._insert(values)

    async def update(self, *, journey_id: uuid.UUID, values: dict[str, Any]) -> sa.Row:
        return await self._update(journey.id == journey_id, values)

    async def page(
        self,
        *,
        status: str | None,
        node: str | None,
        ruc: str | None,
        cursor: str | None,
        limit: int,
    ) -> tuple[list[sa.Row], str | None]:
        stmt = sa.select(journeys)
        if status is not None:
            stmt = stmt.where(journey.status == status)
        if node is not None:
            stmt = stmt.where(journey.node == node)
        if ruc is not None:
            stmt = stmt.where(journey.company_ruc == ruc)
        return await self._page(stmt, [journey.started_on, journey.id], cursor=cursor, limit=limit)


class FollowUpRepository(Repository):
    table = journey_follow_ups
    noun = "Follow-up"

    async def create(self, *, values: dict[str, Any]) -> sa.Row:
        return await self._insert(values)

    async def all_for_journey(self, *, journey_id: uuid.UUID) -> list[sa.Row]:
        """In recording order (the later of two measurements on one day wins)."""
        stmt = self._select(journey_follow_ups.c.journey_id == journey_id).order_by(
            journey_follow_ups.c.recorded_at, journey_follow_ups.c.id
        )
        return await self._all(stmt)
