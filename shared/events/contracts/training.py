"""Events the training service publishes (v1)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from shared.events.envelope import EventContract


class SessionScheduled(EventContract):
    TOPIC = "training.session.scheduled"
    KEY_FIELD = "cohort_id"
    session_id: uuid.UUID
    cohort_id: uuid.UUID
    workshop_number: int
    workshop_title: str
    starts_at: datetime
    ends_at: datetime
    mode: str
    venue: str | None = None
    link: str | None = None
    trainer: str | None = None
    capacity: int | None = None
    rescheduled: bool = False


class SessionCancelled(EventContract):
    """A scheduled session will not take place (only sessions without attendance are cancelled)."""

    TOPIC = "training.session.cancelled"
    KEY_FIELD = "cohort_id"
    session_id: uuid.UUID
    cohort_id: uuid.UUID
    workshop_number: int
    starts_at: datetime
    reason: str | None = None
    cancelled_at: datetime


class AttendanceRecorded(EventContract):
    """A company's attendance of one workshop session changed (one event per company and session)."""

    TOPIC = "training.attendance.recorded"
    session_id: uuid.UUID
    cohort_id: uuid.UUID
    workshop_number: int
    participant_id: uuid.UUID
    ruc: str
    attendees_present: int
    best_share: float
    attended: bool
    recorded_at: datetime
    women_present: int | None = None


class ProgramCompleted(EventContract):
    TOPIC = "training.program.completed"
    participant_id: uuid.UUID
    company_id: uuid.UUID | None = None
    ruc: str
    cohort_id: uuid.UUID
    workshops_attended: list[int]
    completed_at: datetime


class ProgramCompletionRevoked(EventContract):
    TOPIC = "training.program.completion_revoked"
    participant_id: uuid.UUID
    company_id: uuid.UUID | None = None
    ruc: str
    cohort_id: uuid.UUID
    missing_workshops: list[int]
    revoked_at: datetime
    reason: str | None = None


class AssistanceLogged(EventContract):
    TOPIC = "training.assistance.logged"
    assistance_id: uuid.UUID
    participant_id: uuid.UUID
    ruc: str
    monitor_name: str
    held_on: date
    mode: str
    duration_minutes: int
    aspects: list[str] = []
    cohort_id: uuid.UUID | None = None
    next_visit_on: date | None = None
