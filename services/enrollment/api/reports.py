"""Programme figures by region; the circular-economy commission's nodes reported apart."""

from __future__ import annotations

from fastapi import APIRouter

from services.enrollment.api.roles import RegionReportReader
from services.enrollment.api.schemas import RegionReportPublic, RegionStats
from services.enrollment.handlers import reports
from shared.deps import ReadDbDep

router = APIRouter(tags=["reports"])


@router.get(
    "/reports/regions",
    response_model=RegionReportPublic,
    summary="Companies, women-led companies, participants and certification-eligible ones per region",
)
async def get_region_report(db: ReadDbDep, principal: RegionReportReader) -> RegionReportPublic:
    stats = [RegionStats.model_validate(r, from_attributes=True) for r in await reports.regions(db)]
    return RegionReportPublic(
        data=stats, circular_economy_nodes=[s for s in stats if s.circular_economy_node]
    )
