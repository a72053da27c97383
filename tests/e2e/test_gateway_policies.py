"""nginx's policies around authentication: per-key rate limits, CORS, security headers,
body limits, and one role crossing per service as the services enforce it."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.e2e.conftest import CORS_ORIGIN

pytestmark = pytest.mark.e2e

PUBLIC = "/api/v1/catalog/organisations"
BODY_ID = "6f1c1d7e-95a4-4a6a-9d0e-1f6f7c9b2a10"


def test_a_key_over_its_rate_gets_429_while_another_key_is_unaffected(stack, new_api_key):
    """60/min allows a burst of 10 beyond the steady rate, then 429 with Retry-After."""
    busy, _ = new_api_key(["audit:read"], rate_limit_per_minute=60)
    calm, _ = new_api_key(["audit:read"], rate_limit_per_minute=60)
    url = f"{stack.gateway_url}/api/v1/audit/standards"
    with httpx.Client() as client:
        statuses = [client.get(url, headers={"X-API-Key": busy}).status_code for _ in range(20)]
        limited = client.get(url, headers={"X-API-Key": busy})
        other = client.get(url, headers={"X-API-Key": calm})
    assert statuses[:10] == [200] * 10, statuses
    assert 429 in statuses, statuses
    assert limited.status_code == 429
    assert limited.headers["content-type"].startswith("application/problem+json")
    assert limited.headers["retry-after"] == "1"
    assert (
        limited.json()["type"].endswith("/rate-limited")
        and "60 requests per minute" in limited.json()["detail"]
    )
    assert other.status_code == 200


def test_people_and_anonymous_callers_are_not_limited_per_key(stack, issue_token):
    headers = {"Authorization": f"Bearer {issue_token('certification_body', body_id=BODY_ID)}"}
    with httpx.Client(base_url=stack.gateway_url) as client:
        assert {client.get("/api/v1/audit/standards", headers=headers).status_code for _ in range(15)} == {
            200
        }
        assert {client.get("/api/v1/catalog/health").status_code for _ in range(15)} == {200}


def test_a_preflight_from_an_allowed_origin_is_answered_by_nginx(stack):
    response = httpx.options(
        stack.gateway_url + "/api/v1/enrollment/companies",
        headers={
            "Origin": CORS_ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == CORS_ORIGIN
    assert "POST" in response.headers["access-control-allow-methods"]
    allowed = {h.strip().lower() for h in response.headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "content-type", "x-api-key"} <= allowed
    assert response.headers["access-control-max-age"] == "600"
    assert "access-control-allow-credentials" not in response.headers  # tokens, not cookies


def test_another_origin_gets_no_cors_headers(stack):
    for origin in ("https://evil.test", CORS_ORIGIN + ".evil.test", "null"):
        headers = {"Origin": origin, "Access-Control-Request-Method": "GET"}
        preflight = httpx.options(stack.gateway_url + PUBLIC, headers=headers)
        actual = httpx.get(stack.gateway_url + PUBLIC, headers={"Origin": origin})
        for response in (preflight, actual):
            assert not any(h.startswith("access-control-") for h in response.headers), origin


def test_responses_to_an_allowed_origin_carry_cors_headers_once(stack):
    for path in (PUBLIC, "/api/v1/enrollment/companies"):  # a 200 and a 401 (readable by the front end)
        response = httpx.get(stack.gateway_url + path, headers={"Origin": CORS_ORIGIN})
        assert response.headers.get_list("access-control-allow-origin") == [CORS_ORIGIN]
        assert "Retry-After" in response.headers["access-control-expose-headers"]
        assert [v.lower() for v in response.headers.get_list("vary")].count("origin") == 1


def test_security_headers_on_answers_and_errors(stack):
    for path, status in ((PUBLIC, 200), ("/api/v1/enrollment/companies", 401), ("/no/such/route", 404)):
        response = httpx.get(stack.gateway_url + path)
        assert response.status_code == status
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
        assert "strict-transport-security" not in response.headers  # plain HTTP here: HSTS belongs to TLS


def test_the_docs_page_loads_only_from_the_platform_itself(stack):
    response = httpx.get(f"{stack.gateway_url}/docs")
    assert response.status_code == 200
    [policy] = response.headers.get_list("content-security-policy")
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'none'"
    assert "frame-ancestors 'none'" in policy
    assert "<script>" not in response.text, "no inline script"
    assets = re.findall(r'(?:src|href)="([^"]+)"', response.text)
    assert assets and all(a.startswith("/") for a in assets), assets
    for asset in assets:
        served = httpx.get(stack.gateway_url + asset)
        assert served.status_code == 200, asset
        assert served.headers["content-type"].split(";")[0] in ("text/javascript", "text/css", "image/png")


def test_a_body_over_the_routes_limit_is_413_problem(stack):
    response = httpx.post(
        f"{stack.gateway_url}/api/v1/catalog/circularity/mci",
        content=b"x" * (6 * 1024 * 1024),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    ("path", "allowed", "denied"),
    [
        ("/api/v1/enrollment/companies", {"role": "monitor"}, {"role": "auditor"}),
        (
            "/api/v1/training/sessions",
            {"role": "auditor"},
            {"role": "certification_body", "body_id": BODY_ID},
        ),
        (
            "/api/v1/audit/participants",
            {"role": "auditor"},
            {"role": "certification_body", "body_id": BODY_ID},
        ),
        (
            "/api/v1/catalog/indicators",
            {"role": "promperu_officer"},
            {"role": "company", "ruc": "20100070970"},
        ),
    ],
    ids=["enrollment", "training", "audit", "catalog"],
)
def test_each_service_enforces_its_roles_behind_the_gateway(stack, issue_token, path, allowed, denied):
    allowed_token = issue_token(**allowed)
    assert (
        httpx.get(stack.gateway_url + path, headers={"Authorization": f"Bearer {allowed_token}"}).status_code
        == 200
    )
    response = httpx.get(
        stack.gateway_url + path, headers={"Authorization": f"Bearer {issue_token(**denied)}"}
    )
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
    assert denied["role"] not in response.json()["allowed_roles"]
