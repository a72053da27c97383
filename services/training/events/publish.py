"""Domain facts -> versioned contracts (shared/events/contracts/training.py).

Handlers decide *that* something happened; these functions say *how* it is told to
the other services, so a contract change touches one file.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.training.domain.participants import Participant
from services.training.domain.progress import SessionPresence
from services.training.domain.sessions import Session
from shared.events.contracts.training import (
    AssistanceLogged,
    AttendanceRecorded,
    ProgramCompleted,
    ProgramCompletionRevoked,
    SessionCancelled,
    SessionScheduled,
)


def session_scheduled(session: Session, workshop_title: str, *, rescheduled: bool) -> SessionScheduled:
    return SessionScheduled(
        session_id=session.session_id,
        cohort_id=session.cohort_id,
        workshop_number=session.workshop_number,
        workshop_title=workshop_title,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        mode=session.mode,
        venue=session.venue,
        link=session.link,
        capacity=session.capacity,
        rescheduled=rescheduled,
    )


def session_cancelled(session: Session, at: datetime) -> SessionCancelled:
    return SessionCancelled(
        session_id=session.session_id,
        cohort_id=session.cohort_id,
        workshop_number=session.workshop_number,
        starts_at=session.starts_at,
        reason=session.cancellation_reason,
        cancelled_at=at,
    )


def attendance_recorded(
    session: Session,
    participant: Participant,
    presence: SessionPresence | None,
    *,
    best_share: float,
    attended: bool,
    at: datetime,
) -> AttendanceRecorded:
    return AttendanceRecorded(
        session_id=session.session_id,
        cohort_id=session.cohort_id,
        workshop_number=session.workshop_number,
        participant_id=participant.participant_id,
        ruc=participant.ruc,
        attendees_present=presence.people_present if presence else 0,
        women_present=presence.women_present if presence else 0,
        best_share=best_share,
        attended=attended,
        recorded_at=at,
    )


def program_completed(participant: Participant, attended: list[int], at: datetime) -> ProgramCompleted:
    return ProgramCompleted(
        participant_id=participant.participant_id,
        company_id=participant.company_id,
        ruc=participant.ruc,
        cohort_id=participant.cohort_id,
        workshops_attended=attended,
        completed_at=at,
    )


def completion_revoked(
    participant: Participant, missing: list[int], at: datetime, reason: str
) -> ProgramCompletionRevoked:
    return ProgramCompletionRevoked(
        participant_id=participant.participant_id,
        company_id=participant.company_id,
        ruc=participant.ruc,
        cohort_id=participant.cohort_id,
        missing_workshops=missing,
        revoked_at=at,
        reason=reason,
    )


def assistance_logged(values: dict[str, Any], participant: Participant) -> AssistanceLogged:
    return AssistanceLogged(
        assistance_id=values["assistance_id"],
        participant_id=participant.participant_id,
        ruc=participant.ruc,
        cohort_id=participant.cohort_id,
        held_on=values["held_on"],
        mode=values["mode"],
        duration_minutes=values["duration_minutes"],
        aspects=values["aspects"],
        next_visit_on=values["next_visit_on"],
    )
