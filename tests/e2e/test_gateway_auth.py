"""Credentials through the real nginx and gateway app: who gets in, as whom, and for how long."""

from __future__ import annotations

import time

import httpx
import jwt
import pytest
from prometheus_client.parser import text_string_to_metric_families

from shared.auth import IDENTITY_HEADER, Principal, Role, sign_identity
from tests.e2e.conftest import AUTH_CACHE_SECONDS, RSA_KID
from tests.support.testing import eventually, identity_headers

pytestmark = pytest.mark.e2e

PROTECTED = "/api/v1/enrollment/companies"  # company, monitor, promperu_officer, partner


def assert_problem(response: httpx.Response, status: int, reason: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == status
    if reason:
        assert problem["reason"] == reason, problem
    return problem


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def claims(settings, **overrides) -> dict:
    now = int(time.time())
    base = {"iss": settings.jwt_issuer, "aud": settings.jwt_audience, "sub": "e2e", "role": "monitor"}
    return base | {"iat": now, "exp": now + 300} | overrides


def auth_checks(stack) -> float:
    """Checks the gateway app answered: every one is an nginx cache miss."""
    text = httpx.get(f"{stack.app_url('gateway')}/metrics").text
    family = next(
        (f for f in text_string_to_metric_families(text) if f.name == "eco_gateway_auth_checks"), None
    )
    return sum(s.value for s in family.samples if s.name.endswith("_total")) if family else 0.0


def test_no_credential_on_a_protected_route_is_401_with_a_challenge(stack):
    response = httpx.get(stack.gateway_url + PROTECTED)
    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == 'Bearer realm="ecoeficiencia"'


def test_public_routes_need_no_credential(stack):
    assert httpx.get(f"{stack.gateway_url}/api/v1/catalog/organisations").status_code == 200
    for service in ("enrollment", "training", "audit", "catalog"):
        assert httpx.get(f"{stack.gateway_url}/api/v1/{service}/health").status_code == 200


def test_tokens_of_either_algorithm_reach_the_service(stack, platform_ready, issue_token):
    assert httpx.get(stack.gateway_url + PROTECTED, headers=bearer(issue_token("monitor"))).status_code == 200
    rs256 = jwt.encode(claims(platform_ready), stack.rsa_key, algorithm="RS256", headers={"kid": RSA_KID})
    assert httpx.get(stack.gateway_url + PROTECTED, headers=bearer(rs256)).status_code == 200


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"exp": -600}, "token-expired"),  # seconds from the moment the test runs
        ({"iss": "https://issuer.evil.test"}, "wrong-issuer"),
        ({"aud": "another-api"}, "wrong-audience"),
        ({"key": "not-the-secret-but-32-bytes-long!!"}, "bad-signature"),
    ],
)
def test_a_bad_token_is_401_with_its_reason(stack, platform_ready, change, reason):
    change = dict(change)
    key = change.pop("key", platform_ready.jwt_hs256_secret)
    if "exp" in change:
        change["exp"] += int(time.time())
    token = jwt.encode(claims(platform_ready, **change), key, algorithm="HS256")
    response = httpx.get(stack.gateway_url + PROTECTED, headers=bearer(token))
    problem = assert_problem(response, 401, reason)
    assert problem["instance"] == PROTECTED
    assert problem["request_id"] == response.headers["x-request-id"]
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_a_partner_person_token_is_403(stack, platform_ready):
    token = jwt.encode(
        claims(platform_ready, role="partner"), platform_ready.jwt_hs256_secret, algorithm="HS256"
    )
    assert_problem(
        httpx.get(stack.gateway_url + PROTECTED, headers=bearer(token)), 403, "partner-needs-api-key"
    )


def test_refusals_speak_the_callers_language(stack):
    response = httpx.get(
        stack.gateway_url + PROTECTED, headers={"Authorization": "Bearer x", "Accept-Language": "es"}
    )
    problem = assert_problem(response, 401, "malformed-token")
    assert problem["title"] == "Se requiere autenticación"


def test_an_identity_sent_by_the_client_is_replaced(stack, platform_ready, issue_token):
    """Even one correctly signed (as if the secret leaked) never gets past nginx."""
    forged_admin = identity_headers(platform_ready, "admin")
    assert_problem(httpx.get(stack.gateway_url + PROTECTED, headers=forged_admin), 401)
    # With a real credential, the request acts as that credential, not as the forged admin.
    company = bearer(issue_token("company", ruc="20100070970")) | forged_admin
    assert_problem(httpx.get(f"{stack.gateway_url}/api/v1/enrollment/monitors", headers=company), 403)


