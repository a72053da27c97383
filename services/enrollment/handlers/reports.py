"""Programme figures by region (the circular-economy commission's nodes among them)."""

from __future__ import annotations

from services.enrollment.db.repositories import CompanyRepository
from services.enrollment.domain.regions import RegionFigures, per_region
from shared.deps import ReadDb


async def regions(db: ReadDb) -> list[RegionFigures]:
    """Every region: companies, women-led ones, participants, certification-eligible ones."""
    return per_region(await CompanyRepository(db).region_figures())
