"""Registering the people of a participant company who attend the workshops."""

from __future__ import annotations

import uuid
from typing import Any

from services.training.db.repository import AttendeeRepository, ParticipantRepository
from services.training.domain.access import ensure_may_act_for, may_act_for
from services.training.domain.attendees import Attendee, Gender
from services.training.domain.participants import ParticipantStatus, ensure_active
from shared.access import hidden
from shared.auth import Principal
from shared.errors import Conflict
from shared.uow import UnitOfWork


async def register_attendee(
    uow: UnitOfWork,
    *,
    participant_id: uuid.UUID,
    dni: str,
    full_name: str,
    job_role: str | None,
    gender: Gender,
    email: str | None,
    principal: Principal,
) -> Attendee:
    async with uow:
        participant = await ParticipantRepository(uow.session).get_or_raise(participant_id=participant_id)
        ensure_may_act_for(principal, participant)
        ensure_active(ParticipantStatus(participant.status), participant.ruc)
        repo = AttendeeRepository(uow.session)
        existing = await repo.get_by_dni(participant_id=participant_id, dni=dni)
        if existing is not None:
            raise Conflict(
                f"DNI {dni} is already registered for company {participant.ruc}.",
                detail_es=f"El DNI {dni} ya está registrado para la empresa {participant.ruc}.",
                extra={"attendee_id": str(existing.attendee_id)},
            )
        now = uow.clock.now()
        attendee = Attendee(
            attendee_id=uuid.uuid4(),
            participant_id=participant_id,
            dni=dni,
            full_name=full_name,
            job_role=job_role,
            gender=gender.value,
            email=email,
            created_at=now,
            updated_at=now,
        )
        await repo.create(attendee=attendee)
        await uow.commit()
        return attendee


async def update_attendee(
    uow: UnitOfWork, *, attendee_id: uuid.UUID, changes: dict[str, Any], principal: Principal
) -> Attendee:
    """Correct a person's name, role, gender or email (the DNI identifies them and stays)."""
    async with uow:
        repo = AttendeeRepository(uow.session)
        attendee = await repo.get_or_raise(attendee_id=attendee_id)
        participant = await ParticipantRepository(uow.session).get_or_raise(
            participant_id=attendee.participant_id
        )
        if not may_act_for(principal, participant):
            raise hidden("Attendee", attendee_id)
        if "gender" in changes:
            changes["gender"] = Gender(changes["gender"]).value
        await repo.update(attendee_id=attendee_id, values=changes | {"updated_at": uow.clock.now()})
        updated = await repo.get_or_raise(attendee_id=attendee_id)
        await uow.commit()
        return updated
