"""The programme's vocabulary: nodes, methodologies, activity kinds (public)."""

from __future__ import annotations

from fastapi import APIRouter

from services.circular.api.schemas import ReferencePublic
from services.circular.handlers import reference

PUBLIC = {"x-public": True}
public = APIRouter(tags=["reference"])


@public.get(
    "/reference",
    response_model=ReferencePublic,
    summary="The Commission's nodes, the four training methodologies and the kinds of activity",
    openapi_extra=PUBLIC,
)
async def read_reference() -> ReferencePublic:
    return ReferencePublic.model_validate(reference.read())
