"""Repositories of the training schema (docs/conventions.md §1), on ``shared.repository``.

One class per aggregate, over the unit of work's session (writes) or a read connection
(``ReadDb``). Rows the use cases decide on come back as domain objects (``Participant``,
``Session``, ``CohortSettings``, ``Attendee``); listings are keyset pages of rows.

``for_update=True`` takes a row lock so concurrent use cases touching the same session or
company serialise. Lock order is always session -> cohort -> participants (ordered by id),
so two transactions never wait on each other in a cycle.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime
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
from services.training.domain.curriculum import WORKSHOP_NUMBERS
from services.training.domain.participants import Participant
from services.training.domain.progress import SessionPresence
from services.training.domain.sessions import Session, SessionStatus
from shared.errors import NotFound
from shared.pagination import encode_cursor, keyset_page, page_of, typed_cursor
from shared.repository import Repository

Rows = list[sa.Row[Any]]
RowPage = tuple[Rows, str | None]


def _where_equal(
    stmt: sa.Select[Any], filters: Iterable[tuple[sa.ColumnElement[Any], Any]]
) -> sa.Select[Any]:
    """``stmt`` filtered by every ``column == value`` whose value is given (not None)."""
    for column, value in filters:
        if value is not None:
            stmt = stmt.where(column == value)
    return stmt


class WorkshopRepository(Repository):
    table = workshops
    noun = "Workshop"
    noun_es = "El Taller"

    async def get_or_raise(self, *, number: int) -> sa.Row[Any]:
        row = await self._one(self._select(workshops.c.number == number))
        if row is None:
            raise self._missing(number)
        return row

    async def all(self) -> Rows:
        """The curriculum, Talleres 0-10 in order."""
        return await self._all(sa.select(workshops).order_by(workshops.c.number))


def _cohort(row: sa.Row[Any]) -> CohortSettings:
    values = dict(row._mapping)
    values["workshop_durations"] = {int(k): int(v) for k, v in values["workshop_durations"].items()}
    values["mandatory_workshops"] = sorted(values["mandatory_workshops"])
    return CohortSettings(**values)


class CohortRepository(Repository):
    table = cohorts
    noun = "Cohort"
    noun_es = "La cohorte"

    def _missing(self, ident: object) -> NotFound:
        return NotFound(
            self.noun,
            ident,
            detail_es=f"La cohorte {ident} no existe en capacitación (aún no tiene empresas admitidas).",
        )

    async def get(self, *, cohort_id: uuid.UUID, for_update: bool = False) -> CohortSettings | None:
        row = await self._one(self._select(cohorts.c.cohort_id == cohort_id, for_update=for_update))
        return _cohort(row) if row else None

    async def get_or_raise(self, *, cohort_id: uuid.UUID, for_update: bool = False) -> CohortSettings:
        cohort = await self.get(cohort_id=cohort_id, for_update=for_update)
        if cohort is None:
            raise self._missing(cohort_id)
        return cohort

    async def page(self, *, cursor: str | None, limit: int) -> RowPage:
        """Cohorts by name, each with its count of participant companies (``participants``)."""
        counts = (
            sa.select(participants.c.cohort_id, sa.func.count().label("participants"))
            .group_by(participants.c.cohort_id)
            .subquery()
        )
        stmt = sa.select(
            cohorts, sa.func.coalesce(counts.c.participants, 0).label("participants")
        ).select_from(cohorts.outerjoin(counts, counts.c.cohort_id == cohorts.c.cohort_id))
        return await self._page(
            stmt, [cohorts.c.cohort_name, cohorts.c.cohort_id], cursor=cursor, limit=limit
        )

    async def create(
        self,
        *,
        cohort_id: uuid.UUID,
        cohort_name: str | None,
        mandatory: list[int],
        min_share: Decimal,
        now: datetime,
    ) -> None:
        """Create the cohort with defaults, idempotently; a known cohort only learns its real name."""
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
        await self.db.execute(stmt)

    async def update(self, *, cohort_id: uuid.UUID, values: dict[str, Any]) -> CohortSettings:
        if "workshop_durations" in values:
            values = values | {
                "workshop_durations": {str(k): v for k, v in values["workshop_durations"].items()}
            }
        return _cohort(await self._update(cohorts.c.cohort_id == cohort_id, values))


@dataclass(frozen=True)
class MatrixPage:
    """One page of a cohort's matrix as Postgres serialised it (a JSON array of
    ``MatrixRowPublic``), and the cursor of the next page."""

    rows_json: str
    next_cursor: str | None


# A company not yet evaluated (no attendance) gets the empty cells.
_MATRIX_PAGE_SQL = """
WITH page AS (
    SELECT participant_id, ruc, legal_name, status, completion_state,
           cells_attended, cells_share, cells_minutes,
           row_number() OVER (ORDER BY ruc, participant_id) AS n
    FROM training.participants
    WHERE cohort_id = :cohort_id {filters}
    ORDER BY ruc, participant_id
    LIMIT :limit_plus_one
)
SELECT coalesce(
           json_agg(
               json_build_object(
                   'participant_id', participant_id, 'ruc', ruc, 'legal_name', legal_name,
                   'status', status, 'completion_state', completion_state,
                   'attended', coalesce(cells_attended, array_fill(false, ARRAY[CAST(:workshops AS integer)])),
                   'best_share', coalesce(cells_share, array_fill(NULL::float8, ARRAY[CAST(:workshops AS integer)])),
                   'minutes', coalesce(cells_minutes, array_fill(NULL::float8, ARRAY[CAST(:workshops AS integer)]))
               ) ORDER BY n
           ) FILTER (WHERE n <= :limit),
           '[]'
       )::text AS rows_json,
       coalesce(max(n) > :limit, false) AS more,
       max(ruc) FILTER (WHERE n = :limit) AS last_ruc,
       (array_agg(participant_id) FILTER (WHERE n = :limit))[1] AS last_id
