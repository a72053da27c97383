"""Non-conformities: the company answers each with a corrective action, the auditor verifies it.

When the last non-conformity of a failed pre-audit is verified closed, the pre-audit
passes and ``audit.preaudit.passed`` is published, exactly once: the pre-audit row is
locked first, so two verifications at the same moment are serialised and only the one
that sees no open non-conformity left moves it (the state machine refuses a second move).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from services.audit.api.schemas import CorrectiveActionCreate, VerificationCreate
from services.audit.db.repositories import NonconformityRepository, ParticipantRepository, PreauditRepository
from services.audit.domain.access import ensure_can_fill, ensure_can_see, narrow
from services.audit.domain.filters import NonconformityFilter
from services.audit.domain.lifecycles import NONCONFORMITY, PREAUDIT, NonconformityStatus, PreauditStatus
from services.audit.events import publish
from shared.auth import Principal
from shared.clock import Clock
from shared.deps import ReadDb
from shared.repository import Executor
from shared.uow import UnitOfWork


@dataclass(frozen=True)
class NonconformityView:
    nonconformity: sa.Row[Any]
    actions: list[sa.Row[Any]]


async def page(
    db: ReadDb, caller: Principal, *, filters: NonconformityFilter, cursor: str | None, limit: int
) -> tuple[list[sa.Row[Any]], str | None]:
    return await NonconformityRepository(db).page(filters=narrow(caller, filters), cursor=cursor, limit=limit)


async def page_overdue(
    db: ReadDb, clock: Clock, *, as_of: date | None, ruc: str | None, cursor: str | None, limit: int
) -> tuple[date, list[sa.Row[Any]], str | None]:
    """Overdue as of a Lima date (default today): the deadline day itself is still in time."""
    as_of = as_of or clock.today()
    rows, next_cursor = await NonconformityRepository(db).page_overdue(
        as_of=as_of, ruc=ruc, cursor=cursor, limit=limit
    )
    return as_of, rows, next_cursor


async def read(db: ReadDb, caller: Principal, *, nonconformity_id: uuid.UUID) -> NonconformityView:
    nc = await NonconformityRepository(db).get_or_raise(nonconformity_id=nonconformity_id)
    ensure_can_see(caller, nc.ruc)
    return await _view(db, nc)


async def submit_corrective_action(
    uow: UnitOfWork, caller: Principal, nonconformity_id: uuid.UUID, body: CorrectiveActionCreate
) -> NonconformityView:
    async with uow:
        repo = NonconformityRepository(uow.session)
        nc = await repo.get_or_raise(nonconformity_id=nonconformity_id, for_update=True)
        participant = await ParticipantRepository(uow.session).get_or_raise(participant_id=nc.participant_id)
        ensure_can_fill(caller, participant)
        status = NONCONFORMITY.ensure(nc.status, NonconformityStatus.action_submitted)
        await repo.create_action(
            values={
                "id": uuid.uuid4(),
                "nonconformity_id": nonconformity_id,
                "root_cause": body.root_cause,
                "description": body.description,
                "submitted_by": caller.subject,
                "submitted_at": uow.clock.now(),
            }
        )
        nc = await repo.update(nonconformity_id=nonconformity_id, values={"status": status})
        view = await _view(uow.session, nc)
        await uow.commit()
    return view


async def verify_corrective_action(
    uow: UnitOfWork, caller: Principal, nonconformity_id: uuid.UUID, body: VerificationCreate
) -> NonconformityView:
    async with uow:
        repo = NonconformityRepository(uow.session)
        preaudits = PreauditRepository(uow.session)
        preaudit_id = (await repo.get_or_raise(nonconformity_id=nonconformity_id)).preaudit_id
        # Lock order: the pre-audit, then the non-conformity.
        preaudit = await preaudits.get_or_raise(preaudit_id=preaudit_id, for_update=True)
        nc = await repo.get_or_raise(nonconformity_id=nonconformity_id, for_update=True)
        target = NonconformityStatus.verified_closed if body.accepted else NonconformityStatus.rejected
        NONCONFORMITY.ensure(nc.status, target)
        now = uow.clock.now()
        action = await repo.pending_action(nonconformity_id=nonconformity_id)
        # action_submitted (checked above) means one action awaits its verdict.
        assert action is not None, f"non-conformity {nonconformity_id} has no pending action"
        await repo.update_action(
            action_id=action.id,
            values={
                "verdict": "accepted" if body.accepted else "rejected",
                "verified_by": caller.subject,
                "verification_note": body.note,
                "verified_at": now,
            },
        )
        nc = await repo.update(
            nonconformity_id=nonconformity_id,
            values={"status": target, "closed_at": now if body.accepted else None},
        )
        if body.accepted:
            uow.publish(publish.nonconformity_closed(nc, now))
            if await repo.count_unclosed(preaudit_id=preaudit_id) == 0:
                PREAUDIT.ensure(preaudit.status, PreauditStatus.passed)
                preaudit = await preaudits.update(
                    preaudit_id=preaudit_id, values={"status": PreauditStatus.passed, "passed_at": now}
                )
                participant = await ParticipantRepository(uow.session).get_or_raise(
                    participant_id=preaudit.participant_id
                )
                uow.publish(publish.preaudit_passed(preaudit, participant, now))
        view = await _view(uow.session, nc)
        await uow.commit()
    return view


async def _view(db: Executor, nc: sa.Row[Any]) -> NonconformityView:
    return NonconformityView(nc, await NonconformityRepository(db).all_actions(nonconformity_id=nc.id))
