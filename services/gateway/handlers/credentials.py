"""``authenticate``: what a credential proves, for every ``/_auth`` call nginx does not answer
from its cache. A JWT is checked without I/O; an API key with one primary-key read, on a
connection taken from the engine only then (a bearer token never holds one).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from services.gateway.db.repositories import ApiKeyRepository
from services.gateway.domain import api_keys
from services.gateway.domain.credentials import Credential, Kind
from services.gateway.domain.decisions import Decision, identity_expiry
from services.gateway.domain.rejections import CredentialRejected, Reason
from services.gateway.domain.tokens import TokenVerifier, principal_from_claims


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
        key = await ApiKeyRepository(conn).get(key_id=key_id)
    if key is None:
        raise CredentialRejected(Reason.unknown_api_key)
    principal = api_keys.principal_for(key, secret, expires_at=identity_expiry(now, max_age_seconds))
    return Decision(
        principal=principal.model_copy(update=binding),
        key_id=key.id,
        rate_limit_per_minute=key.rate_limit_per_minute,
    )
