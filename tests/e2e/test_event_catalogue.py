"""The event catalogue is public through nginx, like the OpenAPI document."""

from __future__ import annotations

import httpx

from shared.events.contracts import CONTRACTS


def test_the_asyncapi_document_is_served_publicly_through_nginx(stack):
    response = httpx.get(f"{stack.gateway_url}/api/v1/gateway/asyncapi.json", timeout=10)
    assert response.status_code == 200, response.text
    document = response.json()
    assert document["asyncapi"] == "3.0.0"
    addresses = {channel["address"] for channel in document["channels"].values()}
    assert set(CONTRACTS) <= addresses
