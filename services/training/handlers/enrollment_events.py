"""Reactions to enrollment's events: the local read model of participant companies.

Training never calls the enrollment service; it learns who takes part from
``enrollment.participant.admitted`` / ``withdrawn``. Each reaction is idempotent on its
own (an upsert, a guarded status change) besides the inbox's once-per-event guarantee.
"""

from __future__ import annotations

import logging
from datetime import datetime

from services.training.db.repository import CohortRepository, ParticipantRepository
from services.training.domain.curriculum import DEFAULT_MANDATORY, DEFAULT_MIN_SHARE
from services.training.domain.participants import Participant, ParticipantStatus, accepts
from services.training.handlers.completion import reevaluate
from shared.events.contracts.enrollment import (
    MonitorReassigned,
    MonitorRef,
    ParticipantAdmitted,
    ParticipantWithdrawn,
)
from shared.uow import UnitOfWork

log = logging.getLogger("eco.training")


async def _ensure_cohort(uow: UnitOfWork, cohort_id, cohort_name: str | None) -> None:
    await CohortRepository(uow.session).create_default(
        cohort_id=cohort_id,
        cohort_name=cohort_name,
        mandatory=list(DEFAULT_MANDATORY),
        min_share=DEFAULT_MIN_SHARE,
        now=uow.clock.now(),
    )


async def admit_participant(uow: UnitOfWork, event: ParticipantAdmitted) -> None:
    """Add the company to its cohort (creating the cohort's settings with the defaults)."""
    async with uow:
        now = uow.clock.now()
        await _ensure_cohort(uow, event.cohort_id, event.cohort_name)
        repo = ParticipantRepository(uow.session)
        current = await repo.get(participant_id=event.participant_id, lock=True)
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


def _monitor(monitor: MonitorRef, since: datetime) -> dict:
    return {
        "monitor_id": monitor.monitor_id,
        "monitor_name": monitor.name,
        "monitor_email": monitor.email,
        "monitor_subject": monitor.user_subject,
        "monitor_assigned_at": since,
    }


async def reassign_monitor(uow: UnitOfWork, event: MonitorReassigned) -> None:
    """The participant's follow-up monitor changed: from now on only the new one acts for it."""
    async with uow:
        now = uow.clock.now()
        repo = ParticipantRepository(uow.session)
        current = await repo.get(participant_id=event.participant_id, lock=True)
        if current is None:
            # Reassigned before training heard of the admission: keep the company with its
            # monitor; the admission fills in the rest (and keeps this newer monitor).
            await _ensure_cohort(uow, event.cohort_id, None)
            await repo.create(
                values={
                    "participant_id": event.participant_id,
                    "company_id": event.company_id,
                    "ruc": event.ruc,
                    "cohort_id": event.cohort_id,
                    "status": ParticipantStatus.admitted.value,
                    "updated_at": now,
                }
                | _monitor(event.monitor, event.reassigned_at)
            )
        elif _newer(current, event.reassigned_at):
            await repo.update(
                participant_id=event.participant_id,
                values=_monitor(event.monitor, event.reassigned_at) | {"updated_at": now},
            )
        await uow.commit()


async def withdraw_participant(uow: UnitOfWork, event: ParticipantWithdrawn) -> None:
    """Mark the company withdrawn: it never completes, and a completion it had is revoked."""
    async with uow:
        now = uow.clock.now()
        repo = ParticipantRepository(uow.session)
        current = await repo.get(participant_id=event.participant_id, lock=True)
        withdrawal = {
            "status": ParticipantStatus.withdrawn.value,
            "withdrawn_at": event.withdrawn_at,
            "withdrawal_reason": event.reason,
            "updated_at": now,
        }
        if current is None:
            # Withdrawn before training heard of the admission: keep the final state, so a
            # late admission event cannot bring the company back.
            await _ensure_cohort(uow, event.cohort_id, None)
            await repo.create(
                values=withdrawal
                | {
                    "participant_id": event.participant_id,
                    "company_id": event.company_id,
                    "ruc": event.ruc,
                    "cohort_id": event.cohort_id,
                }
            )
        elif accepts(ParticipantStatus(current.status), ParticipantStatus.withdrawn):
            await repo.update(participant_id=event.participant_id, values=withdrawal)
            await reevaluate(uow, participant_ids=[event.participant_id], reason="withdrawn")
        await uow.commit()
