"""The follow-up monitor's technical assistance: visits and calls per company."""

from __future__ import annotations

import uuid
from datetime import date

from services.training.db.repository import AssistanceRepository, ParticipantRepository
from services.training.domain.access import ensure_may_act_for
from services.training.domain.assistance import AssistanceMode, check_assistance
from services.training.domain.participants import ParticipantStatus, ensure_active
from services.training.events import publish
from shared.auth import Principal
from shared.uow import UnitOfWork


async def log_assistance(
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
) -> dict:
    monitor_subject, monitor_name = principal.subject, principal.name or principal.subject
    async with uow:
        participant = await ParticipantRepository(uow.session).get_or_raise(participant_id=participant_id)
        ensure_may_act_for(principal, participant)
        ensure_active(ParticipantStatus(participant.status), participant.ruc)
        check_assistance(held_on=held_on, next_visit_on=next_visit_on, today=uow.clock.today())
        values = {
            "assistance_id": uuid.uuid4(),
            "participant_id": participant_id,
            "held_on": held_on,
            "mode": mode.value,
            "duration_minutes": duration_minutes,
            "aspects": list(dict.fromkeys(a.strip() for a in aspects if a.strip())),
            "agreements": agreements,
            "next_steps": next_steps,
            "next_visit_on": next_visit_on,
            "monitor_subject": monitor_subject,
            "monitor_name": monitor_name,
            "created_at": uow.clock.now(),
        }
        await AssistanceRepository(uow.session).create(values=values)
        uow.publish(publish.assistance_logged(values, participant))
        await uow.commit()
        return values | {"ruc": participant.ruc, "cohort_id": participant.cohort_id}