FROM page
"""


class ParticipantRepository(Repository):
    table = participants
    noun = "Participant"
    noun_es = "La empresa participante"

    async def get(self, *, participant_id: uuid.UUID, for_update: bool = False) -> Participant | None:
        stmt = self._select(participants.c.participant_id == participant_id, for_update=for_update)
        row = await self._one(stmt)
        return Participant(**row._mapping) if row else None

    async def get_or_raise(self, *, participant_id: uuid.UUID, for_update: bool = False) -> Participant:
        participant = await self.get(participant_id=participant_id, for_update=for_update)
        if participant is None:
            raise self._missing(participant_id)
        return participant

    async def all(
        self,
        *,
        participant_ids: Collection[uuid.UUID] | None = None,
        cohort_id: uuid.UUID | None = None,
        rucs: Collection[str] | None = None,
        for_update: bool = False,
    ) -> list[Participant]:
        """Participants matching every given filter, in id order (the deadlock-free lock order)."""
        stmt = self._select(for_update=for_update).order_by(participants.c.participant_id)
        if participant_ids is not None:
            stmt = stmt.where(participants.c.participant_id.in_(list(participant_ids)))
        if cohort_id is not None:
            stmt = stmt.where(participants.c.cohort_id == cohort_id)
        if rucs is not None:
            stmt = stmt.where(participants.c.ruc.in_(list(rucs)))
        return [Participant(**row._mapping) for row in await self._all(stmt)]

    async def page(
        self,
        *,
        cohort_id: uuid.UUID | None,
        ruc: str | None,
        status: str | None,
        completion_state: str | None,
        cursor: str | None,
        limit: int,
    ) -> RowPage:
        """Participants by RUC, each with its ``cohort_name``."""
        stmt = sa.select(participants, cohorts.c.cohort_name).select_from(
            participants.join(cohorts, cohorts.c.cohort_id == participants.c.cohort_id)
        )
        stmt = _where_equal(
            stmt,
            [
                (participants.c.cohort_id, cohort_id),
                (participants.c.ruc, ruc),
                (participants.c.status, status),
                (participants.c.completion_state, completion_state),
            ],
        )
        order = [participants.c.ruc, participants.c.participant_id]
        return await self._page(stmt, order, cursor=cursor, limit=limit)

    async def cohort_ids(self, *, ruc: str) -> set[uuid.UUID]:
        """The cohorts a company takes part in."""
        stmt = sa.select(participants.c.cohort_id).where(participants.c.ruc == ruc).distinct()
        return set((await self.db.execute(stmt)).scalars())

    async def create(self, *, values: dict[str, Any]) -> None:
        await self.db.execute(sa.insert(participants).values(**values))

    async def update(self, *, participant_id: uuid.UUID, values: dict[str, Any]) -> None:
        await self.db.execute(
            sa.update(participants).where(participants.c.participant_id == participant_id).values(**values)
        )

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
        await self.db.execute(stmt, rows)

    async def matrix_page(
        self,
        *,
        cohort_id: uuid.UUID,
        status: str | None,
        completion_state: str | None,
        cursor: str | None,
        limit: int,
    ) -> MatrixPage:
        """One page of a cohort's companies with their workshop cells, in one indexed read.

        The cells are written by the completion re-evaluation in every transaction that can
        change them, so this hot read aggregates nothing (computing them here from the 16,500
        attendance rows of a 500-company cohort measured 80 ms p50 / 300 ms p99 on this
        loaded machine), and Postgres writes the JSON (half the time of decoding the rows
        and serialising them again in Python).
        """
        params: dict[str, Any] = {"cohort_id": cohort_id, "limit": limit, "limit_plus_one": limit + 1}
        params["workshops"] = len(WORKSHOP_NUMBERS)
        filters = []
        if status is not None:
            filters.append("AND status = :status")
            params["status"] = status
        if completion_state is not None:
            filters.append("AND completion_state = :completion_state")
            params["completion_state"] = completion_state
        if cursor:
            after_ruc, after_id = typed_cursor(cursor, [participants.c.ruc, participants.c.participant_id])
            filters.append("AND (ruc, participant_id) > (:after_ruc, :after_id)")
            params |= {"after_ruc": after_ruc, "after_id": after_id}
        sql = sa.text(_MATRIX_PAGE_SQL.format(filters=" ".join(filters)))
        row = (await self.db.execute(sql, params)).one()
        next_cursor = encode_cursor([row.last_ruc, str(row.last_id)]) if row.more else None
        return MatrixPage(rows_json=row.rows_json, next_cursor=next_cursor)


class AttendeeRepository(Repository):
    table = attendees
    noun = "Attendee"
    noun_es = "El asistente"

    async def get(
        self,
        *,
        attendee_id: uuid.UUID | None = None,
        participant_id: uuid.UUID | None = None,
        dni: str | None = None,
    ) -> Attendee | None:
        """One person by id, or by company and DNI (one per DNI and company)."""
        if attendee_id is not None:
            row = await self._one(self._select(attendees.c.attendee_id == attendee_id))
        else:
            row = await self._one(
                self._select(attendees.c.participant_id == participant_id, attendees.c.dni == dni)
            )
        return Attendee(**row._mapping) if row else None

    async def get_or_raise(self, *, attendee_id: uuid.UUID) -> Attendee:
        attendee = await self.get(attendee_id=attendee_id)
        if attendee is None:
            raise self._missing(attendee_id)
        return attendee

    async def page(self, *, participant_id: uuid.UUID, cursor: str | None, limit: int) -> RowPage:
        stmt = sa.select(attendees).where(attendees.c.participant_id == participant_id)
        order = [attendees.c.full_name, attendees.c.attendee_id]
        return await self._page(stmt, order, cursor=cursor, limit=limit)

    async def create(self, *, attendee: Attendee) -> None:
        await self.db.execute(sa.insert(attendees).values(**vars(attendee)))

    async def update(self, *, attendee_id: uuid.UUID, values: dict[str, Any]) -> Attendee:
        return Attendee(**(await self._update(attendees.c.attendee_id == attendee_id, values))._mapping)

    async def create_missing(
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
        created = await self.db.execute(
            pg_insert(attendees).on_conflict_do_nothing().returning(attendees.c.attendee_id), rows
        )
        created_count = len(created.all())
        found = await self.db.execute(
            sa.select(attendees.c.participant_id, attendees.c.dni, attendees.c.attendee_id).where(
                attendees.c.participant_id
                == sa.any_(sa.bindparam("companies", type_=ARRAY(UUID(as_uuid=True))))
            ),
            {"companies": list({r["participant_id"] for r in rows})},
        )
        return {(r.participant_id, r.dni): r.attendee_id for r in found}, created_count


class SessionRepository(Repository):
    table = sessions
    noun = "Session"

    def _missing(self, ident: object) -> NotFound:
        return NotFound(self.noun, ident, detail_es=f"La sesión {ident} no existe.")

    async def get(self, *, session_id: uuid.UUID, for_update: bool = False) -> Session | None:
        row = await self._one(self._select(sessions.c.session_id == session_id, for_update=for_update))
        return Session(**row._mapping) if row else None

    async def get_or_raise(self, *, session_id: uuid.UUID, for_update: bool = False) -> Session:
        found = await self.get(session_id=session_id, for_update=for_update)
        if found is None:
            raise self._missing(session_id)
        return found

    async def page(
        self,
        *,
        cohort_id: uuid.UUID | None,
        cohort_ids: set[uuid.UUID] | None,
        workshop_number: int | None,
        status: str | None,
        mode: str | None,
        starts_from: datetime | None,
        starts_before: datetime | None,
        cursor: str | None,
        limit: int,
    ) -> RowPage:
        """Sessions by start time, with their ``workshop_title``; ``cohort_ids`` None is every cohort."""
        stmt = sa.select(sessions, workshops.c.title_es.label("workshop_title")).select_from(
            sessions.join(workshops, workshops.c.number == sessions.c.workshop_number)
        )
        if cohort_ids is not None:
            stmt = stmt.where(sessions.c.cohort_id.in_(list(cohort_ids)))
        stmt = _where_equal(
            stmt,
            [
                (sessions.c.cohort_id, cohort_id),
                (sessions.c.workshop_number, workshop_number),
                (sessions.c.status, status),
                (sessions.c.mode, mode),
            ],
        )
        if starts_from is not None:
            stmt = stmt.where(sessions.c.starts_at >= starts_from)
        if starts_before is not None:
            stmt = stmt.where(sessions.c.starts_at < starts_before)
        order = [sessions.c.starts_at, sessions.c.session_id]
        return await self._page(stmt, order, cursor=cursor, limit=limit)

    async def create(self, *, session: Session) -> None:
        await self.db.execute(sa.insert(sessions).values(**vars(session)))

    async def update(self, *, session_id: uuid.UUID, values: dict[str, Any]) -> Session:
        return Session(**(await self._update(sessions.c.session_id == session_id, values))._mapping)


class AttendanceRepository(Repository):
    table = attendance
    noun = "Attendance"

    async def count(self, *, session_id: uuid.UUID) -> int:
        stmt = sa.select(sa.func.count()).where(attendance.c.session_id == session_id)
        count: int = (await self.db.execute(stmt)).scalar_one()
        return count

    async def participant_ids(self, *, session_id: uuid.UUID) -> list[uuid.UUID]:
        """The companies with attendance recorded in a session."""
        stmt = sa.select(attendance.c.participant_id).where(attendance.c.session_id == session_id).distinct()
        return list((await self.db.execute(stmt)).scalars())

    async def page(
        self, *, session_id: uuid.UUID, ruc: str | None, cursor: str | None, limit: int
    ) -> RowPage:
        """A session's attendance with each person's DNI, name, company RUC and the session's duration."""
        stmt = (
            sa.select(
                attendance,
                attendees.c.dni,
                attendees.c.full_name,
                participants.c.ruc,
                sessions.c.duration_minutes,
            )
            .select_from(
                attendance.join(attendees, attendees.c.attendee_id == attendance.c.attendee_id)
                .join(participants, participants.c.participant_id == attendance.c.participant_id)
                .join(sessions, sessions.c.session_id == attendance.c.session_id)
            )
            .where(attendance.c.session_id == session_id)
        )
        stmt = _where_equal(stmt, [(participants.c.ruc, ruc)])
        order = [participants.c.ruc, attendees.c.full_name, attendance.c.attendee_id]
        return await self._page(stmt, order, cursor=cursor, limit=limit)

    async def all_for_attendee(self, *, attendee_id: uuid.UUID) -> Rows:
        """The held sessions a person has a record for, oldest first, with the workshop's title."""
        stmt = (
            sa.select(
                sessions.c.session_id,
                sessions.c.workshop_number,
                sessions.c.starts_at,
                sessions.c.duration_minutes,
                attendance.c.seconds_present,
                workshops.c.title_es,
            )
            .select_from(
                attendance.join(sessions, sessions.c.session_id == attendance.c.session_id).join(
                    workshops, workshops.c.number == sessions.c.workshop_number
                )
            )
            .where(
                attendance.c.attendee_id == attendee_id, sessions.c.status == SessionStatus.scheduled.value
            )
            .order_by(sessions.c.starts_at, sessions.c.session_id)
        )
        return await self._all(stmt)

    async def presences(
        self,
        *,
        participant_ids: Collection[uuid.UUID] | None = None,
        cohort_id: uuid.UUID | None = None,
        session_id: uuid.UUID | None = None,
        with_women: bool = False,
    ) -> list[SessionPresence]:
        """Per company and held (not cancelled) session: the best presence and the people present.

        The one aggregate that decides attendance: the progress pages and the completion
        events read it alike, so they can never disagree.
        """
        a, s = attendance, sessions
        present = a.c.seconds_present > 0
        columns: list[sa.ColumnElement[Any]] = [
            a.c.participant_id,
            s.c.workshop_number,
            s.c.session_id,
            s.c.duration_minutes,
            sa.func.max(a.c.seconds_present).label("best_seconds"),
            sa.func.count().filter(present).label("people_present"),
        ]
        source = a.join(s, s.c.session_id == a.c.session_id)
        if with_women:
            source = source.join(attendees, attendees.c.attendee_id == a.c.attendee_id)
            columns.append(
                sa.func.count().filter(present & (attendees.c.gender == "female")).label("women_present")
            )
        stmt = (
            sa.select(*columns)
            .select_from(source)
            .where(s.c.status == SessionStatus.scheduled.value)
            .group_by(a.c.participant_id, s.c.session_id)
        )
        if participant_ids is not None:
            stmt = stmt.where(a.c.participant_id.in_(list(participant_ids)))
        stmt = _where_equal(stmt, [(s.c.cohort_id, cohort_id), (s.c.session_id, session_id)])
        return [SessionPresence(**row._mapping) for row in await self._all(stmt)]

    async def upsert(self, *, rows: list[dict[str, Any]]) -> None:
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
        await self.db.execute(stmt, rows)

    async def delete(self, *, session_id: uuid.UUID, attendee_id: uuid.UUID) -> None:
        stmt = (
            sa.delete(attendance)
            .where(attendance.c.session_id == session_id, attendance.c.attendee_id == attendee_id)
            .returning(attendance.c.attendee_id)
        )
        if (await self.db.execute(stmt)).first() is None:
            raise NotFound("Attendance", f"of {attendee_id} in session {session_id}")


