"""A workshop session's life: scheduled until cancelled, and what each state allows."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from shared.clock import LIMA
from shared.errors import Conflict, InvalidTransition, RuleViolation


class SessionStatus(StrEnum):
    scheduled = "scheduled"
    cancelled = "cancelled"


class SessionAction(StrEnum):
    reschedule = "reschedule"
    cancel = "cancel"
    record_attendance = "record_attendance"


class DeliveryMode(StrEnum):
    in_person = "in_person"
    virtual = "virtual"


TRANSITIONS: dict[SessionStatus, dict[SessionAction, SessionStatus]] = {
    SessionStatus.scheduled: {
        SessionAction.reschedule: SessionStatus.scheduled,
        SessionAction.cancel: SessionStatus.cancelled,
        SessionAction.record_attendance: SessionStatus.scheduled,
    },
    SessionStatus.cancelled: {},
}


def apply(current: SessionStatus, action: SessionAction) -> SessionStatus:
    """The status after ``action``; a cancelled session allows nothing (a final state)."""
    allowed = TRANSITIONS[current]
    if action not in allowed:
        raise InvalidTransition("Session", current.value, action.value, [a.value for a in allowed])
    return allowed[action]


def check_delivery(mode: DeliveryMode, *, venue: str | None, link: str | None) -> None:
    """An in-person session needs a venue; a virtual one needs a meeting link."""
    if mode == DeliveryMode.in_person and not venue:
        raise RuleViolation(
            "venue_required",
            "An in-person session needs a venue.",
            detail_es="Una sesión presencial requiere un lugar (venue).",
            extra={"errors": [{"field": "venue", "in": "body", "message": "required for in_person"}]},
        )
    if mode == DeliveryMode.virtual and not link:
        raise RuleViolation(
            "link_required",
            "A virtual session needs a meeting link.",
            detail_es="Una sesión virtual requiere un enlace (link).",
            extra={"errors": [{"field": "link", "in": "body", "message": "required for virtual"}]},
        )


@dataclass
class Session:
    """A workshop delivered to a cohort at a time (stored in UTC, shown in Lima time)."""

    session_id: uuid.UUID
    cohort_id: uuid.UUID
    workshop_number: int
    starts_at: datetime
    duration_minutes: int
    mode: str
    venue: str | None
    link: str | None
    trainer: str | None
    capacity: int | None
    status: str
    cancellation_reason: str | None
    cancelled_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)


def ensure_started(session: Session, now: datetime) -> None:
    """Attendance is recorded for a session that has begun, never ahead of it."""
    if now < session.starts_at:
        raise RuleViolation(
            "session_not_started",
            f"The session starts at {session.starts_at.isoformat()}; attendance is recorded once it has begun.",
            detail_es=f"La sesión empieza el {session.starts_at.isoformat()}; la asistencia se registra una vez iniciada.",
        )


def lima_days(date_from: date | None, date_to: date | None) -> tuple[datetime | None, datetime | None]:
    """The instants bounding Lima dates ``date_from``..``date_to``, both included (``[start, end)``)."""
    start = datetime.combine(date_from, time.min, tzinfo=LIMA) if date_from else None
    end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=LIMA) if date_to else None
    return start, end


def minutes_between(starts_at: datetime, ends_at: datetime | None) -> int | None:
    """The minutes from ``starts_at`` to ``ends_at`` (None when no end is given); it must end after it starts."""
    if ends_at is None:
        return None
    if ends_at <= starts_at:
        raise RuleViolation(
            "ends_before_start",
            "A session must end after it starts.",
            detail_es="Una sesión debe terminar después de empezar.",
            extra={"errors": [{"field": "ends_at", "in": "body", "message": "must be after starts_at"}]},
        )
    return int((ends_at - starts_at) / timedelta(minutes=1))


def ensure_nobody_attended(session: Session, attendance_count: int) -> None:
    """A session with attendance recorded took place: it cannot be cancelled (delete it first)."""
    if attendance_count:
        raise Conflict(
            f"Session {session.session_id} has attendance recorded for {attendance_count} people and cannot "
            "be cancelled; delete its attendance first if the session really did not take place.",
            detail_es=f"La sesión {session.session_id} tiene asistencia registrada de {attendance_count} "
            "personas y no puede cancelarse; elimine primero la asistencia si la sesión no se realizó.",
            extra={"attendance_count": attendance_count, "rule": "session_has_attendance"},
        )
