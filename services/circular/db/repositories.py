"""Repositories of schema ``circular`` (docs/conventions.md §1): one class per aggregate."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.circular.db.tables import (
    activities,
    activity_companies,
    attendees,
    companies,
    journey_follow_ups,
    journeys,
    microcourse_learners,
    microcourse_messages,
    trainees,
    trainings,
)
from shared.repository import Repository

COMPANY_FACTS = ("legal_name", "size", "manufacturing", "women_led")


class CompanyRepository(Repository):
    table = companies
    noun = "Company"
    noun_es = "La empresa"

    async def get(self, *, ruc: str, for_update: bool = False) -> sa.Row[Any] | None:
        return await self._one(self._select(companies.c.ruc == ruc, for_update=for_update))

    async def get_or_raise(self, *, ruc: str, for_update: bool = False) -> sa.Row[Any]:
        row = await self.get(ruc=ruc, for_update=for_update)
        if row is None:
            raise self._missing(ruc)
        return row

    async def upsert(self, *, ruc: str, facts: dict[str, Any], now: datetime) -> sa.Row[Any]:
        """The company, created if new; the facts given (not None) replace the recorded ones."""
        return (await self.upsert_many(facts={ruc: facts}, now=now))[0]

    async def upsert_many(self, *, facts: dict[str, dict[str, Any]], now: datetime) -> list[sa.Row[Any]]:
        """The companies (RUC -> stated facts), created if new; a stated fact replaces the recorded one,
        an unstated one (None) leaves it. One statement for a whole sheet."""
        if not facts:
            return []
        rows = [
            {"ruc": ruc, "created_at": now, "updated_at": now, **{k: f.get(k) for k in COMPANY_FACTS}}
            for ruc, f in sorted(facts.items())
        ]
        insert = pg_insert(companies).values(rows)
        stmt = insert.on_conflict_do_update(
            index_elements=[companies.c.ruc],
            set_={
                **{k: sa.func.coalesce(insert.excluded[k], companies.c[k]) for k in COMPANY_FACTS},
                "updated_at": now,
            },
        ).returning(companies)
        return list((await self.db.execute(stmt)).all())

    async def all(self, *, rucs: list[str]) -> list[sa.Row[Any]]:
        return await self._all(self._select(companies.c.ruc.in_(rucs)).order_by(companies.c.ruc))


class ActivityRepository(Repository):
    table = activities
    noun = "Activity"
    noun_es = "La actividad"

    async def get(self, *, activity_id: uuid.UUID, for_update: bool = False) -> sa.Row[Any] | None:
        return await self._one(self._select(activities.c.id == activity_id, for_update=for_update))

    async def get_or_raise(self, *, activity_id: uuid.UUID, for_update: bool = False) -> sa.Row[Any]:
        row = await self.get(activity_id=activity_id, for_update=for_update)
        if row is None:
            raise self._missing(activity_id)
        return row

    async def get_by_ref(self, *, organiser: str, external_ref: str) -> sa.Row[Any] | None:
        return await self._one(
            self._select(activities.c.organiser == organiser, activities.c.external_ref == external_ref)
        )

    async def create(self, *, values: dict[str, Any]) -> sa.Row[Any]:
        return await self._insert(values)

    async def touch(self, *, activity_id: uuid.UUID, now: datetime) -> None:
        await self.db.execute(
            sa.update(activities).where(activities.c.id == activity_id).values(updated_at=now)
        )

    async def page(
        self,
        *,
        node: str | None = None,
        kind: str | None = None,
        methodology: str | None = None,
        held_from: date | None = None,
        held_to: date | None = None,
        created_by: str | None = None,
        cursor: str | None,
        limit: int,
    ) -> tuple[list[sa.Row[Any]], str | None]:
        c = activities.c
        where = [
            cond
            for cond in (
                c.node == node if node else None,
                c.kind == kind if kind else None,
                c.methodology == methodology if methodology else None,
                c.held_on >= held_from if held_from else None,
                c.held_on <= held_to if held_to else None,
                c.created_by == created_by if created_by is not None else None,
            )
            if cond is not None
        ]
        return await self._page(
            sa.select(activities).where(*where), [c.held_on, c.id], cursor=cursor, limit=limit
        )


class ActivityCompanyRepository(Repository):
    """Which companies attended an activity (what "sensitised" counts)."""

    table = activity_companies
    noun = "Activity company"
    noun_es = "La asistencia de la empresa"

    async def create_many(self, *, activity_id: uuid.UUID, rucs: list[str], now: datetime) -> set[str]:
        """Those of ``rucs`` new to the activity (the others were there already)."""
        if not rucs:
            return set()
        stmt = (
            pg_insert(activity_companies)
            .values([{"activity_id": activity_id, "ruc": ruc, "created_at": now} for ruc in rucs])
            .on_conflict_do_nothing()
            .returning(activity_companies.c.ruc)
        )
        return set((await self.db.execute(stmt)).scalars())

    async def rucs_seen_before(self, *, rucs: list[str], activity_id: uuid.UUID) -> set[str]:
        """Those of ``rucs`` with an attendance at another activity (not their first)."""
        stmt = (
            sa.select(activity_companies.c.ruc)
            .where(activity_companies.c.ruc.in_(rucs), activity_companies.c.activity_id != activity_id)
            .distinct()
        )
        return set((await self.db.execute(stmt)).scalars())

    async def all_for_activity(self, *, activity_id: uuid.UUID) -> list[sa.Row[Any]]:
        stmt = (
            sa.select(activity_companies.c.ruc, *[companies.c[k] for k in COMPANY_FACTS])
            .join(companies, companies.c.ruc == activity_companies.c.ruc)
            .where(activity_companies.c.activity_id == activity_id)
            .order_by(activity_companies.c.ruc)
        )
        return await self._all(stmt)

    async def delete_others(self, *, activity_id: uuid.UUID, keep: set[str]) -> int:
        stmt = sa.delete(activity_companies).where(
            activity_companies.c.activity_id == activity_id, activity_companies.c.ruc.not_in(keep or {""})
        )
        result = await self.db.execute(stmt)
        return int(result.rowcount or 0)


class AttendeeRepository(Repository):
    """The people at an activity: personal data, never published."""

    table = attendees
    noun = "Attendee"
    noun_es = "La persona asistente"

    async def upsert_many(self, *, rows: list[dict[str, Any]]) -> int:
        """How many of the people are new to the activity; a known person's gender and role are updated
        (a blank role leaves the recorded one). One statement for a whole sheet."""
        if not rows:
            return 0
        insert = pg_insert(attendees).values(rows)
        stmt: Any = insert.on_conflict_do_update(
            constraint="attendees_activity_person_key",
            set_={
                "gender": insert.excluded.gender,
                "role": sa.func.coalesce(insert.excluded.role, attendees.c.role),
            },
        ).returning(sa.literal_column("(xmax = 0)").label("inserted"))
        return sum(1 for row in (await self.db.execute(stmt)).all() if row.inserted)

    async def all_for_activity(self, *, activity_id: uuid.UUID) -> list[sa.Row[Any]]:
        return await self._all(
            self._select(attendees.c.activity_id == activity_id).order_by(
                attendees.c.full_name, attendees.c.id
            )
        )

    async def delete_others(self, *, activity_id: uuid.UUID, keep: set[str]) -> int:
        stmt = sa.delete(attendees).where(
            attendees.c.activity_id == activity_id, attendees.c.person_key.not_in(keep or {""})
        )
        result = await self.db.execute(stmt)
        return int(result.rowcount or 0)

    async def counts(self, *, activity_id: uuid.UUID) -> tuple[int, int]:
        """(people, women) at the activity."""
        stmt = sa.select(
            sa.func.count(),
            sa.func.count().filter(attendees.c.gender == "female"),
        ).where(attendees.c.activity_id == activity_id)
        people, women = (await self.db.execute(stmt)).one()
        return int(people), int(women)


class TrainingRepository(Repository):
    table = trainings
    noun = "Training"
    noun_es = "La capacitación"

    async def get(self, *, training_id: uuid.UUID, for_update: bool = False) -> sa.Row[Any] | None:
        return await self._one(self._select(trainings.c.id == training_id, for_update=for_update))

    async def get_or_raise(self, *, training_id: uuid.UUID, for_update: bool = False) -> sa.Row[Any]:
        row = await self.get(training_id=training_id, for_update=for_update)
        if row is None:
            raise self._missing(training_id)
        return row

    async def create(self, *, values: dict[str, Any]) -> sa.Row[Any]:
        return await self._insert(values)

    async def page(
        self, *, methodology: str | None = None, node: str | None = None, cursor: str | None, limit: int
    ) -> tuple[list[sa.Row[Any]], str | None]:
        c = trainings.c
        where = [
            cond
            for cond in (
                c.methodology == methodology if methodology else None,
                c.node == node if node else None,
            )
            if cond is not None
        ]
        return await self._page(
            sa.select(trainings).where(*where), [c.ends_on, c.id], cursor=cursor, limit=limit
        )


class TraineeRepository(Repository):
    table = trainees
    noun = "Trainee"
    noun_es = "La persona capacitada"

    async def get(self, *, trainee_id: uuid.UUID, for_update: bool = False) -> sa.Row[Any] | None:
        return await self._one(self._select(trainees.c.id == trainee_id, for_update=for_update))

    async def get_or_raise(self, *, trainee_id: uuid.UUID, for_update: bool = False) -> sa.Row[Any]:
        row = await self.get(trainee_id=trainee_id, for_update=for_update)
        if row is None:
            raise self._missing(trainee_id)
        return row

    async def upsert(self, *, values: dict[str, Any]) -> sa.Row[Any]:
        """The trainee, created or (same person in the same training) updated."""
        insert = pg_insert(trainees).values(**values)
        updated = {
            k: insert.excluded[k]
            for k in ("full_name", "dni", "gender", "kind", "institution", "hours_attended")
        }
        stmt = insert.on_conflict_do_update(
            constraint="trainees_training_person_key", set_=updated
        ).returning(trainees)
        row: sa.Row[Any] = (await self.db.execute(stmt)).one()
        return row

    async def all_for_training(self, *, training_id: uuid.UUID) -> list[sa.Row[Any]]:
        return await self._all(
            self._select(trainees.c.training_id == training_id).order_by(trainees.c.full_name, trainees.c.id)
        )


# --- the micro-course (h8) ---------------------------------------------------------------------

learner = microcourse_learners.c


class LearnerRepository(Repository):
    """Learners by the keyed hash of their number (never by the number)."""

    table = microcourse_learners
    noun = "Learner"
    noun_es = "El participante del microcurso"

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
    noun_es = "El mensaje del microcurso"

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
    noun_es = "El recorrido de transición"

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
    noun_es = "El seguimiento"

    async def create(self, *, values: dict[str, Any]) -> sa.Row:
        return await self._insert(values)

    async def all_for_journey(self, *, journey_id: uuid.UUID) -> list[sa.Row]:
        """In recording order (the later of two measurements on one day wins)."""
        stmt = self._select(journey_follow_ups.c.journey_id == journey_id).order_by(
            journey_follow_ups.c.recorded_at, journey_follow_ups.c.id
        )
        return await self._all(stmt)
