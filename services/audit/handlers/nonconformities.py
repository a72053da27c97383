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

import sqlalchemy as sa

from services.audit.db.repositories import NonconformityRepository, ParticipantRepository, PreauditRepository
from services.audit.domain.access import company_filter, ensure_can_fill, ensure_can_see
from services.audit.domain.lifecycles import NONCONFORMITY, PREAUDIT, NonconformityStatus, PreauditStatus
from services.audit.events import publish
from shared.auth import Principal
from shared.uow import UnitOfWork


@dataclass(frozen=True)
class NonconformityView:
    nonconformity: sa.Row
    actions: list[sa.Row]


async def list_nonconformities(
    uow: UnitOfWork,
    actor: Principal,
    *,
    ruc: str | None,
    preaudit_id: uuid.UUID | None,
    status: str | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[sa.Row], str | None]:
    async with uow:
        return await NonconformityRepository(uow.session).list(
            ruc=company_filter(actor, ruc), preaudit_id=preaudit_id, status=status, cursor=cursor, limit=limit
        )


async def list_overdue(
    uow: UnitOfWork, *, as_of: date | None, ruc: str | None, cursor: str | None, limit: int
) -> tuple[date, list[sa.Row], str | None]:
    as_of = as_of or uow.clock.today()
    async with uow:
        rows, next_cursor = await NonconformityRepository(uow.session).list_overdue(
            as_of=as_of, ruc=ruc, cursor=cursor, limit=limit
        )
    return as_of, rows, next_cursor


async def get_nonconformity(
    uow: UnitOfWork, actor: Principal, nonconformity_id: uuid.UUID
) -> NonconformityView:
    async with uow:
        repo = NonconformityRepository(uow.session)
        nc = await repo.get_or_raise(nonconformity_id)
        ensure_can_see(actor, nc.ruc)
        return NonconformityView(nc, await repo.actions(nonconformity_id))


async def submit_corrective_action(
    uow: UnitOfWork,
    actor: Principal,
    nonconformity_id: uuid.UUID,
    *,
    description: str,
    root_cause: str | None,
) -> NonconformityView:
    async with uow:
        repo = NonconformityRepository(uow.session)
        nc = await repo.get_or_raise(nonconformity_id, for_update=True)
        participant = await ParticipantRepository(uow.session).get_or_raise(nc.participant_id)
        ensure_can_fill(actor, participant)
        status = NONCONFORMITY.ensure(nc.status, NonconformityStatus.action_submitted)
        await repo.create_action(
            id=uuid.uuid4(),
            nonconformity_id=nonconformity_id,
            root_cause=root_cause,
            description=description,
            submitted_by=actor.subject,
            submitted_at=uow.clock.now(),
        )
        nc = await repo.update(nonconformity_id, status=status)
        view = NonconformityView(nc, await repo.actions(nonconformity_id))
        await uow.commit()
    return view


async def verify_corrective_action(
    uow: UnitOfWork, actor: Principal, nonconformity_id: uuid.UUID, *, accepted: bool, note: str | None
) -> NonconformityView:
    async with uow:
        repo = NonconformityRepository(uow.session)
        preaudits = PreauditRepository(uow.session)
        preaudit_id = (await repo.get_or_raise(nonconformity_id)).preaudit_id
        preaudit = await preaudits.get_or_raise(
            preaudit_id, for_update=True
        )  # lock order: pre-audit, then NC
        nc = await repo.get_or_raise(nonconformity_id, for_update=True)
        target = NonconformityStatus.verified_closed if accepted else NonconformityStatus.rejected
        NONCONFORMITY.ensure(nc.status, target)
        now = uow.clock.now()
        action = await repo.pending_action(nonconformity_id)
        await repo.update_action(
            action.id,
            verdict="accepted" if accepted else "rejected",
            verified_by=actor.subject,
            verification_note=note,
            verified_at=now,
        )
        nc = await repo.update(nonconformity_id, status=target, closed_at=now if accepted else None)
        if accepted:
            uow.publish(publish.nonconformity_closed(nc, now))
            if await repo.count_unclosed(preaudit_id) == 0:
                PREAUDIT.ensure(preaudit.status, PreauditStatus.passed)
                preaudit = await preaudits.update(preaudit_id, status=PreauditStatus.passed, passed_at=now)
                participant = await ParticipantRepository(uow.session).get_or_raise(preaudit.participant_id)
                uow.publish(publish.preaudit_passed(preaudit, participant, now))
        view = NonconformityView(nc, await repo.actions(nonconformity_id))
        await uow.commit()
    return view
