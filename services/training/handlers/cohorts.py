"""The curriculum, cohorts' training settings and the cohort's progress matrix."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from services.training.db.repositories import (
    CohortRepository,
    MatrixPage,
    ParticipantRepository,
    RowPage,
    WorkshopRepository,
)
from services.training.domain.cohorts import CohortSettings, check_durations, check_mandatory, check_min_share
from services.training.handlers.completion import reevaluate
from shared.deps import ReadDb
from shared.uow import UnitOfWork


async def curriculum(db: ReadDb) -> list[sa.Row[Any]]:
    """Talleres 0-10 with their titles and curriculum durations."""
    return await WorkshopRepository(db).all()


async def page(db: ReadDb, *, cursor: str | None, limit: int) -> RowPage:
    return await CohortRepository(db).page(cursor=cursor, limit=limit)


async def read_settings(db: ReadDb, *, cohort_id: uuid.UUID) -> CohortSettings:
    return await CohortRepository(db).get_or_raise(cohort_id=cohort_id)


async def matrix(
    db: ReadDb,
    *,
    cohort_id: uuid.UUID,
    status: str | None,
    completion_state: str | None,
    cursor: str | None,
    limit: int,
) -> tuple[CohortSettings, MatrixPage]:
    """The cohort's settings and one page of its companies x workshops cells."""
    cohort = await CohortRepository(db).get_or_raise(cohort_id=cohort_id)
    rows = await ParticipantRepository(db).matrix_page(
        cohort_id=cohort_id, status=status, completion_state=completion_state, cursor=cursor, limit=limit
    )
    return cohort, rows


async def update_settings(
    uow: UnitOfWork,
    *,
    cohort_id: uuid.UUID,
    mandatory_workshops: list[int] | None,
    min_attendance_share: Decimal | None,
    workshop_durations: dict[int, int] | None,
    actor: str,
) -> CohortSettings:
    """Change what completion means for a cohort, and re-evaluate its participants at once.

    Workshop durations only feed sessions scheduled afterwards: a held session keeps the
    duration its attendance was measured against.
    """
    async with uow:
        repo = CohortRepository(uow.session)
        cohort = await repo.get_or_raise(cohort_id=cohort_id, for_update=True)
        values: dict[str, Any] = {}
        if mandatory_workshops is not None:
            values["mandatory_workshops"] = check_mandatory(mandatory_workshops)
        if min_attendance_share is not None:
            values["min_attendance_share"] = check_min_share(min_attendance_share)
        if workshop_durations is not None:
            values["workshop_durations"] = check_durations(workshop_durations)
        if not values:
            return cohort
        updated = await repo.update(
            cohort_id=cohort_id, values=values | {"updated_at": uow.clock.now(), "updated_by": actor}
        )
        if (updated.mandatory_workshops, updated.min_attendance_share) != (
            cohort.mandatory_workshops,
            cohort.min_attendance_share,
        ):
            await reevaluate(uow, cohort_id=cohort_id, reason="settings_changed")
        await uow.commit()
        return updated
