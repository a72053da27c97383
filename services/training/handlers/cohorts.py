"""Changing a cohort's training settings (PROMPERU officer)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from services.training.db.repository import CohortRepository
from services.training.domain.cohorts import CohortSettings, check_durations, check_mandatory, check_min_share
from services.training.handlers.completion import reevaluate
from shared.uow import UnitOfWork


async def update_cohort_settings(
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
        cohort = await repo.get_or_raise(cohort_id=cohort_id, lock=True)
        values: dict = {}
        if mandatory_workshops is not None:
            values["mandatory_workshops"] = check_mandatory(mandatory_workshops)
        if min_attendance_share is not None:
            values["min_attendance_share"] = check_min_share(min_attendance_share)
        if workshop_durations is not None:
            values["workshop_durations"] = check_durations(workshop_durations)
        if values:
            await repo.update(
                cohort_id=cohort_id, values=values | {"updated_at": uow.clock.now(), "updated_by": actor}
            )
        rule_changed = (
            values.get("mandatory_workshops", cohort.mandatory_workshops) != cohort.mandatory_workshops
            or values.get("min_attendance_share", cohort.min_attendance_share) != cohort.min_attendance_share
        )
        if rule_changed:
            await reevaluate(uow, cohort_id=cohort_id, reason="settings_changed")
        updated = await repo.get_or_raise(cohort_id=cohort_id)
        await uow.commit()
        return updated
