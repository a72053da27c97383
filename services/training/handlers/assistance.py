"""The follow-up monitor's technical assistance: visits and calls per company."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from services.training.db.repositories import AssistanceRepository, ParticipantRepository, RowPage
from services.training.domain.access import ensure_may_act_for
from services.training.domain.assistance import (
    AssistanceMode,
    check_assistance,
    standard_aspects,
    visit_monitor,
)
from services.training.domain.participants import ParticipantStatus, ensure_active
from services.training.events import publish
from services.training.handlers import participants
from shared.auth import Principal
from shared.deps import ReadDb
from shared.uow import UnitOfWork


async def timeline(
    db: ReadDb, caller: Principal, *, participant_id: uuid.UUID, cursor: str | None, limit: int
) -> RowPage:
    """A company's follow-up visits and calls, oldest first (a company: only its own)."""
    await participants.visible(db, caller, participant_id=participant_id)
    return await AssistanceRepository(db).page(
        participant_id=participant_id, cursor=cursor, limit=limit, descending=False
    )


async def page(
    db: ReadDb,
    *,
    cohort_id: uuid.UUID | None,
    monitor: str | None,
    held_from: date | None,
    held_to: date | None,
    cursor: str | None,
    limit: int,
) -> RowPage:
    """The log across companies, newest first; ``held_from`` / ``held_to`` are Lima dates."""
    return await AssistanceRepository(db).page(
        cohort_id=cohort_id,
        monitor_subject=monitor,
        held_from=held_from,
        held_to=held_to,
        cursor=cursor,
        limit=limit,
        descending=True,
    )


async def log(
    uow: UnitOfWork,
    *,
    participant_id: uuid.UUID,
    held_on: date,
    mode: AssistanceMode,
    duration_minutes: int,
    aspects: list[str],
    agreements: str | None,
    next_steps: str | None,
    next_visit_on: date | None,
    principal: Principal,
) -> dict[str, Any]:
    """A monitor logs its own visit; an officer logs one for the participant's assigned monitor."""
    async with uow:
        participant = await ParticipantRepository(uow.session).get_or_raise(participant_id=participant_id)
        ensure_may_act_for(principal, participant)
        ensure_active(ParticipantStatus(participant.status), participant.ruc)
        check_assistance(held_on=held_on, next_visit_on=next_visit_on, today=uow.clock.today())
        aspect_codes = standard_aspects(aspects)
        monitor_subject, monitor_name = visit_monitor(
            principal, assigned_name=participant.monitor_name, ruc=participant.ruc
        )
        values = {
            "assistance_id": uuid.uuid4(),
            "participant_id": participant_id,
            "held_on": held_on,
            "mode": mode.value,
            "duration_minutes": duration_minutes,
            "aspects": aspect_codes,
            "agreements": agreements,
            "next_steps": next_steps,
            "next_visit_on": next_visit_on,
            "monitor_subject": monitor_subject,
            "monitor_name": monitor_name,
            "logged_by_subject": principal.subject,
            "logged_by_name": principal.name or principal.subject,
            "created_at": uow.clock.now(),
        }
        await AssistanceRepository(uow.session).create(values=values)
        uow.publish(publish.assistance_logged(values, participant))
        await uow.commit()
        return values | {"ruc": participant.ruc, "cohort_id": participant.cohort_id}
