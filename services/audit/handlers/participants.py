"""The participants read model: fed by enrollment's events, read by everyone here.

Events may arrive in any order (eligibility before admission after a replay, say), so
each one writes only the columns it knows and never erases what another one wrote.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from services.audit.db.repositories import ParticipantRepository
from services.audit.domain.access import company_filter, ensure_can_see
from shared.auth import Principal
from shared.events.contracts.enrollment import (
    MonitorReassigned,
    MonitorRef,
    ParticipantAdmitted,
    ParticipantCertificationEligible,
    ParticipantWithdrawn,
)
from shared.events.contracts.training import AssistanceLogged, ProgramCompleted, ProgramCompletionRevoked
from shared.uow import UnitOfWork


async def record_admission(uow: UnitOfWork, event: ParticipantAdmitted) -> None:
    known = {
        "company_id": event.company_id,
        "ruc": event.ruc,
        "legal_name": event.legal_name,
        "cohort_id": event.cohort_id,
        "cohort_name": event.cohort_name,
        "admitted_at": event.admitted_at,
        "updated_at": uow.clock.now(),
    }
    async with uow:
        repository = ParticipantRepository(uow.session)
        await repository.upsert(event.participant_id, insert=known, update=known)
        if event.monitor is not None:
            await repository.upsert_monitor(
                event.participant_id, insert=known, monitor=_monitor(event.monitor, event.admitted_at)
            )
        await uow.commit()


async def record_monitor(uow: UnitOfWork, event: MonitorReassigned) -> None:
    # A reassignment carries no name; the RUC stands in until the admission event brings it.
    first_seen = {
        "company_id": event.company_id,
        "ruc": event.ruc,
        "legal_name": event.ruc,
        "cohort_id": event.cohort_id,
        "updated_at": uow.clock.now(),
    }
    async with uow:
        await ParticipantRepository(uow.session).upsert_monitor(
            event.participant_id, insert=first_seen, monitor=_monitor(event.monitor, event.reassigned_at)
        )
        await uow.commit()


def _monitor(monitor: MonitorRef, since: datetime) -> dict[str, Any]:
    return {
        "monitor_id": monitor.monitor_id,
        "monitor_name": monitor.name,
        "monitor_subject": monitor.user_subject,
        "monitor_assigned_at": since,
    }


async def record_withdrawal(uow: UnitOfWork, event: ParticipantWithdrawn) -> None:
    changes = {
        "withdrawn_at": event.withdrawn_at,
        "withdrawal_reason": event.reason,
        "updated_at": uow.clock.now(),
    }
    # The withdrawal carries no name; the RUC stands in until the admission event brings it.
    first_seen = {
        "company_id": event.company_id,
        "ruc": event.ruc,
        "legal_name": event.ruc,
        "cohort_id": event.cohort_id,
    }
    async with uow:
        await ParticipantRepository(uow.session).upsert(
            event.participant_id, insert=first_seen | changes, update=changes
        )
        await uow.commit()


async def record_eligibility(uow: UnitOfWork, event: ParticipantCertificationEligible) -> None:
    changes = {"eligible_at": event.eligible_at, "updated_at": uow.clock.now()}
    first_seen = {
        "company_id": event.company_id,
        "ruc": event.ruc,
        "legal_name": event.legal_name,
        "cohort_id": event.cohort_id,
    }
    async with uow:
        await ParticipantRepository(uow.session).upsert(
            event.participant_id, insert=first_seen | changes, update=changes
        )
        await uow.commit()


async def list_participants(
    uow: UnitOfWork,
    actor: Principal,
    *,
    ruc: str | None,
    monitor_id: uuid.UUID | None,
    cohort_id: uuid.UUID | None,
    eligible: bool | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[sa.Row], str | None]:
    async with uow:
        return await ParticipantRepository(uow.session).list(
            ruc=company_filter(actor, ruc),
            monitor_id=monitor_id,
            cohort_id=cohort_id,
            eligible=eligible,
            cursor=cursor,
            limit=limit,
        )


async def get_participant(uow: UnitOfWork, actor: Principal, participant_id: uuid.UUID) -> dict[str, Any]:
    async with uow:
        repo = ParticipantRepository(uow.session)
        participant = await repo.get_or_raise(participant_id)
        ensure_can_see(actor, participant.ruc)
        return dict(participant._mapping) | {"assistance_visits": await repo.assistance_count(participant_id)}


async def record_training(uow: UnitOfWork, event: ProgramCompleted | ProgramCompletionRevoked) -> None:
    """Training completed or revoked: the newer event wins whatever the arrival order."""
    completed = isinstance(event, ProgramCompleted)
    at = event.completed_at if completed else event.revoked_at
    first_seen = {"ruc": event.ruc, "legal_name": event.ruc, "cohort_id": event.cohort_id}
    async with uow:
        await ParticipantRepository(uow.session).record_training(
            event.participant_id,
            insert=first_seen | {"updated_at": uow.clock.now()},
            completed_at=at if completed else None,
            changed_at=at,
        )
        await uow.commit()


async def record_assistance(uow: UnitOfWork, event: AssistanceLogged) -> None:
    first_seen = {"ruc": event.ruc, "legal_name": event.ruc, "cohort_id": event.cohort_id}
    async with uow:
        repo = ParticipantRepository(uow.session)
        await repo.upsert(
            event.participant_id, insert=first_seen | {"updated_at": uow.clock.now()}, update={}
        )
        await repo.record_assistance(
            assistance_id=event.assistance_id,
            participant_id=event.participant_id,
            held_on=event.held_on,
            aspects=event.aspects,
        )
        await uow.commit()
