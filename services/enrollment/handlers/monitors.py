"""PROMPERÚ follow-up monitors with their load, and who follows which participant (with history)."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from services.enrollment.db.repositories import (
    ApplicationRepository,
    CompanyRepository,
    MonitorRepository,
    Page,
)
from services.enrollment.domain.applications import PARTICIPANT_STATES, Status
from services.enrollment.events import publish
from shared.auth import Principal
from shared.deps import ReadDb
from shared.errors import Conflict, RuleViolation
from shared.uow import UnitOfWork


async def read(db: ReadDb, *, monitor_id: uuid.UUID) -> sa.Row[Any]:
    return await MonitorRepository(db).get_view(monitor_id=monitor_id)


async def page(db: ReadDb, *, active: bool | None, cursor: str | None, limit: int) -> Page:
    return await MonitorRepository(db).page(active=active, cursor=cursor, limit=limit)


def _taken(email: str) -> Conflict:
    return Conflict(
        f"A monitor with e-mail {email} or the same login already exists.",
        detail_es=f"Ya existe un monitor con el correo {email} o el mismo usuario.",
    )


async def create_monitor(uow: UnitOfWork, data: dict[str, Any]) -> sa.Row[Any]:
    async with uow:
        now = uow.clock.now()
        repo = MonitorRepository(uow.session)
        row = await repo.create(values=data | {"id": uuid.uuid4(), "created_at": now, "updated_at": now})
        if row is None:
            raise _taken(data["email"])
        row = await repo.get_view(monitor_id=row.id)
        await uow.commit()
    return row


async def update_monitor(uow: UnitOfWork, monitor_id: uuid.UUID, data: dict[str, Any]) -> sa.Row[Any]:
    async with uow:
        repo = MonitorRepository(uow.session)
        await repo.get_or_raise(monitor_id=monitor_id)
        try:
            async with uow.session.begin_nested():
                await repo.update(monitor_id=monitor_id, values=data | {"updated_at": uow.clock.now()})
        except sa.exc.IntegrityError as exc:
            raise _taken(data.get("email", "")) from exc
        row = await repo.get_view(monitor_id=monitor_id)
        await uow.commit()
    return row


async def reassign_monitor(
    uow: UnitOfWork, principal: Principal, application_id: uuid.UUID, *, monitor_id: uuid.UUID, reason: str
) -> list[sa.Row[Any]]:
    """Close the current assignment today and open one for ``monitor_id``; history is kept."""
    async with uow:
        app = await ApplicationRepository(uow.session).get_or_raise(
            application_id=application_id, for_update=True
        )
        if Status(app.status) not in PARTICIPANT_STATES:
            raise RuleViolation(
                "monitor.not_a_participant",
                f"Only participants have a monitor; the application is '{app.status}'.",
                detail_es=f"Solo los participantes tienen monitor; la postulación está en '{app.status}'.",
            )
        monitors = MonitorRepository(uow.session)
        target = await monitors.get_or_raise(monitor_id=monitor_id)
        if not target.active:
            raise RuleViolation(
                "monitor.inactive",
                f"Monitor {target.name} is not active.",
                detail_es=f"El monitor {target.name} no está activo.",
            )
        await monitors.lock_assignments()
        current = await monitors.current_assignment(application_id=application_id)
        if current is not None and current.monitor_id == monitor_id:
            raise Conflict(
                f"{target.name} already follows this participant.",
                detail_es=f"{target.name} ya acompaña a este participante.",
            )
        today = uow.clock.today()
        await monitors.close_assignment(application_id=application_id, on=today)
        await monitors.assign(
            application_id=application_id,
            monitor_id=monitor_id,
            on=today,
            at=uow.clock.now(),
            reason=reason,
            by=principal.subject,
        )
        history = await monitors.history(application_id=application_id)
        company = await CompanyRepository(uow.session).get_or_raise(company_id=app.company_id)
        uow.publish(
            publish.monitor_reassigned(
                app, company, target, previous=current, reason=reason, at=uow.clock.now()
            )
        )
        await uow.commit()
    return history
