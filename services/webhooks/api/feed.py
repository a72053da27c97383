"""The public certificate status feed: a cursor feed and a JSON Feed 1.1 rendition."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from services.webhooks.api.schemas import StatusChangePublic, StatusFeedPublic
from services.webhooks.handlers import feed
from shared.deps import DEFAULT_PAGE_SIZE, LimitQuery, ReadDbDep, SettingsDep

PUBLIC: dict[str, Any] = {"x-public": True}
router = APIRouter(tags=["status feed"])


@router.get(
    "/feed/certificates",
    response_model=StatusFeedPublic,
    summary="Certificate status changes since a cursor (public)",
    description=(
        "For systems that cannot receive webhooks: call without `since` to read from the beginning, then "
        "pass the answer's `next_cursor` as `since` (store it): you get each change once, oldest first. "
        "`has_more: false` means you are up to date; poll again later."
    ),
    openapi_extra=PUBLIC,
)
async def certificate_feed(
    db: ReadDbDep,
    since: Annotated[
        str | None, Query(max_length=200, description="`next_cursor` of the previous call")
    ] = None,
    ruc: Annotated[str | None, Query(pattern=r"^\d{11}$", description="one company's changes")] = None,
    limit: LimitQuery = DEFAULT_PAGE_SIZE,
) -> StatusFeedPublic:
    rows, next_cursor, has_more = await feed.changes_since(db, since=since, limit=limit, ruc=ruc)
    return StatusFeedPublic(
        data=[StatusChangePublic.model_validate(r) for r in rows], next_cursor=next_cursor, has_more=has_more
    )


@router.get(
    "/feed/certificates.json",
    summary="The newest certificate status changes as a JSON Feed 1.1 (public)",
    response_class=JSONResponse,
    responses={200: {"content": {"application/feed+json": {}}, "description": "a JSON Feed 1.1 document"}},
    openapi_extra=PUBLIC,
)
async def certificate_json_feed(
    db: ReadDbDep, settings: SettingsDep, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> JSONResponse:
    document = await feed.json_feed(db, base_url=settings.public_base_url, limit=limit)
    return JSONResponse(document, media_type="application/feed+json")
