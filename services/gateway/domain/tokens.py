"""People's bearer tokens (JWT): verification, claims -> Principal, and the dev issuer.

Signature first, then ``iss``, ``aud``, ``exp``/``nbf``/``iat`` with a small leeway for
clock skew. The token's ``alg`` header only selects among the keys *we* configured for
that algorithm (HS256: the shared secret; RS256: the RSA public keys), so a token can
never make us verify an RS256 key as an HMAC secret (the classic algorithm confusion).

Claims: ``sub``, ``role`` (one of :class:`shared.auth.Role` except ``partner``: partner
systems use API keys, which carry scopes), ``ruc`` for ``company`` (the one company it
is bound to), ``body_id`` for ``certification_body``, optional ``name``.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

import jwt

from services.gateway.domain.rejections import CredentialRejected, Reason
from shared.auth import Principal, Role

RUC_PATTERN = re.compile(r"^\d{11}$")
REQUIRED_CLAIMS = ["exp", "iss", "aud", "sub"]


@dataclass(frozen=True)
class RsaKey:
    kid: str | None
    key: Any  # a cryptography RSA public key


@dataclass(frozen=True)
class VerificationKeys:
    hs256_secret: str = ""  # empty: HS256 tokens are refused
    rsa: tuple[RsaKey, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class TokenVerifier:
    keys: VerificationKeys
    issuer: str
    audience: str
    leeway_seconds: int = 30

    def verify(self, token: str) -> dict[str, Any]:
        """The token's claims once signature, issuer, audience and times check out."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.DecodeError as exc:
            raise CredentialRejected(Reason.malformed_token) from exc
        algorithm = str(header.get("alg", ""))  # _candidates admits only the configured ones
        for key in self._candidates(algorithm, header.get("kid")):
            try:
                return jwt.decode(
                    token,
                    key,
                    algorithms=[algorithm],
                    issuer=self.issuer,
                    audience=self.audience,
                    leeway=self.leeway_seconds,
                    options={"require": REQUIRED_CLAIMS},
                )
            except jwt.InvalidSignatureError:
                continue  # during a key rotation the next key may be the one
            except jwt.PyJWTError as exc:
                raise _rejection(exc) from exc
        raise CredentialRejected(Reason.bad_signature)

    def _candidates(self, algorithm: object, kid: object) -> list[Any]:
        if algorithm == "HS256" and self.keys.hs256_secret:
            return [self.keys.hs256_secret]
        if algorithm == "RS256" and self.keys.rsa:
            if kid is None:
                return [k.key for k in self.keys.rsa]
            matching = [k.key for k in self.keys.rsa if k.kid == kid]
            if not matching:
                raise CredentialRejected(Reason.unknown_signing_key)
            return matching
        raise CredentialRejected(Reason.unsupported_algorithm)


def _rejection(exc: jwt.PyJWTError) -> CredentialRejected:
    if isinstance(exc, jwt.ExpiredSignatureError):
        return CredentialRejected(Reason.token_expired)
    if isinstance(exc, jwt.ImmatureSignatureError):
        return CredentialRejected(Reason.token_not_yet_valid)
    if isinstance(exc, jwt.InvalidIssuerError):
        return CredentialRejected(Reason.wrong_issuer)
    if isinstance(exc, jwt.InvalidAudienceError):
        return CredentialRejected(Reason.wrong_audience)
    if isinstance(exc, jwt.MissingRequiredClaimError):
        return CredentialRejected(Reason.invalid_claims, hint=f"missing '{exc.claim}'")
    if isinstance(exc, jwt.DecodeError):
        return CredentialRejected(Reason.malformed_token)
    return CredentialRejected(Reason.invalid_claims)


def principal_from_claims(claims: dict[str, Any], *, expires_at: int) -> Principal:
    """The caller a verified token describes; ``expires_at`` is the identity's own expiry."""
    try:
        role = Role(claims.get("role", ""))
    except ValueError as exc:
        raise CredentialRejected(Reason.invalid_claims, hint="'role' must name a platform role") from exc
    if role == Role.partner:
        raise CredentialRejected(Reason.partner_needs_api_key)
    subject, name = claims["sub"], claims.get("name")
    if not isinstance(subject, str) or not subject or not isinstance(name, str | None):
        raise CredentialRejected(Reason.invalid_claims, hint="'sub' and 'name' must be text")
    ruc = body_id = None
    if role == Role.company:
        ruc = claims.get("ruc")
        if not isinstance(ruc, str) or not RUC_PATTERN.match(ruc):
            raise CredentialRejected(Reason.invalid_claims, hint="a company token needs its 11-digit 'ruc'")
    if role == Role.certification_body:
        body_id = claims.get("body_id")
        if not _is_uuid(body_id):
            raise CredentialRejected(
                Reason.invalid_claims, hint="a certification_body token needs its 'body_id' (a UUID)"
            )
    return Principal(subject=subject, role=role, name=name, ruc=ruc, body_id=body_id, expires_at=expires_at)


def _is_uuid(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def issue_token(
    secret: str,
    *,
    issuer: str,
    audience: str,
    subject: str,
    role: Role,
    now: int,
    ttl_seconds: int,
    name: str | None = None,
    ruc: str | None = None,
    body_id: str | None = None,
) -> str:
    """An HS256 token as a real issuer would mint it (the dev/test issuer; never in prod).

    The claims go through :func:`principal_from_claims` first, so it cannot mint a token
    the verifier would refuse for its content.
    """
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": audience,
        "sub": subject,
        "role": role.value,
        "iat": now,
        "nbf": now,
        "exp": now + ttl_seconds,
        "jti": uuid.uuid4().hex,
    }
    claims |= {k: v for k, v in {"name": name, "ruc": ruc, "body_id": body_id}.items() if v is not None}
    principal_from_claims(claims, expires_at=now + ttl_seconds)
    return jwt.encode(claims, secret, algorithm="HS256")
