"""What follows any change to a session's attendance: one event per company, then completion."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from services.training.db.repositories import AttendanceRepository, CohortRepository, ParticipantRepository
from services.training.domain.presence import reaches_share, share
from services.training.domain.sessions import Session
from services.training.events import publish
from services.training.handlers.completion import reevaluate
from shared.uow import UnitOfWork


async def announce_attendance_change(
    uow: UnitOfWork, session: Session, participant_ids: Collection[uuid.UUID], *, reason: str
) -> None:
    """Publish ``training.attendance.recorded`` for each company whose attendance of
    ``session`` changed, and re-evaluate their completion."""
    if not participant_ids:
        return
    locked = await ParticipantRepository(uow.session).all(participant_ids=participant_ids, for_update=True)
    cohort = await CohortRepository(uow.session).get_or_raise(cohort_id=session.cohort_id)
    presences = {
        p.participant_id: p
        for p in await AttendanceRepository(uow.session).presences(
            participant_ids=participant_ids, session_id=session.session_id, with_women=True
        )
    }
    now = uow.clock.now()
    for participant in locked:
        presence = presences.get(participant.participant_id)
        seconds = presence.best_seconds if presence else 0
        uow.publish(
            publish.attendance_recorded(
                session,
                participant,
                presence,
                best_share=round(share(seconds, session.duration_minutes), 4),
                attended=reaches_share(seconds, session.duration_minutes, cohort.min_attendance_share),
                at=now,
            )
        )
    await reevaluate(uow, participant_ids=participant_ids, reason=reason)
