"""Recording attendance: one person at a time, or a whole virtual meeting's report.

Recording a person again replaces what was recorded (a correction), so uploading the
same report twice leaves the same attendance. Every change is followed by
:func:`announce_attendance_change` (events and completion) in the same transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from services.training.db.repositories import (
    AttendanceRepository,
    AttendeeRepository,
    ParticipantRepository,
    RowPage,
    SessionRepository,
)
from services.training.domain.access import company_scope, ensure_may_act_for, may_act_for
from services.training.domain.attendance_report import (
    RowError,
    decode_report,
    parse_report,
    session_day_of,
)
from services.training.domain.attendees import ensure_in_cohort
from services.training.domain.participants import ParticipantStatus, ensure_active
from services.training.domain.presence import Interval, presence_seconds
from services.training.domain.sessions import Session, SessionAction, SessionStatus, apply, ensure_started
from services.training.handlers.attendance_effects import announce_attendance_change
from shared.auth import Principal
from shared.deps import ReadDb
from shared.uow import UnitOfWork


@dataclass
class RecordedAttendance:
    session_id: uuid.UUID
    attendee_id: uuid.UUID
    participant_id: uuid.UUID
    ruc: str
    dni: str
    full_name: str
    seconds_present: int
    duration_minutes: int
    check_in: datetime | None
    check_out: datetime | None
    source: str
    recorded_by: str
    recorded_at: datetime


@dataclass
class ImportReport:
    rows_read: int
    rows_accepted: int
    people_recorded: int
    attendees_created: int
    companies: int
    errors: list[RowError] = field(default_factory=list)

    @property
    def rows_rejected(self) -> int:
        return len({e.line for e in self.errors})


async def page(
    db: ReadDb, caller: Principal, *, session_id: uuid.UUID, ruc: str | None, cursor: str | None, limit: int
) -> RowPage:
    """Who attended a session (a company: only its people)."""
    return await AttendanceRepository(db).page(
        session_id=session_id, ruc=company_scope(caller, ruc), cursor=cursor, limit=limit
    )


async def _open_session(uow: UnitOfWork, session_id: uuid.UUID) -> Session:
    session = await SessionRepository(uow.session).get_or_raise(session_id=session_id, for_update=True)
    apply(SessionStatus(session.status), SessionAction.record_attendance)
    ensure_started(session, uow.clock.now())
    return session


async def record(
    uow: UnitOfWork,
    *,
    session_id: uuid.UUID,
    attendee_id: uuid.UUID,
    check_in: datetime | None,
    check_out: datetime | None,
    minutes_present: float | None,
    principal: Principal,
) -> RecordedAttendance:
    """Record (or correct) one person's presence: check-in/check-out, or minutes."""
    actor = principal.subject
    async with uow:
        session = await _open_session(uow, session_id)
        attendee = await AttendeeRepository(uow.session).get_or_raise(attendee_id=attendee_id)
        participant = await ParticipantRepository(uow.session).get_or_raise(
            participant_id=attendee.participant_id, for_update=True
        )
        ensure_may_act_for(principal, participant, what="Attendee")
        ensure_in_cohort(attendee, company=participant, cohort_id=session.cohort_id)
        ensure_active(ParticipantStatus(participant.status), participant.ruc)
        intervals = [Interval(check_in, check_out)] if check_in and check_out else []
        seconds = presence_seconds(
            intervals,
            window_start=session.starts_at,
            window_end=session.ends_at,
            extra_minutes=[minutes_present] if minutes_present is not None else [],
        )
        recorded = RecordedAttendance(
            session_id=session_id,
            attendee_id=attendee_id,
            participant_id=participant.participant_id,
            ruc=participant.ruc,
            dni=attendee.dni,
            full_name=attendee.full_name,
            seconds_present=seconds,
            duration_minutes=session.duration_minutes,
            check_in=check_in,
            check_out=check_out,
            source="manual",
            recorded_by=actor,
            recorded_at=uow.clock.now(),
        )
        row = {k: getattr(recorded, k) for k in _ATTENDANCE_COLUMNS}
        await AttendanceRepository(uow.session).upsert(rows=[row])
        await announce_attendance_change(
            uow, session, [participant.participant_id], reason="attendance_corrected"
        )
        await uow.commit()
        return recorded


