"""Events the training service publishes."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from shared.events.envelope import EventContract


def _drop(*fields: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """An upcaster for a version that only removed ``fields`` (personal data nobody consumes)."""

    def upcaster(payload: dict[str, Any]) -> dict[str, Any]:
        for name in fields:
            payload.pop(name, None)
        return payload

    upcaster.__name__ = f"drop_{'_'.join(fields)}"
    return upcaster


class SessionScheduled(EventContract):
    """v2 (Ley 29733): the trainer's name is no longer published (no consumer needs it;
    training's API shows it)."""

    TOPIC = "training.session.scheduled"
    VERSION = 2
    UPCASTERS = {1: _drop("trainer")}
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
    """v2 (Ley 29733): the monitor's name is no longer published (no consumer needs it)."""

    TOPIC = "training.assistance.logged"
    VERSION = 2
    UPCASTERS = {1: _drop("monitor_name")}
    assistance_id: uuid.UUID
    participant_id: uuid.UUID
    ruc: str
    held_on: date
    mode: str
    duration_minutes: int
    aspects: list[str] = []
    cohort_id: uuid.UUID | None = None
    next_visit_on: date | None = None
