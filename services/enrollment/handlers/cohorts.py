"""Programme editions (cohorts): read and list them with their seats taken; create, change the
schedule or capacity, delete an empty one."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa

from services.enrollment.db.repositories import ApplicationRepository, CohortRepository, Page
from services.enrollment.domain.cohorts import check_schedule
from shared.deps import ReadDb
from shared.errors import Conflict, RuleViolation
from shared.uow import UnitOfWork


async def read(db: ReadDb, *, cohort_id: uuid.UUID) -> sa.Row[Any]:
    return await CohortRepository(db).get_view(cohort_id=cohort_id)


async def page(db: ReadDb, *, open_on: date | None, cursor: str | None, limit: int) -> Page:
    """Cohorts by application window (``open_on``: only those whose window includes it)."""
    return await CohortRepository(db).page(open_on=open_on, cursor=cursor, limit=limit)


def _check(values: dict[str, Any]) -> None:
    check_schedule(
        values["applications_open_on"],
        values["applications_close_on"],
        values.get("preaudit_on"),
        values.get("certification_audit_on"),
    )


def _name_taken(name: str) -> Conflict:
    return Conflict(
        f"A cohort named {name!r} already exists.",
        detail_es=f"Ya existe una edición llamada {name!r}.",
        extra={"name": name},
    )


async def create_cohort(uow: UnitOfWork, data: dict[str, Any]) -> sa.Row[Any]:
    _check(data)
    async with uow:
        now = uow.clock.now()
        row = await CohortRepository(uow.session).create(
            values=data | {"id": uuid.uuid4(), "created_at": now, "updated_at": now}
        )
        if row is None:
            raise _name_taken(data["name"])
        view = await CohortRepository(uow.session).get_view(cohort_id=row.id)
        await uow.commit()
    return view


async def update_cohort(uow: UnitOfWork, cohort_id: uuid.UUID, data: dict[str, Any]) -> sa.Row[Any]:
    async with uow:
        repo = CohortRepository(uow.session)
        current = await repo.get_or_raise(cohort_id=cohort_id, for_update=True)
        merged = dict(current._mapping) | data
        _check(merged)
        if "capacity" in data:
            taken = await repo.seats_taken(cohort_id=cohort_id)
            if data["capacity"] < taken:
                raise RuleViolation(
                    "cohort.capacity_below_admitted",
                    f"{taken} participants already hold seats; the capacity cannot go below that.",
                    detail_es=f"{taken} participantes ya ocupan vacantes; la capacidad no puede ser menor.",
                )
        if "name" in data and data["name"] != current.name and await repo.get(name=data["name"]):
            raise _name_taken(data["name"])
        await repo.update(cohort_id=cohort_id, values=data | {"updated_at": uow.clock.now()})
        view = await repo.get_view(cohort_id=cohort_id)
        await uow.commit()
    return view


async def delete_cohort(uow: UnitOfWork, cohort_id: uuid.UUID) -> None:
    async with uow:
        repo = CohortRepository(uow.session)
        await repo.get_or_raise(cohort_id=cohort_id, for_update=True)
        if await ApplicationRepository(uow.session).count(cohort_id=cohort_id):
            raise Conflict(
                "The cohort has applications and cannot be deleted.",
                detail_es="La edición tiene postulaciones y no puede eliminarse.",
            )
        await repo.delete(cohort_id=cohort_id)
        await uow.commit()
