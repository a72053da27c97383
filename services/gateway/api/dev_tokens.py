"""The local token issuer, for dev and tests: mounted only when ECO_ENV is dev or test.

Front-end developers and tests get a real signed JWT for any role without an identity
provider; everything downstream (nginx, /_auth, the services) treats it like any token.
"""

from __future__ import annotations

import time

from fastapi import APIRouter

from services.gateway.api.schemas import DevTokenCreate, TokenPublic
from services.gateway.handlers import dev_tokens
from shared.deps import SettingsDep

router = APIRouter(prefix="/dev", tags=["dev"])


@router.post(
    "/tokens",
    status_code=201,
    response_model=TokenPublic,
    summary="Issue a bearer token for any role (dev and test only)",
    openapi_extra={"x-public": True},
)
async def issue_dev_token(body: DevTokenCreate, settings: SettingsDep) -> TokenPublic:
    now = int(time.time())
    token, expires_at = dev_tokens.issue(settings, body.model_dump(), now=now)
    return TokenPublic(access_token=token, expires_in=expires_at - now, expires_at=expires_at)
