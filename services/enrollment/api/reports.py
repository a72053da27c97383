"""Programme figures by region; the circular-economy commission's nodes reported apart."""

from __future__ import annotations

from fastapi import APIRouter

from services.enrollment.api.deps import ReportReader
from services.enrollment.api.schemas import RegionReportPublic, RegionStats
from services.enrollment.handlers import reads
from shared.deps import ReadConnDep

router = APIRouter(tags=["reports"])


@router.get(
    "/reports/regions",
    response_model=RegionReportPublic,
    summary="Companies, women-led companies, participants and certification-eligible ones per region",
)
async def get_region_report(db: ReadConnDep, principal: ReportReader) -> RegionReportPublic:
    stats = [RegionStats(**r) for r in await reads.region_report(db)]
    return RegionReportPublic(
        data=stats, circular_economy_nodes=[s for s in stats if s.circular_economy_node]
    )
