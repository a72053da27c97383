"""The gateway app in process, with its real lifespan, against the test database."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from services.gateway.main import create_app as create_gateway_app
from shared.settings import Settings
from tests.support.testing import identity_headers, running_app


@pytest.fixture(scope="session")
def gateway_settings(settings_for) -> Settings:
    return settings_for("gateway")


@pytest.fixture(scope="session")
async def gateway(gateway_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with running_app(create_gateway_app(gateway_settings)) as client:
        # What nginx sends with every /_auth subrequest (the gateway app answers nobody else).
        client.headers["X-Eco-Auth-Secret"] = gateway_settings.auth_request_secret
        yield client


@pytest.fixture
def admin(gateway_settings: Settings) -> dict[str, str]:
    """The identity nginx would forward for an admin (signed per test: it lives minutes, a suite
    run on a loaded machine lasts longer)."""
    return identity_headers(gateway_settings, "admin", subject="admin-integration")


@pytest.fixture
async def new_key(gateway: httpx.AsyncClient, admin: dict[str, str]):
    async def create(scopes: list[str] | None = None, rate: int = 600) -> dict:
        body = {"name": "sync", "organisation": "ProInnovate", "scopes": scopes or ["enrollment:read"]}
        response = await gateway.post(
            "/api/v1/gateway/api-keys", json=body | {"rate_limit_per_minute": rate}, headers=admin
        )
        assert response.status_code == 201, response.text
        return response.json()

    return create
