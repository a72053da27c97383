"""Verification keys from ECO_JWT_PUBLIC_KEYS_FILE: JWKS or PEM, RSA only, never silently none."""

from __future__ import annotations

import json
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import RSAAlgorithm

from services.gateway.signing_keys import load_rsa_keys, token_verifier
from shared.settings import Settings

KEYS = [rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(2)]


def _pem(key) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def test_a_pem_file_may_hold_several_keys(tmp_path: Path):
    path = tmp_path / "keys.pem"
    path.write_bytes(_pem(KEYS[0]) + b"\n" + _pem(KEYS[1]))
    loaded = load_rsa_keys(path)
    assert [k.kid for k in loaded] == [None, None]
    assert [k.key.public_numbers() for k in loaded] == [k.public_key().public_numbers() for k in KEYS]


def test_a_jwks_file_keeps_the_key_ids(tmp_path: Path):
    jwks = {
        "keys": [
            json.loads(RSAAlgorithm.to_jwk(k.public_key())) | {"kid": f"k{i}"} for i, k in enumerate(KEYS)
        ]
    }
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(jwks))
    assert [k.kid for k in load_rsa_keys(path)] == ["k0", "k1"]


def test_a_file_without_rsa_keys_stops_the_start_up(tmp_path: Path):
    empty = tmp_path / "empty.pem"
    empty.write_text("nothing here")
    with pytest.raises(ValueError, match="no public key"):
        load_rsa_keys(empty)
    ec_file = tmp_path / "ec.pem"
    ec_file.write_bytes(_pem(ec.generate_private_key(ec.SECP256R1())))
    with pytest.raises(ValueError, match="only RSA"):
        load_rsa_keys(ec_file)


def test_the_verifier_accepts_tokens_of_either_configured_kind(tmp_path: Path):
    path = tmp_path / "keys.pem"
    path.write_bytes(_pem(KEYS[0]))
    settings = Settings(env="test", jwt_public_keys_file=str(path))
    verifier = token_verifier(settings)
    base = {"iss": settings.jwt_issuer, "aud": settings.jwt_audience, "sub": "s", "exp": 4_000_000_000}
    assert verifier.verify(jwt.encode(base, KEYS[0], algorithm="RS256"))["sub"] == "s"
    assert verifier.verify(jwt.encode(base, settings.jwt_hs256_secret, algorithm="HS256"))["sub"] == "s"
