"""API keys of partner systems, managed by admins: create (shown once), list, get, revoke."""

from __future__ import annotations

from fastapi import APIRouter, Response

from services.gateway.api.roles import ApiKeyAdmin
from services.gateway.api.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyPublic, ApiKeysPublic
from services.gateway.handlers import api_keys
from shared.deps import DEFAULT_PAGE_SIZE, ClockDep, CursorQuery, EngineDep, LimitQuery, ReadDbDep

router = APIRouter(prefix="/api-keys", tags=["api keys"])


@router.post(
    "",
    status_code=201,
    response_model=ApiKeyCreated,
    summary="Create an API key for a partner system; the key is in this response only",
    responses={201: {"headers": {"Location": {"$ref": "#/components/headers/Location"}}}},
)
async def create_api_key(
    body: ApiKeyCreate, engine: EngineDep, clock: ClockDep, admin: ApiKeyAdmin, response: Response
) -> ApiKeyCreated:
    row, plaintext = await api_keys.create(engine, clock, admin, body.model_dump())
    response.headers["Location"] = f"/api/v1/gateway/api-keys/{row.id}"
    response.headers["Cache-Control"] = "no-store"
    return ApiKeyCreated.model_validate({**row._mapping, "key": plaintext})


@router.get("", response_model=ApiKeysPublic, summary="List API keys (never their secrets)")
async def list_api_keys(
    db: ReadDbDep,
    _: ApiKeyAdmin,
    active: bool | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_PAGE_SIZE,
) -> ApiKeysPublic:
    rows, next_cursor = await api_keys.page(db, active=active, cursor=cursor, limit=limit)
    return ApiKeysPublic(data=[ApiKeyPublic.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get("/{key_id}", response_model=ApiKeyPublic, summary="One API key")
async def get_api_key(key_id: str, db: ReadDbDep, _: ApiKeyAdmin) -> ApiKeyPublic:
    return ApiKeyPublic.model_validate(await api_keys.read(db, key_id=key_id))


@router.post(
    "/{key_id}/revoke",
    response_model=ApiKeyPublic,
    summary="Revoke an API key (idempotent); refused everywhere within the auth cache time",
)
async def revoke_api_key(key_id: str, engine: EngineDep, clock: ClockDep, admin: ApiKeyAdmin) -> ApiKeyPublic:
    return ApiKeyPublic.model_validate(await api_keys.revoke(engine, clock, admin, key_id=key_id))
