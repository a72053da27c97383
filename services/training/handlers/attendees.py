"""Registering the people of a participant company who attend the workshops."""

from __future__ import annotations

import uuid
from typing import Any

from services.training.db.repositories import AttendeeRepository, ParticipantRepository, RowPage
from services.training.domain.access import ensure_may_act_for
from services.training.domain.attendees import Attendee, Gender
from services.training.domain.participants import Participant, ParticipantStatus, ensure_active
from services.training.handlers import participants
from shared.auth import Principal
from shared.deps import ReadDb
from shared.errors import Conflict
from shared.uow import UnitOfWork


async def page(
    db: ReadDb, caller: Principal, *, participant_id: uuid.UUID, cursor: str | None, limit: int
) -> RowPage:
    """The company's people, by name (a company: only its own)."""
    await participants.visible(db, caller, participant_id=participant_id)
    return await AttendeeRepository(db).page(participant_id=participant_id, cursor=cursor, limit=limit)


async def read(db: ReadDb, caller: Principal, *, attendee_id: uuid.UUID) -> tuple[Attendee, Participant]:
    """The person and the company they attend for, if the caller may see them."""
    attendee = await AttendeeRepository(db).get_or_raise(attendee_id=attendee_id)
    return attendee, await participants.visible(db, caller, participant_id=attendee.participant_id)


async def register(
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
        existing = await repo.get(participant_id=participant_id, dni=dni)
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


async def update(
    uow: UnitOfWork, *, attendee_id: uuid.UUID, changes: dict[str, Any], principal: Principal
) -> Attendee:
    """Correct a person's name, role, gender or email (the DNI identifies them and stays)."""
    async with uow:
        repo = AttendeeRepository(uow.session)
        attendee = await repo.get_or_raise(attendee_id=attendee_id)
        participant = await ParticipantRepository(uow.session).get_or_raise(
            participant_id=attendee.participant_id
        )
        ensure_may_act_for(principal, participant, what="Attendee")
        if "gender" in changes:
            changes["gender"] = Gender(changes["gender"]).value
        updated = await repo.update(attendee_id=attendee_id, values=changes | {"updated_at": uow.clock.now()})
        await uow.commit()
        return updated
