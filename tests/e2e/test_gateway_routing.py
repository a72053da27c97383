"""nginx in front: prefixes, merged OpenAPI, request ids, and a clean 503 when a service is down."""

from __future__ import annotations

import re
import time

import httpx
import pytest

from shared.settings import SERVICES

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("service", SERVICES)
def test_each_prefix_reaches_its_service(stack, service):
    response = httpx.get(f"{stack.gateway_url}/api/v1/{service}/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "service": service}


def test_merged_openapi_lists_every_services_operations(stack):
    response = httpx.get(f"{stack.gateway_url}/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.1")
    assert "Problem" in doc["components"]["schemas"]
    for service in SERVICES:
        assert any(path.startswith(f"/api/v1/{service}/") for path in doc["paths"]), service
    operation_ids = [op["operationId"] for item in doc["paths"].values() for op in item.values()]
    assert len(operation_ids) == len(set(operation_ids)), "operation ids must be unique across services"


def test_gateway_health_aggregates_every_service(stack):
    response = httpx.get(f"{stack.gateway_url}/health", timeout=10)
    body = response.json()
    assert set(body["services"]) == set(SERVICES)
    assert response.status_code == 200, body
    assert all(s["database"] == "ok" and s["kafka"] == "ok" for s in body["services"].values())


def test_request_id_is_echoed_or_generated(stack):
    echoed = httpx.get(f"{stack.gateway_url}/api/v1/audit/health", headers={"X-Request-ID": "req-123"})
    assert echoed.headers["x-request-id"] == "req-123"
    generated = httpx.get(f"{stack.gateway_url}/api/v1/audit/health")
    assert re.fullmatch(r"[0-9a-f]{32}", generated.headers["x-request-id"])


def test_unknown_route_is_a_problem_json_404(stack):
    response = httpx.get(f"{stack.gateway_url}/api/v1/enrollment/no-such-thing")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


def test_stopped_service_gives_503_problem_json_quickly(stack):
    stack.stop("catalog")
    try:
        started = time.monotonic()
        response = httpx.get(f"{stack.gateway_url}/api/v1/catalog/health", timeout=10)
        elapsed = time.monotonic() - started
        assert response.status_code == 503
        assert response.headers["content-type"].startswith("application/problem+json")
        body = response.json()
        assert body["status"] == 503 and body["type"].endswith("/service-unavailable")
        assert elapsed < 3, f"a down service must fail fast, took {elapsed:.2f}s"
        assert "<html" not in response.text.lower()
    finally:
        stack.start("catalog")
        stack.wait_healthy("catalog")


def test_nginx_problems_follow_accept_language(stack):
    spanish = httpx.get(
        f"{stack.gateway_url}/no/such/path", headers={"Accept-Language": "es-PE,es;q=0.9,en;q=0.5"}
    )
    assert spanish.status_code == 404
    assert spanish.headers["content-language"] == "es"
    assert spanish.json()["title"] == "Recurso no encontrado"
    english = httpx.get(f"{stack.gateway_url}/no/such/path", headers={"Accept-Language": "en-GB,es;q=0.5"})
    assert english.headers["content-language"] == "en" and english.json()["title"] == "Not found"
