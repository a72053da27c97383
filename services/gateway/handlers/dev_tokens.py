"""The local token issuer (dev and test only): the route and the command line share it."""

from __future__ import annotations

import uuid
from typing import Any

from services.gateway.domain.rejections import CredentialRejected
from services.gateway.domain.tokens import issue_token
from shared.auth import Role
from shared.errors import RuleViolation
from shared.settings import Settings


def issue(settings: Settings, data: dict[str, Any], *, now: int) -> tuple[str, int]:
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
