"""Which anonymous requests the gateway lets through, read from the merged OpenAPI."""

from __future__ import annotations

from services.gateway.domain.public_operations import PublicOperations

DOC = {
    "paths": {
        "/api/v1/catalog/organisations": {"get": {"x-roles": ["public"]}},
        "/api/v1/enrollment/companies": {
            "get": {"x-roles": ["promperu_officer"]},
            "post": {"x-roles": ["company"]},
        },
        "/api/v1/enrollment/companies/{ruc}": {"get": {"x-roles": ["company"]}},
        "/api/v1/catalog/certificates/{number}/verification": {"get": {"x-roles": ["public"]}},
    }
}


def test_public_operations_pass_and_the_others_are_refused():
    ops = PublicOperations.from_openapi(DOC, {"catalog", "enrollment"})
    assert ops.allows_anonymous("GET", "/api/v1/catalog/organisations")
    assert ops.allows_anonymous("HEAD", "/api/v1/catalog/organisations")
    assert ops.allows_anonymous("GET", "/api/v1/catalog/certificates/BPE-1/verification")
    assert not ops.allows_anonymous("POST", "/api/v1/enrollment/companies")
    assert not ops.allows_anonymous("GET", "/api/v1/enrollment/companies/20100070970")
    # A template parameter is one segment: a public template does not cover a longer protected path.
    assert not PublicOperations.from_openapi(
        {
            "paths": DOC["paths"]
            | {"/api/v1/catalog/certificates/{number}/x/y": {"get": {"x-roles": ["admin"]}}}
        },
        {"catalog"},
    ).allows_anonymous("GET", "/api/v1/catalog/certificates/1/x/y")


def test_unknown_paths_and_services_are_left_to_the_service():
    ops = PublicOperations.from_openapi(DOC, {"catalog", "enrollment"})
    assert ops.allows_anonymous("GET", "/api/v1/enrollment/nothing-here")  # the service's 404
    assert ops.allows_anonymous("DELETE", "/api/v1/catalog/organisations")  # its 405
    assert ops.allows_anonymous("POST", "/api/v1/training/sessions")  # training's document not read yet
