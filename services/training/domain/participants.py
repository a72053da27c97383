"""A participant company as training sees it: admitted to a cohort, possibly withdrawn.

The state comes only from enrollment's events. Withdrawal is final: an ``admitted``
event arriving after a ``withdrawn`` one (a redelivery, or a replay) never brings the
company back.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from shared.errors import RuleViolation


class ParticipantStatus(StrEnum):
    admitted = "admitted"
    withdrawn = "withdrawn"


TRANSITIONS: dict[ParticipantStatus, frozenset[ParticipantStatus]] = {
    ParticipantStatus.admitted: frozenset({ParticipantStatus.withdrawn}),
    ParticipantStatus.withdrawn: frozenset(),
}


def accepts(current: ParticipantStatus, target: ParticipantStatus) -> bool:
    """Whether an enrollment event moving to ``target`` changes anything (events are tolerated, not refused)."""
    return target in TRANSITIONS[current]


def ensure_active(status: ParticipantStatus, ruc: str) -> None:
    if status == ParticipantStatus.withdrawn:
        raise RuleViolation(
            "participant_withdrawn",
            f"Company {ruc} has withdrawn from the programme: its attendance is no longer recorded.",
            detail_es=f"La empresa {ruc} se retiró del programa: ya no se registra su asistencia.",
        )


@dataclass
class Participant:
    """Training's local read model of an admitted company (from enrollment's events)."""

    participant_id: uuid.UUID
    company_id: uuid.UUID
    ruc: str
    legal_name: str | None
    cohort_id: uuid.UUID
    region: str | None
    women_led: bool
    monitor_id: uuid.UUID | None
    monitor_name: str | None
    monitor_email: str | None
    status: str
    admitted_at: datetime | None
    withdrawn_at: datetime | None
    withdrawal_reason: str | None
    completion_state: str
    completed_at: datetime | None
    completion_changed_at: datetime | None
    updated_at: datetime
    cells_attended: list[bool] | None = None
    monitor_subject: str | None = None
    monitor_assigned_at: datetime | None = None
    cells_share: list[float | None] | None = None
    cells_minutes: list[float | None] | None = None
