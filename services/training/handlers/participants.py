"""Participant companies: training's local read model of them, and what it tells of them.

Training never calls the enrollment service; it learns who takes part from
``enrollment.participant.admitted`` / ``withdrawn`` / ``monitor.reassigned``. Each reaction
is idempotent on its own (an upsert, a guarded status change) besides the inbox's
once-per-event guarantee. A company reads only its own participation.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Any

from services.training.db.repositories import (
    AttendanceRepository,
    CohortRepository,
    ParticipantRepository,
    RowPage,
    WorkshopRepository,
)
from services.training.domain.access import company_scope
from services.training.domain.completion import CompletionState
from services.training.domain.curriculum import DEFAULT_MANDATORY, DEFAULT_MIN_SHARE
from services.training.domain.participants import Participant, ParticipantStatus, accepts
from services.training.domain.progress import attended_workshops, workshop_progress, workshop_results
from services.training.handlers.completion import reevaluate
from shared.auth import Principal
from shared.deps import ReadDb
from shared.events.contracts.enrollment import (
    MonitorReassigned,
    MonitorRef,
    ParticipantAdmitted,
    ParticipantWithdrawn,
)
from shared.events.envelope import EventEnvelope
from shared.uow import UnitOfWork

log = logging.getLogger("eco.training")


async def page(
    db: ReadDb,
    caller: Principal,
    *,
    cohort_id: uuid.UUID | None,
    ruc: str | None,
    status: ParticipantStatus | None,
    completion_state: CompletionState | None,
    cursor: str | None,
    limit: int,
) -> RowPage:
    """Participant companies by RUC (a company: only itself)."""
    return await ParticipantRepository(db).page(
        cohort_id=cohort_id,
        ruc=company_scope(caller, ruc),
        status=status.value if status else None,
        completion_state=completion_state.value if completion_state else None,
        cursor=cursor,
        limit=limit,
    )


async def visible(db: ReadDb, caller: Principal, *, participant_id: uuid.UUID) -> Participant:
    """The participant, if the caller may see it (a company: only itself)."""
    participant = await ParticipantRepository(db).get_or_raise(participant_id=participant_id)
    caller.ensure_company(participant.ruc)
    return participant


async def read(db: ReadDb, caller: Principal, *, participant_id: uuid.UUID) -> dict[str, Any]:
    """The participant with its cohort's name."""
    participant = await visible(db, caller, participant_id=participant_id)
    cohort = await CohortRepository(db).get_or_raise(cohort_id=participant.cohort_id)
    return vars(participant) | {"cohort_name": cohort.cohort_name}


async def progress(db: ReadDb, caller: Principal, *, participant_id: uuid.UUID) -> dict[str, Any]:
    """Each workshop attended or not, by the rule the completion events use (applied live)."""
    participant = await visible(db, caller, participant_id=participant_id)
    cohort = await CohortRepository(db).get_or_raise(cohort_id=participant.cohort_id)
    titles = {w.number: w.title_es for w in await WorkshopRepository(db).all()}
    presences = await AttendanceRepository(db).presences(participant_ids=[participant_id])
    results = workshop_results(presences, cohort.min_attendance_share).get(participant_id, {})
    attended = attended_workshops(results)
    return vars(participant) | {
        "cohort_name": cohort.cohort_name,
        "min_attendance_share": float(cohort.min_attendance_share),
        "mandatory_workshops": cohort.mandatory_workshops,
        "attended_workshops": attended,
        "missing_workshops": [n for n in cohort.mandatory_workshops if n not in attended],
        "workshops": workshop_progress(results, titles, cohort.mandatory_workshops),
    }


async def _ensure_cohort(uow: UnitOfWork, cohort_id: uuid.UUID, cohort_name: str | None) -> None:
    await CohortRepository(uow.session).create(
        cohort_id=cohort_id,
        cohort_name=cohort_name,
        mandatory=list(DEFAULT_MANDATORY),
        min_share=DEFAULT_MIN_SHARE,
        now=uow.clock.now(),
    )


