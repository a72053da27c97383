"""Certification eligibility from upstream facts: training completed + pre-audit passed.

Called by the Kafka consumers inside their unit of work (the inbox already absorbed a
redelivery); the application row is locked and the progress only moves forward, so
the two events in either order, or repeated, declare eligibility exactly once.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime

from services.enrollment.db.repositories import ApplicationRepository, CompanyRepository
from services.enrollment.domain import certification as progress_rules
from services.enrollment.domain.applications import CERTIFIABLE_STATES, Status
from services.enrollment.domain.certification import CertificationProgress
from services.enrollment.events import publish
from shared.uow import UnitOfWork

log = logging.getLogger("eco.enrollment.certification")

Step = Callable[[CertificationProgress, datetime], CertificationProgress]


async def _advance(uow: UnitOfWork, participant_id: uuid.UUID, step: Step, at: datetime, what: str) -> None:
    async with uow:
        repo = ApplicationRepository(uow.session)
        app = await repo.get(application_id=participant_id, for_update=True)
        if app is None:
            # Not ours (another programme's or a test's participant): retrying cannot help.
            log.warning("%s for unknown participant %s ignored", what, participant_id)
            return
        before = CertificationProgress(
            app.training_completed_at,
            app.training_revoked_at,
            app.preaudit_passed_at,
            app.certification_eligible_at,
        )
        after = step(before, at)
        now = uow.clock.now()
        becomes_eligible = after.ready and Status(app.status) in CERTIFIABLE_STATES
        if after == before and not becomes_eligible:
            return
        app = await repo.update(
            application_id=app.id,
            values={
                "training_completed_at": after.training_completed_at,
                "training_revoked_at": after.training_revoked_at,
                "preaudit_passed_at": after.preaudit_passed_at,
                "certification_eligible_at": now if becomes_eligible else after.eligible_at,
                "updated_at": now,
            },
        )
        if becomes_eligible:
            company = await CompanyRepository(uow.session).get_or_raise(company_id=app.company_id)
            uow.publish(publish.certification_eligible(app, company))
        await uow.commit()


async def record_training_completed(
    uow: UnitOfWork, *, participant_id: uuid.UUID, completed_at: datetime
) -> None:
    await _advance(
        uow, participant_id, progress_rules.training_completed, completed_at, "training completion"
    )


async def record_training_revoked(
    uow: UnitOfWork, *, participant_id: uuid.UUID, revoked_at: datetime
) -> None:
    await _advance(uow, participant_id, progress_rules.training_revoked, revoked_at, "training revocation")


async def record_preaudit_passed(uow: UnitOfWork, *, participant_id: uuid.UUID, passed_at: datetime) -> None:
    await _advance(uow, participant_id, progress_rules.preaudit_passed, passed_at, "pre-audit pass")
