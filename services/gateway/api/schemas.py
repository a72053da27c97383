"""Request and response models of the gateway's own routes."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.gateway.domain.api_keys import DEFAULT_RATE, RATE_TIERS, Scope
from shared.auth import Role

RatePerMinute = Literal[RATE_TIERS]  # type: ignore[valid-type]  # the tiers nginx has zones for


class ApiKeyCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100, examples=["nightly enrollment sync"])
    organisation: str = Field(min_length=1, max_length=200, examples=["ProInnovate"])
    scopes: list[Scope] = Field(min_length=1, examples=[["enrollment:read", "training:read"]])
    rate_limit_per_minute: RatePerMinute = Field(
        DEFAULT_RATE, description="requests per minute allowed to this key (nginx answers 429 beyond)"
    )


class ApiKeyPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str = Field(description="the public part of the key (eco_<id>_...)", examples=["3f9c2a7d1b4e6f08"])
    name: str
    organisation: str
    scopes: list[str]
    rate_limit_per_minute: int
    created_at: datetime
    created_by: str
    revoked_at: datetime | None
    revoked_by: str | None


class ApiKeyCreated(ApiKeyPublic):
    key: str = Field(
        description="the key itself, shown only in this response: store it now (only its hash is kept)",
        examples=["eco_3f9c2a7d1b4e6f08_Qm9vZ3VzLXNlY3JldC1mb3ItZG9jcy1vbmx5LWV4YW1wbGU"],
    )


class ApiKeysPublic(BaseModel):
    data: list[ApiKeyPublic]
    next_cursor: str | None = Field(None, description="pass as ?cursor= for the next page; null at the end")


class DevTokenCreate(BaseModel):
    role: Role
    subject: str | None = Field(None, description="the token's `sub`; a random one when omitted")
    name: str | None = None
    ruc: str | None = Field(None, description="required for role company", examples=["20100070970"])
    body_id: str | None = Field(None, description="required for role certification_body (a UUID)")
    ttl_seconds: int = Field(3600, ge=1, le=86400)


class TokenPublic(BaseModel):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int = Field(description="seconds")
    expires_at: int = Field(description="unix seconds")
