"""Each service's OpenAPI: problem+json errors, roles per operation, stable operation ids."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from shared.app import ServiceSpec, create_app
from shared.auth import Role, require_roles
from shared.settings import Settings


def test_operations_carry_roles_problems_and_stable_ids():
    private, public = APIRouter(), APIRouter()

    @private.post("/cohorts", dependencies=[Depends(require_roles(Role.promperu_officer))])
    async def create_cohort() -> dict:
        return {}

    @public.get("/verify", openapi_extra={"x-public": True})
    async def verify_certificate() -> dict:
        return {}

    spec = ServiceSpec(name="audit", title="t", routers=[private], public_routers=[public], database=False)
    doc = create_app(spec, settings=Settings(env="test", service="audit")).openapi()
    create = doc["paths"]["/api/v1/audit/cohorts"]["post"]
    verify = doc["paths"]["/api/v1/audit/verify"]["get"]
    assert create["operationId"] == "audit_create_cohort"
    assert verify["operationId"] == "audit_verify_certificate"
    assert create["x-roles"] == ["promperu_officer", "admin"]  # require_roles admits admin
    assert verify["x-roles"] == ["public"]
    assert {"401", "403", "422", "429", "503"} <= set(create["responses"])
    # A public operation needs no credential, but one that is sent is checked: 401 when refused.
    assert "credential was sent" in verify["responses"]["401"]["description"]
    assert "413" not in verify["responses"]  # no body
    problem = create["responses"]["409"]["content"]["application/problem+json"]["schema"]
    assert problem == {"$ref": "#/components/schemas/Problem"}
    assert "HTTPValidationError" not in doc["components"]["schemas"]