class AssistanceRepository(Repository):
    table = assistance
    noun = "Assistance"

    async def create(self, *, values: dict[str, Any]) -> None:
        await self.db.execute(sa.insert(assistance).values(**values))

    async def page(
        self,
        *,
        participant_id: uuid.UUID | None = None,
        cohort_id: uuid.UUID | None = None,
        monitor_subject: str | None = None,
        held_from: date | None = None,
        held_to: date | None = None,
        cursor: str | None,
        limit: int,
        descending: bool,
    ) -> RowPage:
        """Visits and calls with the company's RUC and cohort, by date (``descending``: newest first)."""
        stmt = sa.select(assistance, participants.c.ruc, participants.c.cohort_id).select_from(
            assistance.join(participants, participants.c.participant_id == assistance.c.participant_id)
        )
        stmt = _where_equal(
            stmt,
            [
                (assistance.c.participant_id, participant_id),
                (participants.c.cohort_id, cohort_id),
                (assistance.c.monitor_subject, monitor_subject),
            ],
        )
        if held_from is not None:
            stmt = stmt.where(assistance.c.held_on >= held_from)
        if held_to is not None:
            stmt = stmt.where(assistance.c.held_on <= held_to)
        order: list[sa.ColumnElement[Any]] = [
            assistance.c.held_on,
            assistance.c.created_at,
            assistance.c.assistance_id,
        ]
        page = keyset_page(stmt, order, cursor=cursor, limit=limit, descending=descending)
        rows = await self._all(page)
        return page_of(rows, limit, key=lambda r: [r.held_on, r.created_at, r.assistance_id])