_ATTENDANCE_COLUMNS = (
    "session_id",
    "attendee_id",
    "participant_id",
    "seconds_present",
    "check_in",
    "check_out",
    "source",
    "recorded_by",
    "recorded_at",
)


async def delete(
    uow: UnitOfWork, *, session_id: uuid.UUID, attendee_id: uuid.UUID, principal: Principal
) -> None:
    """Remove a person's attendance (recorded by mistake); may revoke the company's completion."""
    async with uow:
        session = await SessionRepository(uow.session).get_or_raise(session_id=session_id, for_update=True)
        attendee = await AttendeeRepository(uow.session).get_or_raise(attendee_id=attendee_id)
        participant = await ParticipantRepository(uow.session).get_or_raise(
            participant_id=attendee.participant_id, for_update=True
        )
        ensure_may_act_for(principal, participant, what="Attendee")
        await AttendanceRepository(uow.session).delete(session_id=session_id, attendee_id=attendee_id)
        await announce_attendance_change(
            uow, session, [attendee.participant_id], reason="attendance_corrected"
        )
        await uow.commit()


async def import_report(
    uow: UnitOfWork, *, session_id: uuid.UUID, raw: bytes, principal: Principal
) -> ImportReport:
    """Record everyone in a meeting's attendance report; bad rows are reported, not fatal.

    People are bound by RUC (a participant of the session's cohort) and DNI; a DNI not
    yet registered for that company is registered from the report's name and email. A
    monitor's report records only its own companies: other RUCs are rejected rows, told
    apart from nothing (as if they were not in the cohort).
    """
    actor = principal.subject
    async with uow:
        session = await _open_session(uow, session_id)
        parsed = parse_report(decode_report(raw), session_day=session_day_of(session.starts_at))
        errors = list(parsed.errors)
        companies = {
            p.ruc: p
            for p in await ParticipantRepository(uow.session).all(
                cohort_id=session.cohort_id, rucs={person.ruc for person in parsed.people}, for_update=True
            )
            if may_act_for(principal, p)
        }
        accepted = []
        for person in parsed.people:
            company = companies.get(person.ruc)
            if company is None:
                problem = f"RUC {person.ruc} is not a participant company of this session's cohort"
            elif company.status == ParticipantStatus.withdrawn:
                problem = f"company {person.ruc} has withdrawn from the programme"
            else:
                accepted.append((company, person))
                continue
            errors.extend(RowError(line, "ruc", problem) for line in person.lines)

        now = uow.clock.now()
        ids, created = await AttendeeRepository(uow.session).create_missing(
            people=[(c.participant_id, p.dni, p.name, p.email) for c, p in accepted], now=now
        )
        rows = []
        for company, person in accepted:
            rows.append(
                {
                    "session_id": session_id,
                    "attendee_id": ids[(company.participant_id, person.dni)],
                    "participant_id": company.participant_id,
                    "seconds_present": presence_seconds(
                        person.intervals,
                        window_start=session.starts_at,
                        window_end=session.ends_at,
                        extra_minutes=person.minutes,
                    ),
                    "check_in": min((i.start for i in person.intervals), default=None),
                    "check_out": max((i.end for i in person.intervals), default=None),
                    "source": "report",
                    "recorded_by": actor,
                    "recorded_at": now,
                }
            )
        await AttendanceRepository(uow.session).upsert(rows=rows)
        affected = sorted({c.participant_id for c, _ in accepted})
        await announce_attendance_change(uow, session, affected, reason="attendance_corrected")
        await uow.commit()
        return ImportReport(
            rows_read=parsed.rows_read,
            rows_accepted=sum(len(p.lines) for _, p in accepted),
            people_recorded=len(rows),
            attendees_created=created,
            companies=len(affected),
            errors=sorted(errors, key=lambda e: (e.line, e.field or "")),
        )
