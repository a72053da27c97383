"""Input the database cannot store, and bodies over their limit: answered once, by the kernel.

A NUL character anywhere in a request (query, path, body, nested body, form field) is a 422
``validation-error`` naming the field, on every service's routes, before any handler runs; an
unknown body field is a 422 too. A body or file over its operation's limit is a 413 that names
the limit. No database: the guards decide before one would be reached.
"""

from __future__ import annotations

from typing import Annotated

import pytest
from fastapi import APIRouter, Form, Request, UploadFile

from shared.app import ServiceSpec, create_app
from shared.bodies import read_body, read_upload
from shared.partial import PartialUpdate
from shared.schemas import Input, StorableText
from shared.settings import Settings
from tests.support.testing import running_app

API = "/api/v1/kernel_test"


class Site(Input):
    name: str
    tags: list[str] = []


class CompanyCreate(Input):
    legal_name: str
    sites: list[Site] = []
    notes: dict[str, str] = {}


class CompanyUpdate(PartialUpdate):
    trade_name: str | None = None


routes = APIRouter()


@routes.get("/companies/{ruc}", openapi_extra={"x-public": True})
async def read_company(ruc: str, q: str | None = None) -> dict[str, str | None]:
    return {"ruc": ruc, "q": q}


@routes.post("/companies", openapi_extra={"x-public": True})
async def create_company(body: CompanyCreate) -> dict[str, str]:
    return {"legal_name": body.legal_name}


@routes.patch("/companies/{ruc}", openapi_extra={"x-public": True})
async def update_company(ruc: str, body: CompanyUpdate) -> dict[str, object]:
    return body.changes()


@routes.post("/evidence", openapi_extra={"x-public": True})
async def upload_evidence(file: UploadFile, caption: Annotated[StorableText, Form()]) -> dict[str, int]:
    return {"bytes": len(await read_upload(file, max_bytes=8, what="An evidence file"))}


@routes.post("/imports", openapi_extra={"x-public": True})
async def import_csv(request: Request) -> dict[str, int]:
    body = await read_body(request, max_bytes=2 * 1024, what="An import", what_es="Una importación")
    return {"bytes": len(body)}


@pytest.fixture
async def client():
    spec = ServiceSpec(name="kernel_test", title="guards", public_routers=[routes], database=False)
    app = create_app(spec, settings=Settings(env="test", service="kernel_test", run_background=False))
    async with running_app(app) as client:
        yield client


def _errors(response) -> list[dict[str, str]]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/validation-error")
    return response.json()["errors"]


async def test_parameters_with_a_nul_are_a_422_naming_them(client):
    assert (await client.get(f"{API}/companies/20100070970", params={"q": "café"})).json() == {
        "ruc": "20100070970",
        "q": "café",
    }
    assert _errors(await client.get(f"{API}/companies/20100070970", params={"q": "a\x00b"})) == [
        {"field": "q", "in": "query", "message": "must not contain NUL characters"}
    ]
    assert _errors(await client.get(f"{API}/companies/2010%00")) == [
        {"field": "ruc", "in": "path", "message": "must not contain NUL characters"}
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"legal_name": "Bad\x00Name"}, "legal_name"),
        ({"legal_name": "ok", "sites": [{"name": "x", "tags": ["a", "b\x00"]}]}, "sites.0.tags"),
        ({"legal_name": "ok", "notes": {"k\x00": "v"}}, "notes"),
    ],
)
async def test_a_nul_anywhere_in_a_body_is_a_422_naming_the_field(client, body, field):
    errors = _errors(await client.post(f"{API}/companies", json=body))
    assert [(e["field"], e["in"], e["code"]) for e in errors] == [(field, "body", "nul_character")]
    assert errors[0]["message"] == "must not contain NUL characters"


async def test_unknown_fields_and_partial_updates_are_guarded_the_same_way(client):
    assert (await client.post(f"{API}/companies", json={"legal_name": "ok"})).status_code == 200
    typo = _errors(await client.post(f"{API}/companies", json={"legal_name": "ok", "legl_name": "x"}))
    assert [e["field"] for e in typo] == ["legl_name"]
    patch = f"{API}/companies/20100070970"
    assert (await client.patch(patch, json={"trade_name": "Andino"})).json() == {"trade_name": "Andino"}
    assert [e["field"] for e in _errors(await client.patch(patch, json={"trade_name": "A\x00"}))] == [
        "trade_name"
    ]
    assert [e["field"] for e in _errors(await client.patch(patch, json={"tradename": "A"}))] == ["tradename"]


async def test_a_form_field_of_storable_text_refuses_a_nul(client):
    files = {"file": ("a.txt", b"1234", "text/plain")}
    assert (await client.post(f"{API}/evidence", files=files, data={"caption": "ok"})).json() == {"bytes": 4}
    errors = _errors(await client.post(f"{API}/evidence", files=files, data={"caption": "o\x00k"}))
    assert [(e["field"], e["code"]) for e in errors] == [("caption", "nul_character")]


async def test_a_body_or_file_over_its_limit_is_a_413_naming_the_limit(client):
    assert (await client.post(f"{API}/imports", content=b"x" * 2048)).json() == {"bytes": 2048}
    too_big = await client.post(f"{API}/imports", content=b"x" * 2049)
    assert too_big.status_code == 413
    assert too_big.headers["content-type"] == "application/problem+json"
    problem = too_big.json()
    assert problem["type"].endswith("/payload-too-large") and problem["max_bytes"] == 2048
    assert problem["detail"] == "An import is limited to 2 KB."

    async def chunks():  # no Content-Length: refused while streaming, at the limit
        for _ in range(3):
            yield b"x" * 1024

    assert (await client.post(f"{API}/imports", content=chunks())).status_code == 413
    spanish = await client.post(f"{API}/imports", content=b"x" * 4096, headers={"accept-language": "es"})
    assert spanish.json()["detail"] == "Una importación: el límite es 2 KB."
    files = {"file": ("a.txt", b"123456789", "text/plain")}
    upload = await client.post(f"{API}/evidence", files=files, data={"caption": "ok"})
    assert upload.status_code == 413 and upload.json()["max_bytes"] == 8
    assert upload.json()["detail"] == "An evidence file is limited to 8 bytes."
