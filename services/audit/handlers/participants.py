"""The participants read model: fed by enrollment's and training's events, read by everyone here.

Events may arrive in any order (eligibility before admission after a replay, say), so
each one writes only the columns it knows and never erases what another one wrote. The
``record_*`` functions have the consumer's signature ``(uow, event, envelope)``.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from services.audit.db.repositories import ParticipantRepository
from services.audit.domain.access import ensure_can_see, narrow
from services.audit.domain.filters import ParticipantFilter
from shared.auth import Principal
from shared.deps import ReadDb
from shared.events.contracts.enrollment import (
    MonitorReassigned,
    MonitorRef,
    ParticipantAdmitted,
    ParticipantCertificationEligible,
    ParticipantWithdrawn,
)
from shared.events.contracts.training import AssistanceLogged, ProgramCompleted, ProgramCompletionRevoked
from shared.events.envelope import EventEnvelope
from shared.uow import UnitOfWork


async def page(
    db: ReadDb, caller: Principal, *, filters: ParticipantFilter, cursor: str | None, limit: int
) -> tuple[list[sa.Row[Any]], str | None]:
    return await ParticipantRepository(db).page(filters=narrow(caller, filters), cursor=cursor, limit=limit)


async def read(db: ReadDb, caller: Principal, *, participant_id: uuid.UUID) -> dict[str, Any]:
    repo = ParticipantRepository(db)
    participant = await repo.get_or_raise(participant_id=participant_id)
    ensure_can_see(caller, participant.ruc)
    visits = await repo.count_assistance(participant_id=participant_id)
    return dict(participant._mapping) | {"assistance_visits": visits}


async def record_admission(uow: UnitOfWork, event: ParticipantAdmitted, _: EventEnvelope) -> None:
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
        repo = ParticipantRepository(uow.session)
        await repo.upsert(participant_id=event.participant_id, insert=known, update=known)
        if event.monitor is not None:
            monitor = _monitor(event.monitor, event.admitted_at)
            await repo.upsert_monitor(participant_id=event.participant_id, insert=known, monitor=monitor)
        await uow.commit()


async def record_monitor(uow: UnitOfWork, event: MonitorReassigned, _: EventEnvelope) -> None:
    # A reassignment carries no name; the RUC stands in until the admission event brings it.
    first_seen = _first_seen(event, legal_name=event.ruc) | {"updated_at": uow.clock.now()}
    async with uow:
        await ParticipantRepository(uow.session).upsert_monitor(
            participant_id=event.participant_id,
            insert=first_seen,
            monitor=_monitor(event.monitor, event.reassigned_at),
        )
        await uow.commit()


async def record_withdrawal(uow: UnitOfWork, event: ParticipantWithdrawn, _: EventEnvelope) -> None:
    changes = {"withdrawn_at": event.withdrawn_at, "withdrawal_reason": event.reason}
    # The withdrawal carries no name; the RUC stands in until the admission event brings it.
    await _upsert(uow, event.participant_id, _first_seen(event, legal_name=event.ruc), changes)


async def record_eligibility(
    uow: UnitOfWork, event: ParticipantCertificationEligible, _: EventEnvelope
) -> None:
    changes = {"eligible_at": event.eligible_at}
    await _upsert(uow, event.participant_id, _first_seen(event, legal_name=event.legal_name), changes)


async def record_training(
    uow: UnitOfWork, event: ProgramCompleted | ProgramCompletionRevoked, _: EventEnvelope
) -> None:
    """Training completed or revoked: the newer event wins whatever the arrival order."""
    if isinstance(event, ProgramCompleted):
        completed_at, changed_at = event.completed_at, event.completed_at
    else:
        completed_at, changed_at = None, event.revoked_at
    first_seen = {"ruc": event.ruc, "legal_name": event.ruc, "cohort_id": event.cohort_id}
    async with uow:
        await ParticipantRepository(uow.session).record_training(
            participant_id=event.participant_id,
            insert=first_seen | {"updated_at": uow.clock.now()},
            completed_at=completed_at,
            changed_at=changed_at,
        )
        await uow.commit()


async def record_assistance(uow: UnitOfWork, event: AssistanceLogged, _: EventEnvelope) -> None:
    first_seen = {"ruc": event.ruc, "legal_name": event.ruc, "cohort_id": event.cohort_id}
    async with uow:
        repo = ParticipantRepository(uow.session)
        await repo.upsert(
            participant_id=event.participant_id,
            insert=first_seen | {"updated_at": uow.clock.now()},
            update={},
        )
        visit = {
            "assistance_id": event.assistance_id,
            "participant_id": event.participant_id,
            "held_on": event.held_on,
            "aspects": event.aspects,
        }
        await repo.record_assistance(visit=visit)
        await uow.commit()


def _first_seen(
    event: MonitorReassigned | ParticipantWithdrawn | ParticipantCertificationEligible, *, legal_name: str
) -> dict[str, Any]:
    """What an event that is not the admission tells of a participant audit may not know yet."""
    return {
        "company_id": event.company_id,
        "ruc": event.ruc,
        "legal_name": legal_name,
        "cohort_id": event.cohort_id,
    }


async def _upsert(
    uow: UnitOfWork, participant_id: uuid.UUID, first_seen: dict[str, Any], changes: dict[str, Any]
) -> None:
    changes = changes | {"updated_at": uow.clock.now()}
    async with uow:
        await ParticipantRepository(uow.session).upsert(
            participant_id=participant_id, insert=first_seen | changes, update=changes
        )
        await uow.commit()


def _monitor(monitor: MonitorRef, since: datetime) -> dict[str, Any]:
    return {
        "monitor_id": monitor.monitor_id,
        "monitor_name": monitor.name,
        "monitor_subject": monitor.user_subject,
        "monitor_assigned_at": since,
    }
