"""API keys for partner systems (ProInnovate, ITP, CITEs): format, hashing, scopes, rates.

A key reads ``eco_<id>_<secret>``: ``id`` (16 hex digits) is public and names the key in
listings and logs; ``secret`` is 32 random bytes (256 bits, base64url). Only
``sha256(secret)`` is stored. A slow password hash (bcrypt, argon2) exists to make
guessing *low-entropy human passwords* expensive; a 256-bit random secret cannot be
guessed at any hashing speed, while a deliberately slow hash would cost ~100 ms of CPU
on every uncached check and hand attackers a cheap way to load the gateway. sha256
keeps a leaked table useless and verification in microseconds.

Rates are tiers because nginx enforces them with one ``limit_req_zone`` per tier
(deploy/nginx/nginx.conf.template): nginx cannot vary a zone's rate per key.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from services.gateway.domain.rejections import CredentialRejected, Reason
from shared.auth import Principal, Role
from shared.settings import SERVICES

KEY_PATTERN = re.compile(r"^eco_(?P<id>[0-9a-f]{16})_(?P<secret>[A-Za-z0-9_-]{43})$")

# Requests per minute; each is a limit_req zone in the nginx template (keep them in step).
RATE_TIERS: tuple[int, ...] = (60, 300, 600, 3000)
DEFAULT_RATE = 600

# One member per service and access; mypy cannot see members built from SERVICES.
Scope = StrEnum(  # type: ignore[misc]
    "Scope", {f"{svc}_{access}": f"{svc}:{access}" for svc in SERVICES for access in ("read", "write")}
)
Scope.__doc__ = "`<service>:read` admits safe methods (GET), `<service>:write` the others."


class StoredKey(Protocol):
    id: str
    secret_hash: str
    name: str
    organisation: str
    scopes: list[str]
    revoked_at: datetime | None


@dataclass(frozen=True)
class NewKey:
    id: str
    plaintext: str  # shown once, never stored
    secret_hash: str


def generate() -> NewKey:
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    return NewKey(id=key_id, plaintext=f"eco_{key_id}_{secret}", secret_hash=hash_secret(secret))


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse(plaintext: str) -> tuple[str, str]:
    """``(id, secret)`` of a presented key; refuses anything not shaped like one of ours."""
    match = KEY_PATTERN.match(plaintext)
    if match is None:
        raise CredentialRejected(Reason.malformed_api_key)
    return match["id"], match["secret"]


def secret_matches(secret: str, stored_hash: str) -> bool:
    """Constant-time: the comparison's duration says nothing about the stored hash."""
    return hmac.compare_digest(hash_secret(secret), stored_hash)


def normalise_scopes(scopes: list[Scope]) -> list[str]:
    return sorted({scope.value for scope in scopes})


def principal_for(key: StoredKey, secret: str, *, expires_at: int) -> Principal:
    """The partner a presented key proves, once its secret matches and it is not revoked.

    The secret is checked first: whether a key id exists or was revoked is told only to
    whoever holds its secret.
    """
    if not secret_matches(secret, key.secret_hash):
        raise CredentialRejected(Reason.unknown_api_key)
    if key.revoked_at is not None:
        raise CredentialRejected(Reason.revoked_api_key)
    return Principal(
        subject=f"apikey:{key.id}",
        role=Role.partner,
        name=f"{key.organisation}: {key.name}",
        scopes=list(key.scopes),
        expires_at=expires_at,
    )
