"""Admins manage partner API keys: shown once, stored hashed, listed without secrets, revoked."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa

from services.gateway.db.tables import api_keys
from services.gateway.domain.api_keys import parse
from shared.db import create_engine
from tests.support.testing import identity_headers

URL = "/api/v1/gateway/api-keys"


async def test_a_new_key_is_shown_once_and_stored_as_a_hash(gateway, admin, new_key, gateway_settings):
    created = await new_key(scopes=["training:write", "enrollment:read", "training:write"], rate=60)
    assert created["key"].startswith(f"eco_{created['id']}_")
    assert created["scopes"] == ["enrollment:read", "training:write"]
    assert (created["rate_limit_per_minute"], created["created_by"]) == (60, "admin-integration")
    _, secret = parse(created["key"])
    engine = create_engine(gateway_settings)
    try:
        async with engine.connect() as conn:
            row = (await conn.execute(sa.select(api_keys).where(api_keys.c.id == created["id"]))).one()
    finally:
        await engine.dispose()
    assert row.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(tuple(row))

    shown = (await gateway.get(f"{URL}/{created['id']}", headers=admin)).json()
    assert "key" not in shown and "secret_hash" not in shown
    listed = (await gateway.get(URL, params={"limit": 500}, headers=admin)).json()
    assert created["id"] in {k["id"] for k in listed["data"]}
    assert all("key" not in k and "secret_hash" not in k for k in listed["data"])


async def test_creation_answers_201_with_location_and_no_store(gateway, admin):
    body = {"name": "n", "organisation": "ITP", "scopes": ["audit:read"]}
    response = await gateway.post(URL, json=body, headers=admin)
    assert response.status_code == 201
    assert response.headers["location"] == f"{URL}/{response.json()['id']}"
    assert response.headers["cache-control"] == "no-store"
    assert response.json()["rate_limit_per_minute"] == 600


async def test_scopes_and_rates_are_validated(gateway, admin):
    cases = [
        ({"scopes": ["enrollment:admin"]}, "scopes.0"),
        ({"scopes": ["gateway:read"]}, "scopes.0"),
        ({"scopes": []}, "scopes"),
        ({"scopes": ["audit:read"], "rate_limit_per_minute": 100}, "rate_limit_per_minute"),
    ]
    for change, field in cases:
        body = {"name": "n", "organisation": "CITE", **change}
        response = await gateway.post(URL, json=body, headers=admin)
        assert response.status_code == 422, change
        assert response.headers["content-type"].startswith("application/problem+json")
        assert field in {e["field"] for e in response.json()["errors"]}, response.json()


async def test_only_admins_manage_keys(gateway, gateway_settings):
    assert (await gateway.get(URL)).status_code == 401
    for role in ("promperu_officer", "partner", "company"):
        headers = identity_headers(gateway_settings, role, ruc="20100070970", scopes=["enrollment:write"])
        response = await gateway.get(URL, headers=headers)
        assert response.status_code == 403, role
        assert response.json()["allowed_roles"] == ["admin"]


async def test_revocation_is_kept_and_idempotent(gateway, admin, new_key):
    created = await new_key()
    first = await gateway.post(f"{URL}/{created['id']}/revoke", headers=admin)
    assert first.status_code == 200
    assert first.json()["revoked_by"] == "admin-integration" and first.json()["revoked_at"]
    again = await gateway.post(f"{URL}/{created['id']}/revoke", headers=admin)
    assert again.json()["revoked_at"] == first.json()["revoked_at"]
    revoked = (await gateway.get(URL, params={"active": "false", "limit": 500}, headers=admin)).json()
    active = (await gateway.get(URL, params={"active": "true", "limit": 500}, headers=admin)).json()
    assert created["id"] in {k["id"] for k in revoked["data"]}
    assert created["id"] not in {k["id"] for k in active["data"]}


async def test_unknown_key_is_a_404_problem(gateway, admin):
    response = await gateway.post(f"{URL}/0000000000000000/revoke", headers=admin)
    assert response.status_code == 404
    assert response.json()["type"].endswith("/not-found")


async def test_listing_pages_with_a_cursor(gateway, admin, new_key):
    for _ in range(3):
        await new_key()
    first = (await gateway.get(URL, params={"limit": 2}, headers=admin)).json()
    second = (
        await gateway.get(URL, params={"limit": 2, "cursor": first["next_cursor"]}, headers=admin)
    ).json()
    assert len(first["data"]) == 2 and first["next_cursor"]
    assert not {k["id"] for k in first["data"]} & {k["id"] for k in second["data"]}
