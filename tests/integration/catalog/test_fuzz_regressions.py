"""Classes of server errors the outside fuzzer found (issue 10), each now a client error.

- ``null`` for a hub field whose column is NOT NULL: 422 naming the field (was a 500 from
  the constraint); ``null`` still clears a nullable field.
- A tampered cursor (``$dt`` that is not a date, wrong types) on every list, the public
  catalogue included: 400 invalid cursor.
- Extreme calculator inputs (U_av = 5e-324): 422, never ``"utility": null``.
"""

from __future__ import annotations

import base64
import json
import math
import uuid

import pytest

from shared.auth import Role
from tests.integration.catalog import events as ev
from tests.integration.catalog.test_hub import HUB, story_body
from tests.integration.catalog.test_mci_api import LINEAR, MCI
from tests.support.testing import identity_headers


def tampered(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def fields_of(response) -> set[str]:
    assert response.headers["content-type"] == "application/problem+json", response.text
    return {str(e["field"]).split(".")[-1] for e in response.json()["errors"]}


async def test_null_for_a_required_hub_field_is_a_422_naming_it(client, catalog_settings):
    officer = identity_headers(catalog_settings, Role.promperu_officer)
    created = await client.post(
        f"{HUB}/resources",
        json={
            "slug": f"guia-{uuid.uuid4().hex[:8]}",
            "kind": "guide",
            "title": "Guía de agua",
            "summary": "Reducir el agua.",
            "url": "https://example.pe/guia",
        },
        headers=officer,
    )
    assert created.status_code == 201, created.text
    resource = f"{HUB}/resources/{created.json()['resource_id']}"
    for field in ("kind", "title", "summary", "tags", "audiences"):
        refused = await client.patch(resource, json={field: None}, headers=officer)
        assert refused.status_code == 422, (field, refused.text)
        assert field in fields_of(refused)
    cleared = await client.patch(resource, json={"url": None, "body": None}, headers=officer)
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["url"] is None and cleared.json()["title"] == "Guía de agua"

    ruc = ev.new_ruc()
    company = identity_headers(catalog_settings, Role.company, ruc=ruc)
    story = await client.post(f"{HUB}/success-stories", json=story_body(ruc), headers=company)
    assert story.status_code == 201, story.text
    path = f"{HUB}/success-stories/{story.json()['story_id']}"
    for field in ("title", "measure", "investment", "figures", "factor_codes"):
        refused = await client.patch(path, json={field: None}, headers=company)
        assert refused.status_code == 422, (field, refused.text)
        assert field in fields_of(refused)


@pytest.mark.parametrize(
    "cursor",
    [
        tampered([{"$dt": "x"}, "y"]),
        tampered([{"$dt": None}, "y"]),
        tampered([{"$dt": "2025-01-01", "extra": 1}, "y"]),
        tampered(["a\u0000b", "y"]),
        tampered([10**40, "y"]),
        tampered([1.5, [1]]),
        "not base64 !",
    ],
)
async def test_a_tampered_cursor_is_a_400_on_every_list(client, catalog_settings, cursor):
    officer = identity_headers(catalog_settings, Role.promperu_officer)
    for path in (
        "/api/v1/catalog/organisations",
        f"{HUB}/resources",
        f"{HUB}/success-stories",
        f"{HUB}/submissions",
    ):
        response = await client.get(path, params={"cursor": cursor}, headers=officer)
        assert response.status_code == 400, (path, response.text)
        assert response.json()["errors"][0]["field"] == "cursor"


@pytest.mark.parametrize(
    "extreme",
    [
        {"average_functional_units": 5e-324},
        {"functional_units": 1e308, "average_functional_units": 1e-308},
        {"lifetime": 5e-324, "average_lifetime": 1e308},
        {"mass": 1.7e308},
    ],
)
async def test_extreme_calculator_inputs_are_a_422_never_a_null_number(client, extreme):
    response = await client.post(MCI, json=LINEAR | extreme)
    assert response.status_code == 422, response.text
    assert response.json()["rule"] == "mci.out_of_range"


async def test_large_but_representable_inputs_still_give_finite_numbers(client):
    response = await client.post(MCI, json=LINEAR | {"average_functional_units": 1e-300})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["utility"] == pytest.approx(1e300) and body["mci"] == pytest.approx(1.0)
    assert all(
        isinstance(body[k], float | int) and math.isfinite(body[k]) for k in body if k != "methodology"
    )
