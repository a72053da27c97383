"""Loads the token verification keys named by the settings, once, at start-up.

``ECO_JWT_PUBLIC_KEYS_FILE`` is either a JWKS document (``{"keys": [...]}``, as identity
providers publish it; keys are matched by ``kid``) or a PEM file with one or more RSA
public keys (tried in turn, which is how a rotation overlaps). A file that cannot be
read or holds a non-RSA key stops the start-up: a gateway that silently verifies
nothing would refuse every person.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from jwt import PyJWKSet

from services.gateway.domain.tokens import RsaKey, TokenVerifier, VerificationKeys
from shared.settings import Settings

PEM_BLOCK = re.compile(rb"-----BEGIN PUBLIC KEY-----.+?-----END PUBLIC KEY-----", re.DOTALL)


def load_rsa_keys(path: Path) -> tuple[RsaKey, ...]:
    data = path.read_bytes()
    if data.lstrip().startswith(b"{"):
        keys = tuple(RsaKey(kid=k.key_id, key=k.key) for k in PyJWKSet.from_dict(json.loads(data)).keys)
    else:
        keys = tuple(RsaKey(kid=None, key=load_pem_public_key(block)) for block in PEM_BLOCK.findall(data))
    if not keys:
        raise ValueError(f"{path}: no public key found (expected a JWKS or PEM public keys)")
    if not all(isinstance(k.key, RSAPublicKey) for k in keys):
        raise ValueError(f"{path}: only RSA keys (RS256) are accepted")
    return keys


def token_verifier(settings: Settings) -> TokenVerifier:
    rsa = load_rsa_keys(Path(settings.jwt_public_keys_file)) if settings.jwt_public_keys_file else ()
    return TokenVerifier(
        keys=VerificationKeys(hs256_secret=settings.jwt_hs256_secret, rsa=rsa),
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        leeway_seconds=settings.jwt_leeway_seconds,
    )
