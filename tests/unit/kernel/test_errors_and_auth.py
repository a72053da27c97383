"""problem+json rendering and the signed identity, on a tiny app with no database."""

from __future__ import annotations

import time

import httpx
import pytest
from fastapi import APIRouter, Depends, FastAPI
from pydantic import BaseModel, Field

from shared.auth import CurrentPrincipal, Principal, Role, require_roles, sign_identity, verify_identity
from shared.errors import InvalidTransition, NotFound, Unauthorized, install_error_handlers
from shared.settings import Settings
from tests.support.testing import identity_headers

SETTINGS = Settings(env="test", service="enrollment")


class Thing(BaseModel):
    name: str = Field(min_length=2)
    size: int = Field(ge=0)


def make_app() -> FastAPI:
    app = FastAPI()
    app.state.settings = SETTINGS
    install_error_handlers(app)
    router = APIRouter()

    @router.post("/things")
    async def create(thing: Thing) -> Thing:
        return thing

    @router.get("/missing")
    async def missing() -> None:
        raise NotFound("Company", "20100070970")

    @router.post("/move")
    async def move() -> None:
        raise InvalidTransition("Application", "draft", "admitted", ["submitted"])

    @router.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals")

    @router.get("/me")
    async def me(principal: CurrentPrincipal) -> dict:
        return {"role": principal.role}

    @router.get("/officers", dependencies=[Depends(require_roles(Role.promperu_officer, Role.partner))])
    async def officers() -> dict:
        return {"ok": True}

    @router.post("/officers", dependencies=[Depends(require_roles(Role.promperu_officer, Role.partner))])
    async def officers_write() -> dict:
        return {"ok": True}

    app.include_router(router)
    return app


@pytest.fixture
async def client():
    transport = httpx.ASGITransport(app=make_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        yield c


async def test_validation_error_lists_each_bad_field(client):
    response = await client.post("/things", json={"name": "x", "size": -1})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"].endswith("/validation-error")
    assert {e["field"] for e in body["errors"]} == {"name", "size"}
    assert all(e["in"] == "body" for e in body["errors"])


async def test_domain_errors_render_as_problems(client):
    response = await client.get("/missing")
    assert response.status_code == 404
    assert response.json()["detail"] == "Company 20100070970 does not exist."
    response = await client.post("/move")
    assert response.status_code == 409
    assert response.json()["allowed_transitions"] == ["submitted"]


async def test_spanish_by_accept_language(client):
    response = await client.post("/move", headers={"Accept-Language": "es-PE,es;q=0.9,en;q=0.5"})
    assert response.json()["title"] == "Transición no permitida"
    assert response.headers["content-language"] == "es"
    english = await client.post("/move", headers={"Accept-Language": "en-US,es;q=0.3"})
    assert english.json()["title"] == "Transition not allowed"


async def test_unexpected_error_is_500_problem_without_internals(client):
    response = await client.get("/boom")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "secret internals" not in response.text and "Traceback" not in response.text


async def test_unknown_route_and_wrong_method_are_problems(client):
    assert (await client.get("/nope")).headers["content-type"] == "application/problem+json"
    wrong = await client.delete("/things")
    assert wrong.status_code == 405 and wrong.json()["type"].endswith("/method-not-allowed")


async def test_missing_or_forged_identity_is_401(client):
    assert (await client.get("/me")).status_code == 401
    forged = identity_headers(SETTINGS.model_copy(update={"identity_secret": "other"}), Role.admin)
    response = await client.get("/me", headers=forged)
    assert response.status_code == 401 and response.json()["type"].endswith("/unauthorized")


async def test_role_and_partner_scopes(client):
    assert (
        await client.get("/officers", headers=identity_headers(SETTINGS, Role.company, ruc="1"))
    ).status_code == 403
    assert (
        await client.get("/officers", headers=identity_headers(SETTINGS, Role.promperu_officer))
    ).status_code == 200
    assert (await client.get("/officers", headers=identity_headers(SETTINGS, Role.admin))).status_code == 200
    reader = identity_headers(SETTINGS, Role.partner, scopes=["enrollment:read"])
    assert (await client.get("/officers", headers=reader)).status_code == 200
    denied = await client.post("/officers", headers=reader)
    assert denied.status_code == 403 and denied.json()["required_scope"] == "enrollment:write"


def test_identity_expiry_and_tampering():
    principal = Principal(
        subject="u1", role=Role.company, ruc="20100070970", expires_at=int(time.time()) + 60
    )
    token = sign_identity(principal, "s3cret")
    assert verify_identity(token, "s3cret").ruc == "20100070970"
    with pytest.raises(Unauthorized):
        verify_identity(token, "s3cret", now=time.time() + 120)
    payload, _, signature = token.partition(".")
    with pytest.raises(Unauthorized):
        verify_identity(payload[:-2] + "xx." + signature, "s3cret")


def test_company_sees_only_itself():
    company = Principal(subject="u", role=Role.company, ruc="20100070970", expires_at=0)
    assert company.may_see_company("20100070970")
    assert not company.may_see_company("20600000001")
    assert Principal(subject="o", role=Role.promperu_officer, expires_at=0).may_see_company("20600000001")


def test_default_secrets_refused_outside_dev():
    with pytest.raises(ValueError, match="ECO_IDENTITY_SECRET"):
        Settings(env="prod", service="gateway")