async def admit_participant(
    uow: UnitOfWork, event: ParticipantAdmitted, envelope: EventEnvelope | None = None
) -> None:
    """Add the company to its cohort (creating the cohort's settings with the defaults)."""
    async with uow:
        now = uow.clock.now()
        await _ensure_cohort(uow, event.cohort_id, event.cohort_name)
        repo = ParticipantRepository(uow.session)
        current = await repo.get(participant_id=event.participant_id, for_update=True)
        details = {
            "company_id": event.company_id,
            "ruc": event.ruc,
            "legal_name": event.legal_name,
            "region": event.region,
            "women_led": event.women_led,
            "updated_at": now,
        }
        if event.monitor is not None and _newer(current, event.admitted_at):
            details |= _monitor(event.monitor, event.admitted_at)
        if current is None:
            await repo.create(
                values=details
                | {
                    "participant_id": event.participant_id,
                    "cohort_id": event.cohort_id,
                    "status": ParticipantStatus.admitted.value,
                    "admitted_at": event.admitted_at,
                }
            )
        elif current.status == ParticipantStatus.admitted:
            await repo.update(participant_id=event.participant_id, values=details)
        else:
            log.info("admission of %s ignored: it already withdrew (final)", event.participant_id)
        await uow.commit()


def _newer(current: Participant | None, since: datetime) -> bool:
    """The admission and a reassignment travel on different topics: the newest assignment wins,
    whichever arrives first."""
    return current is None or current.monitor_assigned_at is None or current.monitor_assigned_at <= since


def _monitor(monitor: MonitorRef, since: datetime) -> dict[str, Any]:
    return {
        "monitor_id": monitor.monitor_id,
        "monitor_name": monitor.name,
        "monitor_email": monitor.email,
        "monitor_subject": monitor.user_subject,
        "monitor_assigned_at": since,
    }


async def _heard_before_admission(
    uow: UnitOfWork, event: MonitorReassigned | ParticipantWithdrawn, values: dict[str, Any]
) -> None:
    """Keep a company training hears of before its admission (its cohort with the defaults)."""
    await _ensure_cohort(uow, event.cohort_id, None)
    await ParticipantRepository(uow.session).create(
        values=values
        | {
            "participant_id": event.participant_id,
            "company_id": event.company_id,
            "ruc": event.ruc,
            "cohort_id": event.cohort_id,
        }
    )


async def reassign_monitor(
    uow: UnitOfWork, event: MonitorReassigned, envelope: EventEnvelope | None = None
) -> None:
    """The participant's follow-up monitor changed: from now on only the new one acts for it."""
    async with uow:
        now = uow.clock.now()
        repo = ParticipantRepository(uow.session)
        current = await repo.get(participant_id=event.participant_id, for_update=True)
        if current is None:
            # Reassigned before training heard of the admission: keep the company with its
            # monitor; the admission fills in the rest (and keeps this newer monitor).
            await _heard_before_admission(
                uow,
                event,
                {"status": ParticipantStatus.admitted.value, "updated_at": now}
                | _monitor(event.monitor, event.reassigned_at),
            )
        elif _newer(current, event.reassigned_at):
            await repo.update(
                participant_id=event.participant_id,
                values=_monitor(event.monitor, event.reassigned_at) | {"updated_at": now},
            )
        await uow.commit()


async def withdraw_participant(
    uow: UnitOfWork, event: ParticipantWithdrawn, envelope: EventEnvelope | None = None
) -> None:
    """Mark the company withdrawn: it never completes, and a completion it had is revoked."""
    async with uow:
        now = uow.clock.now()
        repo = ParticipantRepository(uow.session)
        current = await repo.get(participant_id=event.participant_id, for_update=True)
        withdrawal = {
            "status": ParticipantStatus.withdrawn.value,
            "withdrawn_at": event.withdrawn_at,
            "withdrawal_reason": event.reason,
            "updated_at": now,
        }
        if current is None:
            # Withdrawn before training heard of the admission: keep the final state, so a
            # late admission event cannot bring the company back.
            await _heard_before_admission(uow, event, withdrawal)
        elif accepts(ParticipantStatus(current.status), ParticipantStatus.withdrawn):
            await repo.update(participant_id=event.participant_id, values=withdrawal)
            await reevaluate(uow, participant_ids=[event.participant_id], reason="withdrawn")
        await uow.commit()
