"""The local token issuer: dev and test only, minting only tokens the verifier accepts."""

from __future__ import annotations

import httpx
import jwt
import pytest

from services.gateway.main import create_app as create_gateway_app
from shared.settings import Settings

URL = "/api/v1/gateway/dev/tokens"


async def test_issues_a_token_of_the_configured_issuer_and_audience(gateway, gateway_settings):
    body = {
        "role": "certification_body",
        "body_id": "6f1c1d7e-95a4-4a6a-9d0e-1f6f7c9b2a10",
        "ttl_seconds": 120,
    }
    response = await gateway.post(URL, json=body)
    assert response.status_code == 201
    issued = response.json()
    assert (issued["token_type"], issued["expires_in"]) == ("Bearer", 120)
    claims = jwt.decode(
        issued["access_token"],
        gateway_settings.jwt_hs256_secret,
        algorithms=["HS256"],
        issuer=gateway_settings.jwt_issuer,
        audience=gateway_settings.jwt_audience,
    )
    assert (claims["role"], claims["body_id"], claims["exp"]) == (
        "certification_body",
        body["body_id"],
        issued["expires_at"],
    )


async def test_refuses_claims_the_verifier_would_refuse(gateway):
    for body in ({"role": "company"}, {"role": "partner"}, {"role": "certification_body", "body_id": "x"}):
        response = await gateway.post(URL, json=body)
        assert response.status_code == 422, body
        assert response.json()["rule"] == "token-claims"


REAL_SECRETS = {
    "service": "gateway",
    "identity_secret": "a-real-identity-secret-of-32-bytes-or-more",
    "auth_request_secret": "a-real-nginx-to-gateway-secret-of-32-bytes",
    "pg_password": "a-real-db-password",
    "jwt_issuer": "https://id.promperu.gob.pe",
    "jwt_hs256_secret": "a-real-hs256-secret-of-at-least-32-bytes",
}


@pytest.mark.parametrize("env", ["prod", None, "staging"])
async def test_does_not_exist_outside_dev_and_test(monkeypatch, tmp_path, env):
    """Real secrets and no ECO_ENV (or a misspelt one) is production: no dev issuer."""
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.delenv("ECO_ENV", raising=False)
    if env is not None:
        monkeypatch.setenv("ECO_ENV", env)
    prod = Settings(**REAL_SECRETS)
    app = create_gateway_app(prod)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        response = await client.post(URL, json={"role": "admin"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert not any("/dev/" in path for path in app.openapi()["paths"])
