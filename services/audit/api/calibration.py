"""Routes: a cohort's calibration report (self-assessment vs pre-audit across its companies)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends

from services.audit.api import roles
from services.audit.api.schemas import CalibrationReportPublic
from services.audit.handlers import calibration
from shared.auth import Principal
from shared.deps import ReadConnDep

router = APIRouter(prefix="/cohorts", tags=["calibration"])
Staff = Annotated[Principal, Depends(roles.FOLLOW_UP_STAFF)]


@router.get(
    "/{cohort_id}/calibration",
    summary="Where a cohort's companies over-rate themselves: per requirement and aspect, and what to look at",
    response_model=CalibrationReportPublic,
)
async def get_cohort_calibration(cohort_id: uuid.UUID, conn: ReadConnDep, principal: Staff):
    report = await calibration.cohort_calibration(conn, principal, cohort_id)
    return CalibrationReportPublic.of(report, with_lines=False)
