"""Classes the outside fuzzer found (issue 10), in enrollment's terms.

- An import with old-Mac line endings (bare CR) is read like any other and reports its bad
  rows by line; an unreadable file is a 400 naming the line, without Python's own wording.
- A tampered cursor is a 400 invalid cursor on every list.
- ``null`` for a field the database requires is a 422 naming it (the kernel's reading of
  partial updates, which enrollment already followed).
"""

from __future__ import annotations

import base64
import json

import pytest

from tests.integration.enrollment.helpers import new_ruc
from tests.integration.enrollment.test_import import HEADER, row


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["unix", "windows", "old-mac"])
async def test_an_import_is_read_whatever_its_line_endings(api, newline):
    good = new_ruc()
    body = ("\ufeff" + HEADER + row(good) + row("20100070971")).replace("\n", newline)
    report = await api.ok(
        "POST", "/companies/import", api.officer | {"content-type": "text/csv"}, content=body.encode()
    )
    assert report["imported"] == 1 and report["rejected"] == 1
    assert [(e["line"], e["errors"][0]["rule"]) for e in report["errors"]] == [(3, "ruc.check_digit")]


async def test_an_unreadable_import_is_a_400_naming_the_line_in_our_words(api):
    body = HEADER + row(new_ruc()) + "20100070970;Nul\x00;x\n"
    response = await api.call(
        "POST", "/companies/import", api.officer | {"content-type": "text/csv"}, content=body.encode()
    )
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["line"] == 3
    assert "universal-newline" not in response.text


@pytest.mark.parametrize(
    "values", [[{"$dt": "x"}, "y"], [{"$dt": 5}, "y"], [[], {}], ["a", "b", "c"], [2**70, "x"]]
)
async def test_a_tampered_cursor_is_a_400_on_every_list(api, values):
    cursor = base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")
    for path in ("/companies", "/cohorts", "/monitors", "/applications"):
        response = await api.call("GET", path, api.officer, params={"cursor": cursor})
        assert response.status_code == 400, (path, response.text)
        assert response.json()["errors"][0]["field"] == "cursor"


async def test_null_for_a_required_field_is_a_422_naming_it(api):
    company = await api.register()
    path = f"/companies/{company['ruc']}"
    for field in ("legal_name", "region", "women_led", "products"):
        refused = await api.call("PATCH", path, api.officer, json={field: None})
        assert refused.status_code == 422, (field, refused.text)
        assert field in {e["field"].split(".")[-1] for e in refused.json()["errors"]}
    cleared = await api.ok("PATCH", path, api.officer, json={"website": None})
    assert cleared["website"] is None
