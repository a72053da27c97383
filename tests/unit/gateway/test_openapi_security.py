"""The merged OpenAPI tells client generators how to authenticate, per operation."""

from __future__ import annotations

from services.gateway.openapi_merge import merge_openapi


def test_credentials_are_required_except_on_public_operations():
    doc = {
        "paths": {
            "/api/v1/catalog/organisations": {"get": {"operationId": "catalog_list", "x-roles": ["public"]}},
            "/api/v1/catalog/indicators": {
                "get": {"operationId": "catalog_indicators", "x-roles": ["partner"]}
            },
        }
    }
    merged = merge_openapi({"catalog": doc}, title="t", version="1")
    schemes = merged["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == schemes["bearerAuth"] | {"type": "http", "scheme": "bearer"}
    assert schemes["apiKeyAuth"] == schemes["apiKeyAuth"] | {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
    }
    assert merged["security"] == [{"bearerAuth": []}, {"apiKeyAuth": []}]
    # Per operation: generators (openapi-python-client) read only the operation's own `security`.
    public = merged["paths"]["/api/v1/catalog/organisations"]["get"]
    assert public["security"] == []
    private = merged["paths"]["/api/v1/catalog/indicators"]["get"]
    assert private["security"] == [{"bearerAuth": []}, {"apiKeyAuth": []}]
