"""Repositories of the training schema: the write side, used inside a unit of work.

Verbs are keyword-only; ``lock=True`` takes a row lock (``FOR UPDATE``) so concurrent
use cases touching the same session or company serialise. Lock order is always
session -> cohort -> participants (ordered by id), so two transactions never wait on
each other in a cycle.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.training.db.tables import (
    assistance,
    attendance,
    attendees,
    cohorts,
    participants,
    sessions,
    workshops,
)
from services.training.domain.attendees import Attendee
from services.training.domain.cohorts import CohortSettings
from services.training.domain.participants import Participant
from services.training.domain.sessions import Session
from shared.errors import NotFound


def _cohort(row: sa.Row) -> CohortSettings:
    values = dict(row._mapping)
    values["workshop_durations"] = {int(k): int(v) for k, v in values["workshop_durations"].items()}
    values["mandatory_workshops"] = sorted(values["mandatory_workshops"])
    return CohortSettings(**values)


class CohortRepository:
    def __init__(self, session) -> None:
        self.session = session

    async def get(self, *, cohort_id: uuid.UUID, lock: bool = False) -> CohortSettings | None:
        stmt = sa.select(cohorts).where(cohorts.c.cohort_id == cohort_id)
        row = (await self.session.execute(stmt.with_for_update() if lock else stmt)).first()
        return _cohort(row) if row else None

    async def get_or_raise(self, *, cohort_id: uuid.UUID, lock: bool = False) -> CohortSettings:
        cohort = await self.get(cohort_id=cohort_id, lock=lock)
        if cohort is None:
            raise NotFound(
                "Cohort",
                cohort_id,
                detail_es=f"La cohorte {cohort_id} no existe en capacitación (aún no tiene empresas admitidas).",
            )
        return cohort

    async def create_default(
        self,
        *,
        cohort_id: uuid.UUID,
        cohort_name: str | None,
        mandatory: list[int],
        min_share: Decimal,
        now: datetime,
    ) -> None:
        """Create the cohort with defaults; a known cohort only learns its real name."""
        stmt = pg_insert(cohorts).values(
            cohort_id=cohort_id,
            cohort_name=cohort_name or f"cohort {cohort_id}",
            mandatory_workshops=mandatory,
            min_attendance_share=min_share,
            workshop_durations={},
            created_at=now,
            updated_at=now,
        )
        if cohort_name:
            stmt = stmt.on_conflict_do_update(
                index_elements=[cohorts.c.cohort_id], set_={"cohort_name": cohort_name}
            )
        else:
            stmt = stmt.on_conflict_do_nothing()
        await self.session.execute(stmt)

    async def update(self, *, cohort_id: uuid.UUID, values: dict[str, Any]) -> None:
        if "workshop_durations" in values:
            values = values | {
                "workshop_durations": {str(k): v for k, v in values["workshop_durations"].items()}
            }
        await self.session.execute(
            sa.update(cohorts).where(cohorts.c.cohort_id == cohort_id).values(**values)
        )


class WorkshopRepository:
    def __init__(self, session) -> None:
        self.session = session

    async def get_or_raise(self, *, number: int) -> sa.Row:
        row = (await self.session.execute(sa.select(workshops).where(workshops.c.number == number))).first()
        if row is None:
            raise NotFound("Workshop", number, detail_es=f"El Taller {number} no existe.")
        return row


class ParticipantRepository:
    def __init__(self, session) -> None:
        self.session = session

    async def get(self, *, participant_id: uuid.UUID, lock: bool = False) -> Participant | None:
        stmt = sa.select(participants).where(participants.c.participant_id == participant_id)
        row = (await self.session.execute(stmt.with_for_update() if lock else stmt)).first()
        return Participant(**row._mapping) if row else None

    async def get_or_raise(self, *, participant_id: uuid.UUID, lock: bool = False) -> Participant:
        participant = await self.get(participant_id=participant_id, lock=lock)
        if participant is None:
            raise NotFound(
                "Participant",
                participant_id,
                detail_es=f"La empresa participante {participant_id} no existe.",
            )
        return participant

    async def list_locked(
        self,
        *,
        participant_ids: Collection[uuid.UUID] | None = None,
        cohort_id: uuid.UUID | None = None,
        rucs: Collection[str] | None = None,
    ) -> list[Participant]:
        """Participants matching every given filter, locked in id order (the deadlock-free order)."""
        stmt = sa.select(participants).order_by(participants.c.participant_id).with_for_update()
        if participant_ids is not None:
            stmt = stmt.where(participants.c.participant_id.in_(list(participant_ids)))
        if cohort_id is not None:
            stmt = stmt.where(participants.c.cohort_id == cohort_id)
        if rucs is not None:
            stmt = stmt.where(participants.c.ruc.in_(list(rucs)))
        return [Participant(**row._mapping) for row in await self.session.execute(stmt)]

    async def create(self, *, values: dict[str, Any]) -> None:
        await self.session.execute(sa.insert(participants).values(**values))

    async def update_cells(self, *, rows: list[dict[str, Any]]) -> None:
        """Store matrix cells: rows of ``participant``, ``attended``, ``share``, ``minutes``."""
        if not rows:
            return
        stmt = (
            sa.update(participants)
            .where(participants.c.participant_id == sa.bindparam("participant"))
            .values(
                cells_attended=sa.bindparam("attended"),
                cells_share=sa.bindparam("share"),
                cells_minutes=sa.bindparam("minutes"),
            )
        )
        await self.session.execute(stmt, rows)

    async def update(self, *, participant_id: uuid.UUID, values: dict[str, Any]) -> None:
        await self.session.execute(
            sa.update(participants).where(participants.c.participant_id == participant_id).values(**values)
        )


class AttendeeRepository:
    def __init__(self, session) -> None:
        self.session = session

    async def get(self, *, attendee_id: uuid.UUID) -> Attendee | None:
        row = (
            await self.session.execute(sa.select(attendees).where(attendees.c.attendee_id == attendee_id))
        ).first()
        return Attendee(**row._mapping) if row else None

    async def get_or_raise(self, *, attendee_id: uuid.UUID) -> Attendee:
        attendee = await self.get(attendee_id=attendee_id)
        if attendee is None:
            raise NotFound("Attendee", attendee_id, detail_es=f"El asistente {attendee_id} no existe.")
        return attendee

    async def get_by_dni(self, *, participant_id: uuid.UUID, dni: str) -> Attendee | None:
        stmt = sa.select(attendees).where(
            attendees.c.participant_id == participant_id, attendees.c.dni == dni
        )
        row = (await self.session.execute(stmt)).first()
        return Attendee(**row._mapping) if row else None

    async def create(self, *, attendee: Attendee) -> None:
        await self.session.execute(sa.insert(attendees).values(**vars(attendee)))

    async def update(self, *, attendee_id: uuid.UUID, values: dict[str, Any]) -> None:
        await self.session.execute(
            sa.update(attendees).where(attendees.c.attendee_id == attendee_id).values(**values)
        )

    async def ensure_many(
        self, *, people: Iterable[tuple[uuid.UUID, str, str, str | None]], now: datetime
    ) -> tuple[dict[tuple[uuid.UUID, str], uuid.UUID], int]:
        """Attendee ids for (participant, DNI, name, email), registering the unknown ones.

        Returns the ids and how many were created. A known person keeps the name and
        data already registered (a meeting nickname never overwrites them).
        """
        rows = [
            {
                "attendee_id": uuid.uuid4(),
                "participant_id": participant_id,
                "dni": dni,
                "full_name": name,
                "email": email,
                "gender": "not_stated",
                "created_at": now,
                "updated_at": now,
            }
            for participant_id, dni, name, email in people
        ]
        if not rows:
            return {}, 0
        # executemany: compiled once and batched by SQLAlchemy, where one multi-row VALUES
        # statement per report cost more Python time than the whole database work.
        created = await self.session.execute(
            pg_insert(attendees).on_conflict_do_nothing().returning(attendees.c.attendee_id), rows
        )
        created_count = len(created.all())
        found = await self.session.execute(
            sa.select(attendees.c.participant_id, attendees.c.dni, attendees.c.attendee_id).where(
                attendees.c.participant_id
                == sa.any_(sa.bindparam("companies", type_=ARRAY(UUID(as_uuid=True))))
            ),
            {"companies": list({r["participant_id"] for r in rows})},
        )
        return {(r.participant_id, r.dni): r.attendee_id for r in found}, created_count


class SessionRepository:
    def __init__(self, session) -> None:
        self.session = session

    async def get(self, *, session_id: uuid.UUID, lock: bool = False) -> Session | None:
        stmt = sa.select(sessions).where(sessions.c.session_id == session_id)
        row = (await self.session.execute(stmt.with_for_update() if lock else stmt)).first()
        return Session(**row._mapping) if row else None

    async def get_or_raise(self, *, session_id: uuid.UUID, lock: bool = False) -> Session:
        found = await self.get(session_id=session_id, lock=lock)
        if found is None:
            raise NotFound("Session", session_id, detail_es=f"La sesión {session_id} no existe.")
        return found

    async def create(self, *, session: Session) -> None:
        await self.session.execute(sa.insert(sessions).values(**vars(session)))

    async def update(self, *, session_id: uuid.UUID, values: dict[str, Any]) -> None:
        await self.session.execute(
            sa.update(sessions).where(sessions.c.session_id == session_id).values(**values)
        )


class AttendanceRepository:
    def __init__(self, session) -> None:
        self.session = session

    async def count(self, *, session_id: uuid.UUID) -> int:
        stmt = sa.select(sa.func.count()).where(attendance.c.session_id == session_id)
        return (await self.session.execute(stmt)).scalar_one()

    async def participants_of(self, *, session_id: uuid.UUID) -> list[uuid.UUID]:
        stmt = sa.select(attendance.c.participant_id).where(attendance.c.session_id == session_id).distinct()
        return list((await self.session.execute(stmt)).scalars())

    async def upsert_many(self, *, rows: list[dict[str, Any]]) -> None:
        """Record or replace each person's attendance of a session (a correction replaces)."""
        if not rows:
            return
        stmt = pg_insert(attendance)
        stmt = stmt.on_conflict_do_update(
            index_elements=[attendance.c.session_id, attendance.c.attendee_id],
            set_={
                c: stmt.excluded[c]
                for c in ("seconds_present", "check_in", "check_out", "source", "recorded_by", "recorded_at")
            },
        )
        await self.session.execute(stmt, rows)

    async def delete(self, *, session_id: uuid.UUID, attendee_id: uuid.UUID) -> bool:
        stmt = (
            sa.delete(attendance)
            .where(attendance.c.session_id == session_id, attendance.c.attendee_id == attendee_id)
            .returning(attendance.c.attendee_id)
        )
        return (await self.session.execute(stmt)).first() is not None


class AssistanceRepository:
    def __init__(self, session) -> None:
        self.session = session

    async def create(self, *, values: dict[str, Any]) -> None:
        await self.session.execute(sa.insert(assistance).values(**values))
