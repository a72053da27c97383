"""Bearer tokens: what is verified, what each refusal says, and the Principal they give."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from services.gateway.domain.decisions import Decision, identity_expiry
from services.gateway.domain.rejections import CredentialRejected, Reason
from services.gateway.domain.tokens import (
    RsaKey,
    TokenVerifier,
    VerificationKeys,
    issue_token,
    principal_from_claims,
)
from shared.auth import Principal, Role

SECRET = "unit-test-hs256-secret-of-32-bytes!!"
ISSUER = "https://id.ecoeficiencia.test"
AUDIENCE = "ecoeficiencia-api"
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def verifier(*, hs256: str = SECRET, rsa_keys: tuple[RsaKey, ...] = ()) -> TokenVerifier:
    return TokenVerifier(
        VerificationKeys(hs256_secret=hs256, rsa=rsa_keys), ISSUER, AUDIENCE, leeway_seconds=30
    )


def claims(**overrides) -> dict:
    now = int(time.time())
    base = {"iss": ISSUER, "aud": AUDIENCE, "sub": "user-1", "role": "monitor", "iat": now, "exp": now + 600}
    return {k: v for k, v in (base | overrides).items() if v is not None}


def hs256(**overrides) -> str:
    return jwt.encode(claims(**overrides), SECRET, algorithm="HS256")


def rejection(check, *args, **kwargs) -> CredentialRejected:
    with pytest.raises(CredentialRejected) as caught:
        check(*args, **kwargs)
    return caught.value


def test_a_good_hs256_token_gives_its_claims():
    assert verifier().verify(hs256(name="Ana"))["name"] == "Ana"


@pytest.mark.parametrize(
    ("token_claims", "reason"),
    [
        # Times are offsets from the moment the test runs (never computed at collection).
        ({"exp": -120}, Reason.token_expired),
        ({"nbf": +120}, Reason.token_not_yet_valid),
        ({"iat": +120}, Reason.token_not_yet_valid),
        ({"iss": "https://evil.test"}, Reason.wrong_issuer),
        ({"aud": "another-api"}, Reason.wrong_audience),
        ({"exp": None}, Reason.invalid_claims),
        ({"sub": None}, Reason.invalid_claims),
    ],
)
def test_time_issuer_audience_and_required_claims_are_checked(token_claims, reason):
    now = int(time.time())
    token_claims = {
        k: now + v if k in ("exp", "nbf", "iat") and v is not None else v for k, v in token_claims.items()
    }
    failure = rejection(verifier().verify, hs256(**token_claims))
    assert failure.reason == reason
    assert failure.status == 401


def test_the_leeway_absorbs_small_clock_skew():
    assert verifier().verify(hs256(exp=int(time.time()) - 10))
    assert verifier().verify(hs256(nbf=int(time.time()) + 10))


def test_a_token_signed_with_another_secret_is_refused():
    token = jwt.encode(claims(), "another-secret-of-at-least-32-bytes!", algorithm="HS256")
    assert rejection(verifier().verify, token).reason == Reason.bad_signature


@pytest.mark.parametrize("token", ["", "not-a-jwt", "a.b.c", "Bearer x.y.z"])
def test_garbage_is_a_malformed_token(token):
    assert rejection(verifier().verify, token).reason == Reason.malformed_token


def test_unsigned_and_unconfigured_algorithms_are_refused():
    unsigned = jwt.encode(claims(), None, algorithm="none")
    assert rejection(verifier().verify, unsigned).reason == Reason.unsupported_algorithm
    hs512 = jwt.encode(claims(), SECRET + SECRET, algorithm="HS512")
    assert rejection(verifier().verify, hs512).reason == Reason.unsupported_algorithm
    # HS256 switched off (only RS256 configured): an HS256 token is not even tried.
    rs_only = verifier(hs256="", rsa_keys=(RsaKey(None, RSA_KEY.public_key()),))
    assert rejection(rs_only.verify, hs256()).reason == Reason.unsupported_algorithm


def test_rs256_is_verified_with_the_key_its_kid_names():
    keys = (RsaKey("old", OTHER_RSA_KEY.public_key()), RsaKey("new", RSA_KEY.public_key()))
    token = jwt.encode(claims(), RSA_KEY, algorithm="RS256", headers={"kid": "new"})
    assert verifier(rsa_keys=keys).verify(token)["sub"] == "user-1"
    unknown = jwt.encode(claims(), RSA_KEY, algorithm="RS256", headers={"kid": "gone"})
    assert rejection(verifier(rsa_keys=keys).verify, unknown).reason == Reason.unknown_signing_key
    wrong = jwt.encode(claims(), OTHER_RSA_KEY, algorithm="RS256", headers={"kid": "new"})
    assert rejection(verifier(rsa_keys=keys).verify, wrong).reason == Reason.bad_signature


def test_rs256_without_kid_tries_every_key_as_a_rotation_needs():
    keys = (RsaKey(None, OTHER_RSA_KEY.public_key()), RsaKey(None, RSA_KEY.public_key()))
    token = jwt.encode(claims(), RSA_KEY, algorithm="RS256")
    assert verifier(rsa_keys=keys).verify(token)["sub"] == "user-1"


def test_the_public_key_cannot_be_used_as_an_hmac_secret():
    """Algorithm confusion: an attacker HMAC-signs with our public RSA key as the secret."""
    public_pem = RSA_KEY.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    head = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = _b64(json.dumps(claims()).encode())
    signature = _b64(hmac.new(public_pem, f"{head}.{body}".encode(), hashlib.sha256).digest())
    rs_only = verifier(hs256="", rsa_keys=(RsaKey(None, RSA_KEY.public_key()),))
    assert rejection(rs_only.verify, f"{head}.{body}.{signature}").reason == Reason.unsupported_algorithm


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


@pytest.mark.parametrize(
    ("role", "extra", "bound"),
    [
        ("company", {"ruc": "20100070970"}, {"ruc": "20100070970", "body_id": None}),
        (
            "certification_body",
            {"body_id": str(uuid.UUID(int=7))},
            {"ruc": None, "body_id": str(uuid.UUID(int=7))},
        ),
        # A RUC or body on another role binds nothing: only company and certification_body are bound.
        ("monitor", {"ruc": "20100070970"}, {"ruc": None, "body_id": None}),
        ("admin", {}, {"ruc": None, "body_id": None}),
    ],
)
def test_claims_become_the_principal_services_receive(role, extra, bound):
    principal = principal_from_claims(claims(role=role, name="Ana", **extra), expires_at=123)
    assert principal == Principal(subject="user-1", role=Role(role), name="Ana", expires_at=123, **bound)


@pytest.mark.parametrize(
    ("token_claims", "reason", "status"),
    [
        ({"role": "superuser"}, Reason.invalid_claims, 401),
        ({"role": None}, Reason.invalid_claims, 401),
        ({"role": "company"}, Reason.invalid_claims, 401),
        ({"role": "company", "ruc": "2010007097"}, Reason.invalid_claims, 401),
        ({"role": "certification_body", "body_id": "body-1"}, Reason.invalid_claims, 401),
        ({"role": "monitor", "sub": ""}, Reason.invalid_claims, 401),
        ({"role": "monitor", "name": 7}, Reason.invalid_claims, 401),
        ({"role": "partner"}, Reason.partner_needs_api_key, 403),
    ],
)
def test_claims_that_do_not_describe_a_caller_are_refused(token_claims, reason, status):
    failure = rejection(principal_from_claims, claims(**token_claims), expires_at=0)
    assert (failure.reason, failure.status) == (reason, status)


def test_the_dev_issuer_mints_what_the_verifier_accepts():
    now = int(time.time())
    token = issue_token(
        SECRET,
        issuer=ISSUER,
        audience=AUDIENCE,
        subject="u",
        role=Role.company,
        now=now,
        ttl_seconds=60,
        ruc="20100070970",
    )
    verified = verifier().verify(token)
    assert (verified["role"], verified["ruc"], verified["exp"]) == ("company", "20100070970", now + 60)
    with pytest.raises(CredentialRejected):
        issue_token(
            SECRET, issuer=ISSUER, audience=AUDIENCE, subject="u", role=Role.company, now=now, ttl_seconds=60
        )


def test_the_identity_expires_with_the_token_or_sooner():
    assert identity_expiry(1000.5, 300) == 1300
    assert identity_expiry(1000, 300, token_expiry=1100) == 1100
    assert identity_expiry(1000, 300, token_expiry=5000) == 1300


def test_nginx_may_reuse_a_decision_only_while_its_identity_lasts():
    principal = Principal(subject="s", role=Role.admin, expires_at=1100)
    assert Decision(principal).cache_seconds(now=1000, ceiling=30) == 30
    assert Decision(principal).cache_seconds(now=1090, ceiling=30) == 9
    assert Decision(principal).cache_seconds(now=1100, ceiling=30) == 0
    assert Decision(None).cache_seconds(now=1000, ceiling=30) == 30
