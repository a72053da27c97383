"""The circularity calculator of the hub (public): Material Circularity Indicator of a product."""

from __future__ import annotations

from fastapi import APIRouter

from services.catalog.api.schemas import MciCreate, MciPublic
from services.catalog.domain.mci import MciInput, material_circularity

router = APIRouter(tags=["circularity"])

METHODOLOGY = (
    "Ellen MacArthur Foundation & Granta Design, Circularity Indicators: An Approach to Measuring "
    "Circularity. Methodology (2015, rev. 2019), product-level MCI for technical materials"
)


@router.post(
    "/circularity/mci",
    response_model=MciPublic,
    summary="Compute a product's Material Circularity Indicator",
    description="Returns V, W_0, W_F, W_C, W, LFI, X, F(X) and MCI. Nothing is stored.",
    openapi_extra={"x-public": True},
)
async def compute_mci(data: MciCreate) -> MciPublic:
    result = material_circularity(MciInput(**data.model_dump()))
    return MciPublic(**vars(result), methodology=METHODOLOGY)