def test_a_request_that_bypasses_nginx_is_refused(stack, platform_ready):
    direct = stack.app_url("enrollment") + PROTECTED
    assert_problem(httpx.get(direct), 401)
    forged = Principal(subject="x", role=Role.admin, expires_at=int(time.time()) + 60)
    assert_problem(httpx.get(direct, headers={IDENTITY_HEADER: sign_identity(forged, "guessed-secret")}), 401)
    expired = forged.model_copy(update={"expires_at": int(time.time()) - 1})
    headers = {IDENTITY_HEADER: sign_identity(expired, platform_ready.identity_secret)}
    assert_problem(httpx.get(direct, headers=headers), 401)


def test_an_api_key_is_admitted_per_scope_by_the_service(stack, new_api_key):
    key, _ = new_api_key(["enrollment:read"])
    headers = {"X-API-Key": key}
    assert httpx.get(stack.gateway_url + PROTECTED, headers=headers).status_code == 200
    problem = assert_problem(httpx.post(stack.gateway_url + PROTECTED, json={}, headers=headers), 403)
    assert problem["required_scope"] == "enrollment:write"
    problem = assert_problem(httpx.get(f"{stack.gateway_url}/api/v1/training/sessions", headers=headers), 403)
    assert problem["required_scope"] == "training:read"
    as_authorization = {"Authorization": f"ApiKey {key}"}
    assert httpx.get(stack.gateway_url + PROTECTED, headers=as_authorization).status_code == 200


def test_unknown_and_malformed_keys_are_401(stack):
    assert_problem(
        httpx.get(stack.gateway_url + PROTECTED, headers={"X-API-Key": "nope"}), 401, "malformed-api-key"
    )
    unknown = {"X-API-Key": "eco_0000000000000000_" + "A" * 43}
    assert_problem(httpx.get(stack.gateway_url + PROTECTED, headers=unknown), 401, "unknown-api-key")


async def test_a_revoked_key_is_refused_within_the_auth_cache_time(stack, new_api_key, admin_headers):
    key, key_id = new_api_key(["enrollment:read"])
    async with httpx.AsyncClient(base_url=stack.gateway_url) as client:
        assert (await client.get(PROTECTED, headers={"X-API-Key": key})).status_code == 200
        revoked = await client.post(f"/api/v1/gateway/api-keys/{key_id}/revoke", headers=admin_headers)
        assert revoked.status_code == 200
        started = time.monotonic()

        async def refused() -> httpx.Response | None:
            response = await client.get(PROTECTED, headers={"X-API-Key": key})
            return response if response.status_code == 401 else None

        response = await eventually(
            refused, timeout=AUTH_CACHE_SECONDS + 5, interval=0.25, message="key refused"
        )
    assert_problem(response, 401, "revoked-api-key")
    assert time.monotonic() - started <= AUTH_CACHE_SECONDS + 2


def test_repeated_requests_with_one_credential_never_reach_python(stack, new_api_key, issue_token):
    key, _ = new_api_key(["enrollment:read", "enrollment:write"])
    token = issue_token("promperu_officer")
    for headers in ({"X-API-Key": key}, bearer(token)):
        before = auth_checks(stack)
        assert httpx.get(stack.gateway_url + PROTECTED, headers=headers).status_code == 200
        assert auth_checks(stack) == before + 1  # the first one asked the gateway app
        # An identity is bound to one method and path: the first POST asks again.
        assert httpx.post(stack.gateway_url + PROTECTED, json={}, headers=headers).status_code == 422
        assert auth_checks(stack) == before + 2
        for _ in range(3):
            assert httpx.get(stack.gateway_url + PROTECTED, headers=headers).status_code == 200
            assert httpx.post(stack.gateway_url + PROTECTED, json={}, headers=headers).status_code == 422
        assert auth_checks(stack) == before + 2  # the others were answered by nginx's cache


def test_the_gateways_own_admin_routes_are_admin_only(stack, issue_token, new_api_key, admin_headers):
    url = f"{stack.gateway_url}/api/v1/gateway/api-keys"
    assert httpx.get(url, headers=admin_headers).status_code == 200
    assert_problem(httpx.get(url), 401)
    assert_problem(httpx.get(url, headers=bearer(issue_token("promperu_officer"))), 403)
    key, _ = new_api_key(["enrollment:write"])
    assert_problem(httpx.get(url, headers={"X-API-Key": key}), 403)
    assert_problem(httpx.get(url, headers=admin_headers | {"X-API-Key": key}), 401, "ambiguous-credentials")


def test_the_auth_check_itself_is_not_reachable_from_outside(stack):
    assert_problem(httpx.get(f"{stack.gateway_url}/_auth"), 404)


def test_gateway_app_down_gives_503_problem_for_unknown_credentials(stack, issue_token):
    fresh = bearer(issue_token("monitor"))  # never used before: not in nginx's cache
    stack.stop("gateway")
    try:
        response = httpx.get(stack.gateway_url + PROTECTED, headers=fresh, timeout=10)
        problem = assert_problem(response, 503)
        assert "gateway app" in problem["detail"]
        assert response.headers["retry-after"] == "2"
    finally:
        stack.start("gateway")
        stack.wait_healthy("gateway")
