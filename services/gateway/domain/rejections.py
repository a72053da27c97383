"""Why a presented credential was refused, in both languages, with a stable reason code.

A client switches on ``reason`` (a front end refreshes its token on ``token-expired``);
people read ``detail``. Every refusal is a 401 except a credential that is authentic but
may not be used this way (403).
"""

from __future__ import annotations

from enum import StrEnum

from shared.errors import DomainError


class Reason(StrEnum):
    ambiguous_credentials = "ambiguous-credentials"
    unsupported_scheme = "unsupported-scheme"
    malformed_api_key = "malformed-api-key"
    unknown_api_key = "unknown-api-key"
    revoked_api_key = "revoked-api-key"
    malformed_token = "malformed-token"
    unsupported_algorithm = "unsupported-algorithm"
    unknown_signing_key = "unknown-signing-key"
    bad_signature = "bad-signature"
    token_expired = "token-expired"
    token_not_yet_valid = "token-not-yet-valid"
    wrong_issuer = "wrong-issuer"
    wrong_audience = "wrong-audience"
    invalid_claims = "invalid-claims"
    partner_needs_api_key = "partner-needs-api-key"
    credential_required = "credential-required"
    too_many_failures = "too-many-failures"


_TEXT: dict[Reason, tuple[str, str]] = {
    Reason.ambiguous_credentials: (
        "Send one credential: either X-API-Key or Authorization, not both.",
        "Envíe una sola credencial: X-API-Key o Authorization, no ambas.",
    ),
    Reason.unsupported_scheme: (
        "The Authorization header must be 'Bearer <token>' or 'ApiKey <key>'.",
        "La cabecera Authorization debe ser 'Bearer <token>' o 'ApiKey <clave>'.",
    ),
    Reason.malformed_api_key: (
        "The API key is not in the format eco_<id>_<secret>.",
        "La API key no tiene el formato eco_<id>_<secreto>.",
    ),
    Reason.unknown_api_key: ("The API key is not valid.", "La API key no es válida."),
    Reason.revoked_api_key: ("The API key has been revoked.", "La API key ha sido revocada."),
    Reason.malformed_token: ("The bearer token is not a valid JWT.", "El token no es un JWT válido."),
    Reason.unsupported_algorithm: (
        "The token's signing algorithm is not accepted (HS256 or RS256 as configured).",
        "El algoritmo de firma del token no se acepta (HS256 o RS256 según la configuración).",
    ),
    Reason.unknown_signing_key: (
        "The token names a signing key (kid) this API does not know.",
        "El token indica una clave de firma (kid) que esta API no conoce.",
    ),
    Reason.bad_signature: (
        "The token's signature does not verify.",
        "La firma del token no es válida.",
    ),
    Reason.token_expired: ("The bearer token has expired.", "El token ha expirado."),
    Reason.token_not_yet_valid: (
        "The bearer token is not valid yet (nbf or iat in the future).",
        "El token todavía no es válido (nbf o iat en el futuro).",
    ),
    Reason.wrong_issuer: (
        "The token was not issued by the issuer this API trusts.",
        "El token no fue emitido por el emisor en que confía esta API.",
    ),
    Reason.wrong_audience: (
        "The token is not meant for this API (audience).",
        "El token no está destinado a esta API (audiencia).",
    ),
    Reason.invalid_claims: (
        "The token's claims are incomplete or invalid.",
        "Los datos (claims) del token están incompletos o no son válidos.",
    ),
    Reason.partner_needs_api_key: (
        "Partner systems authenticate with an API key, which carries their scopes.",
        "Los sistemas de socios se autentican con una API key, que lleva sus alcances.",
    ),
    Reason.credential_required: (
        "This operation needs a credential: send a bearer token or an API key.",
        "Esta operación requiere una credencial: envíe un token o una API key.",
    ),
    Reason.too_many_failures: (
        "Too many refused credentials from this address; retry after the seconds in Retry-After.",
        "Demasiadas credenciales rechazadas desde esta dirección; reintente tras los segundos de Retry-After.",
    ),
}

_FORBIDDEN = frozenset({Reason.partner_needs_api_key})


class CredentialRejected(DomainError):
    """A credential was presented and refused (401), or may not be used so (403)."""

    def __init__(self, reason: Reason, *, hint: str | None = None, retry_after: int | None = None) -> None:
        """``hint`` adds a fixed, non-secret precision (a claim name), never caller input."""
        en, es = _TEXT[reason]
        if hint:
            en, es = f"{en} ({hint})", f"{es} ({hint})"
        super().__init__(en, detail_es=es, extra={"reason": reason.value})
        self.reason = reason
        self.retry_after = retry_after
        if reason == Reason.too_many_failures:
            self.status, self.slug = 429, "rate-limited"
        elif reason in _FORBIDDEN:
            self.status, self.slug = 403, "forbidden"
        else:
            self.status, self.slug = 401, "unauthorized"
