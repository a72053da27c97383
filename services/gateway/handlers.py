"""Use cases of the gateway app: the only place a transaction opens.

``authenticate`` runs on every ``/_auth`` call nginx does not answer from its cache: a
JWT is checked without I/O, an API key with one primary-key read.
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from services.gateway.db.repository import ApiKeyRepository
from services.gateway.domain import api_keys
from services.gateway.domain.credentials import Credential, Kind
from services.gateway.domain.decisions import Decision, identity_expiry
from services.gateway.domain.rejections import CredentialRejected, Reason
from services.gateway.domain.tokens import TokenVerifier, issue_token, principal_from_claims
from shared.auth import Principal, Role
from shared.clock import Clock
from shared.errors import RuleViolation
from shared.settings import Settings


async def authenticate(
    engine: AsyncEngine,
    verifier: TokenVerifier,
    credential: Credential | None,
    *,
    now: float,
    max_age_seconds: int,
    method: str,
    path: str,
) -> Decision:
    """The identity a credential proves for one request (``method`` ``path``), None without
    a credential, or :class:`CredentialRejected`."""
    if credential is None:
        return Decision(principal=None)
    binding = {"method": method, "path": path}
    if credential.kind == Kind.bearer:
        claims = verifier.verify(credential.value)
        if claims["exp"] <= now:
            # Inside the verifier's clock-skew leeway, but an identity must not be born expired:
            # say why, so a front end refreshes its token.
            raise CredentialRejected(Reason.token_expired)
        expires_at = identity_expiry(now, max_age_seconds, token_expiry=claims["exp"])
        principal = principal_from_claims(claims, expires_at=expires_at)
        return Decision(principal=principal.model_copy(update=binding))
    key_id, secret = api_keys.parse(credential.value)
    async with engine.connect() as conn:
        key = await ApiKeyRepository(conn).get(key_id)
    if key is None:
        raise CredentialRejected(Reason.unknown_api_key)
    principal = api_keys.principal_for(key, secret, expires_at=identity_expiry(now, max_age_seconds))
    return Decision(
        principal=principal.model_copy(update=binding),
        key_id=key.id,
        rate_limit_per_minute=key.rate_limit_per_minute,
    )


async def create_api_key(
    engine: AsyncEngine, clock: Clock, admin: Principal, data: dict[str, Any]
) -> tuple[sa.Row, str]:
    """The stored key and its plaintext, which exists only in this return value."""
    new = api_keys.generate()
    async with engine.begin() as conn:
        row = await ApiKeyRepository(conn).create(
            id=new.id,
            secret_hash=new.secret_hash,
            name=data["name"],
            organisation=data["organisation"],
            scopes=api_keys.normalise_scopes(data["scopes"]),
            rate_limit_per_minute=data["rate_limit_per_minute"],
            created_at=clock.now(),
            created_by=admin.subject,
        )
    return row, new.plaintext


async def list_api_keys(
    engine: AsyncEngine, *, active: bool | None, cursor: str | None, limit: int
) -> tuple[list[sa.Row], str | None]:
    async with engine.connect() as conn:
        return await ApiKeyRepository(conn).list(active=active, cursor=cursor, limit=limit)


async def get_api_key(engine: AsyncEngine, key_id: str) -> sa.Row:
    async with engine.connect() as conn:
        return await ApiKeyRepository(conn).get_or_raise(key_id)


async def revoke_api_key(engine: AsyncEngine, clock: Clock, admin: Principal, key_id: str) -> sa.Row:
    """Idempotent: revoking a revoked key keeps its first revocation.

    nginx may still answer from a decision it cached before the revocation, for at most
    ``ECO_AUTH_CACHE_SECONDS``.
    """
    async with engine.begin() as conn:
        repo = ApiKeyRepository(conn)
        key = await repo.get_or_raise(key_id, for_update=True)
        if key.revoked_at is not None:
            return key
        return await repo.update(key_id, revoked_at=clock.now(), revoked_by=admin.subject)


def issue_dev_token(settings: Settings, data: dict[str, Any], *, now: int) -> tuple[str, int]:
    """A token of the configured issuer for any role: dev and test only (route and CLI)."""
    if not settings.is_dev or not settings.jwt_hs256_secret:
        raise RuleViolation("dev-issuer-disabled", "The local token issuer exists only in dev and test.")
    role = Role(data["role"])
    expires_at = now + data["ttl_seconds"]
    try:
        token = issue_token(
            settings.jwt_hs256_secret,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            subject=data.get("subject") or f"dev-{role.value}-{uuid.uuid4().hex[:8]}",
            role=role,
            now=now,
            ttl_seconds=data["ttl_seconds"],
            name=data.get("name"),
            ruc=data.get("ruc"),
            body_id=data.get("body_id"),
        )
    except CredentialRejected as exc:  # the verifier would refuse such claims: say so as a 422
        raise RuleViolation("token-claims", exc.detail, detail_es=exc.detail_es) from exc
    return token, expires_at
