"""``/_auth`` answers nginx only, binds identities to one request, refuses anonymous calls to
non-public operations, and slows down whoever keeps presenting bad credentials."""

from __future__ import annotations

import json
import time
import uuid

import jwt

from services.gateway.api.auth import AUTH_PROBLEM_HEADER, RETRY_AFTER_HEADER
from shared.auth import IDENTITY_HEADER, verify_identity

AUTH = "/_auth"


def _token(settings, **claims) -> str:
    now = int(time.time())
    base = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": "s",
        "role": "admin",
        "iat": now,
        "exp": now + 60,
    }
    return jwt.encode(base | claims, settings.jwt_hs256_secret)


async def test_only_nginx_may_ask(gateway, gateway_settings):
    bearer = {"Authorization": f"Bearer {_token(gateway_settings)}"}
    for secret in (None, "", "guessed", gateway_settings.identity_secret):
        request = gateway.build_request("GET", AUTH, headers=bearer)
        del request.headers["X-Eco-Auth-Secret"]
        if secret is not None:
            request.headers["X-Eco-Auth-Secret"] = secret
        response = await gateway.send(request)
        assert response.status_code == 404, secret
        assert IDENTITY_HEADER.lower() not in response.headers
    assert (await gateway.get(AUTH, headers=bearer)).status_code == 204


async def test_the_identity_is_bound_to_its_method_and_path(gateway, gateway_settings):
    path = "/api/v1/enrollment/companies/20100070970"
    response = await gateway.get(
        AUTH,
        headers={
            "Authorization": f"Bearer {_token(gateway_settings)}",
            "X-Original-Method": "DELETE",
            "X-Original-Path": path,
        },
    )
    principal = verify_identity(response.headers[IDENTITY_HEADER], gateway_settings.identity_secret)
    assert (principal.method, principal.path) == ("DELETE", path)
    assert principal.expires_at <= time.time() + gateway_settings.identity_max_age_seconds
    assert gateway_settings.identity_max_age_seconds <= 60


async def test_a_token_inside_the_expiry_leeway_is_expired(gateway, gateway_settings):
    assert gateway_settings.jwt_leeway_seconds > 5
    token = _token(gateway_settings, exp=int(time.time()) - 3)
    response = await gateway.get(AUTH, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json()["reason"] == "token-expired"


async def test_anonymous_calls_to_non_public_operations_are_refused(gateway, gateway_settings):
    await gateway.get("/openapi.json")  # the merged document read (the gateway's own part at least)
    refused = await gateway.get(
        AUTH, headers={"X-Original-Method": "POST", "X-Original-Path": "/api/v1/gateway/api-keys"}
    )
    assert refused.status_code == 401
    assert json.loads(refused.headers[AUTH_PROBLEM_HEADER])["reason"] == "credential-required"
    # The same for every anonymous caller: nginx may keep it and write the body itself.
    assert refused.headers["x-eco-auth-anonymous"] == "1"
    assert refused.headers["x-accel-expires"] == str(gateway_settings.auth_cache_seconds)
    public = await gateway.get(
        AUTH, headers={"X-Original-Method": "POST", "X-Original-Path": "/api/v1/gateway/dev/tokens"}
    )
    assert public.status_code == 204
    assert IDENTITY_HEADER.lower() not in public.headers


async def test_bad_credentials_are_limited_per_client_address(gateway, gateway_settings):
    client = f"198.51.100.{uuid.uuid4().int % 250 + 1}"
    bad = {"Authorization": "Bearer not-a-jwt", "X-Real-IP": client}
    for _ in range(gateway_settings.auth_failures_burst):
        response = await gateway.get(AUTH, headers=bad)
        assert response.json()["reason"] == "malformed-token"
    limited = await gateway.get(AUTH, headers=bad)
    assert limited.status_code == 401  # nginx turns it into 429 (auth_request passes 401/403 only)
    assert json.loads(limited.headers[AUTH_PROBLEM_HEADER])["status"] == 429
    assert limited.json()["reason"] == "too-many-failures"
    wait = int(limited.headers[RETRY_AFTER_HEADER])
    assert 1 <= wait <= 60 / gateway_settings.auth_failures_per_minute + 1
    # Even a good credential from that address waits (it is not read); other addresses do not.
    good = {"Authorization": f"Bearer {_token(gateway_settings)}"}
    assert (await gateway.get(AUTH, headers=good | {"X-Real-IP": client})).json()["reason"] == (
        "too-many-failures"
    )
    assert (await gateway.get(AUTH, headers=good | {"X-Real-IP": "203.0.113.9"})).status_code == 204
