"""``GET /_auth`` as nginx calls it: identities, cache lifetimes, and refusals nginx can return."""

from __future__ import annotations

import json
import time

import jwt
from prometheus_client.parser import text_string_to_metric_families

from services.gateway.api.auth import AUTH_PROBLEM_HEADER
from shared.auth import IDENTITY_HEADER, Role, verify_identity

AUTH = "/_auth"


async def _token(gateway, **body) -> str:
    response = await gateway.post("/api/v1/gateway/dev/tokens", json=body)
    assert response.status_code == 201, response.text
    return response.json()["access_token"]


async def test_no_credential_gives_no_identity_and_may_be_cached(gateway, gateway_settings):
    response = await gateway.get(AUTH)
    assert response.status_code == 204
    assert IDENTITY_HEADER.lower() not in response.headers
    assert response.headers["x-accel-expires"] == str(gateway_settings.auth_cache_seconds)


async def test_a_token_gives_the_signed_identity_of_its_claims(gateway, gateway_settings):
    token = await _token(gateway, role="company", ruc="20100070970", subject="u-1", name="Ana")
    response = await gateway.get(AUTH, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 204
    principal = verify_identity(response.headers[IDENTITY_HEADER], gateway_settings.identity_secret)
    assert (principal.subject, principal.role, principal.ruc, principal.name) == (
        "u-1",
        Role.company,
        "20100070970",
        "Ana",
    )
    assert principal.expires_at <= time.time() + gateway_settings.identity_max_age_seconds
    assert "x-eco-key-id" not in response.headers  # people are not rate-limited per key


async def test_the_identity_and_its_cache_never_outlive_the_token(gateway, gateway_settings):
    token = await _token(gateway, role="monitor", ttl_seconds=10)
    response = await gateway.get(AUTH, headers={"Authorization": f"Bearer {token}"})
    principal = verify_identity(response.headers[IDENTITY_HEADER], gateway_settings.identity_secret)
    assert principal.expires_at == jwt.decode(token, options={"verify_signature": False})["exp"]
    assert int(response.headers["x-accel-expires"]) <= 9


async def test_an_api_key_gives_a_partner_identity_its_bucket_and_tier(gateway, gateway_settings, new_key):
    created = await new_key(scopes=["catalog:read", "audit:write"], rate=300)
    for headers in ({"X-API-Key": created["key"]}, {"Authorization": f"ApiKey {created['key']}"}):
        response = await gateway.get(AUTH, headers=headers)
        assert response.status_code == 204
        principal = verify_identity(response.headers[IDENTITY_HEADER], gateway_settings.identity_secret)
        assert principal.role == Role.partner
        assert principal.subject == f"apikey:{created['id']}"
        assert principal.scopes == ["audit:write", "catalog:read"]
        assert response.headers["x-eco-key-id"] == created["id"]
        assert response.headers["x-eco-rate-limit"] == "300"


async def test_a_refusal_carries_its_problem_for_nginx_and_is_never_cached(gateway, admin, new_key):
    created = await new_key()
    await gateway.post(f"/api/v1/gateway/api-keys/{created['id']}/revoke", headers=admin)
    response = await gateway.get(
        AUTH,
        headers={
            "X-API-Key": created["key"],
            "X-Original-URI": "/api/v1/enrollment/companies?q=1",
            "X-Request-ID": "r-1",
        },
    )
    assert response.status_code == 401
    assert "x-accel-expires" not in response.headers
    problem = json.loads(response.headers[AUTH_PROBLEM_HEADER])
    assert problem == response.json()
    assert problem == {
        "type": "https://api.ecoeficiencia.pe/problems/unauthorized",
        "title": "Authentication required",
        "status": 401,
        "detail": "The API key has been revoked.",
        "instance": "/api/v1/enrollment/companies?q=1",
        "request_id": "r-1",
        "reason": "revoked-api-key",
    }


async def test_refusals_speak_spanish_in_an_ascii_header(gateway):
    response = await gateway.get(
        AUTH, headers={"Authorization": "Bearer nope", "Accept-Language": "es-PE,es;q=0.9"}
    )
    assert response.status_code == 401
    header = response.headers[AUTH_PROBLEM_HEADER]
    assert header.isascii()
    problem = json.loads(header)
    assert (problem["title"], problem["detail"]) == (
        "Se requiere autenticación",
        "El token no es un JWT válido.",
    )
    assert response.headers["content-language"] == "es"


async def test_each_bad_credential_has_its_reason(gateway, gateway_settings, new_key):
    created = await new_key()
    key_id = created["id"]
    now = int(time.time())
    good = {
        "iss": gateway_settings.jwt_issuer,
        "aud": gateway_settings.jwt_audience,
        "sub": "s",
        "role": "admin",
        "exp": now + 60,
    }
    secret = gateway_settings.jwt_hs256_secret
    cases = {
        "unknown-api-key": {"X-API-Key": f"eco_{key_id}_{'A' * 43}"},
        "malformed-api-key": {"X-API-Key": "eco_nope"},
        "ambiguous-credentials": {"X-API-Key": created["key"], "Authorization": "Bearer x"},
        "token-expired": {"Authorization": f"Bearer {jwt.encode(good | {'exp': now - 600}, secret)}"},
        "wrong-issuer": {
            "Authorization": f"Bearer {jwt.encode(good | {'iss': 'https://evil.test'}, secret)}"
        },
        "wrong-audience": {"Authorization": f"Bearer {jwt.encode(good | {'aud': 'other'}, secret)}"},
        "bad-signature": {"Authorization": f"Bearer {jwt.encode(good, 'x' * 40)}"},
    }
    for reason, headers in cases.items():
        response = await gateway.get(AUTH, headers=headers)
        assert (response.status_code, response.json()["reason"]) == (401, reason)
    partner = {"Authorization": f"Bearer {jwt.encode(good | {'role': 'partner'}, secret)}"}
    response = await gateway.get(AUTH, headers=partner)
    assert (response.status_code, response.json()["reason"]) == (403, "partner-needs-api-key")


async def test_every_check_is_counted_for_the_cache_hit_metric(gateway):
    def anonymous_checks(text: str) -> float:
        family = next(f for f in text_string_to_metric_families(text) if f.name == "eco_gateway_auth_checks")
        return sum(
            s.value for s in family.samples if s.name.endswith("_total") and s.labels["credential"] == "none"
        )

    before = anonymous_checks((await gateway.get("/metrics")).text)
    await gateway.get(AUTH)
    assert anonymous_checks((await gateway.get("/metrics")).text) == before + 1
