"""Routes: a cohort's calibration report (self-assessment vs pre-audit across its companies)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from services.audit.api.roles import FollowUpReader
from services.audit.api.schemas import CalibrationReportPublic
from services.audit.handlers import calibration
from shared.deps import ReadDbDep

router = APIRouter(prefix="/cohorts", tags=["calibration"])


@router.get(
    "/{cohort_id}/calibration",
    summary="Where a cohort's companies over-rate themselves: per requirement and aspect, and what to look at",
    response_model=CalibrationReportPublic,
)
async def get_cohort_calibration(
    cohort_id: uuid.UUID, db: ReadDbDep, caller: FollowUpReader
) -> CalibrationReportPublic:
    report = await calibration.read_for_cohort(db, cohort_id=cohort_id)
    return CalibrationReportPublic.of(report, with_lines=False)
