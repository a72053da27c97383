"""What a front-end team relies on in the merged OpenAPI document, checked on the real one."""

from __future__ import annotations

import importlib
import re
from typing import Any

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from services.audit.domain import certificate_number
from services.gateway.openapi_merge import REQUIRED, merge_openapi
from shared.openapi import CERTIFICATE_NUMBER_PATTERN, DNI_PATTERN, RUC_PATTERN
from tests.support.openapi import operations, resolve

REF = "#/components/schemas/"


def _description(op: dict[str, Any]) -> str:
    """The operation's own words, without the ``Roles: ...`` line the kernel appends."""
    return (op.get("description") or "").split("Roles:")[0].strip()


def _body_schemas(doc: dict[str, Any]) -> set[str]:
    """Component schemas used as (or inside the top level of) a request body."""
    names = set()
    for _, _, op in operations(doc):
        for media in op.get("requestBody", {}).get("content", {}).values():
            schema = media.get("schema", {})
            for option in [schema, *schema.get("anyOf", []), *schema.get("oneOf", [])]:
                if option.get("$ref", "").startswith(REF):
                    names.add(option["$ref"][len(REF) :])
    return names


def test_every_operation_says_what_it_does_beyond_its_summary(document):
    missing = [op["operationId"] for _, _, op in operations(document) if not _description(op)]
    assert not missing, f"{len(missing)} operations without a description: {missing}"


def test_the_services_words_name_real_operations_and_schemas(service_docs):
    for service, own in service_docs.items():
        module = importlib.import_module(f"services.{service}.api.openapi_text")
        ids = {op["operationId"] for _, _, op in operations(own)}
        assert set(module.OPERATION_DOCS) <= ids, (service, set(module.OPERATION_DOCS) - ids)
        assert set(module.SCHEMA_EXAMPLES) <= set(own["components"]["schemas"]), service


def test_every_request_body_has_an_example(document):
    schemas = document["components"]["schemas"]
    missing = sorted(name for name in _body_schemas(document) if not schemas[name].get("examples"))
    assert not missing, f"request-body schemas without an example: {missing}"
    for _, _, op in operations(document):
        for media_type, media in op.get("requestBody", {}).get("content", {}).items():
            if "$ref" not in media.get("schema", {}) and media_type != "multipart/form-data":
                assert "example" in media or "examples" in media, (op["operationId"], media_type)


def test_every_example_is_valid_against_its_schema(document):
    """An example that its own schema refuses would teach a client the wrong thing: schemas',
    properties' and parameters' examples are all checked (formats and patterns included)."""
    registry = Registry().with_resource(
        "urn:doc", Resource.from_contents(document, default_specification=DRAFT202012)
    )

    def check(where: str, pointer: str, examples: list[Any]) -> int:
        validator = jsonschema.Draft202012Validator(
            {"$ref": f"urn:doc#{pointer}"},
            registry=registry,
            format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
        )
        for example in examples:
            errors = [
                f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(example)
            ]
            assert not errors, (where, example, errors)
        return len(examples)

    checked = 0
    for name, schema in document["components"]["schemas"].items():
        checked += check(name, f"/components/schemas/{name}", schema.get("examples", []))
        for prop, sub in schema.get("properties", {}).items():
            pointer = f"/components/schemas/{name}/properties/{prop}"
            checked += check(f"{name}.{prop}", pointer, sub.get("examples", []))
    for path, method, op in operations(document):
        for i, param in enumerate(op.get("parameters", [])):
            examples = param.get("schema", {}).get("examples", [])
            escaped = path.replace("~", "~0").replace("/", "~1")
            checked += check(f"{method} {path}", f"/paths/{escaped}/{method}/parameters/{i}/schema", examples)
    assert checked >= len(_body_schemas(document))


def test_one_declared_and_described_tag_per_operation(document):
    declared = {tag["name"]: tag.get("description", "") for tag in document["tags"]}
    assert len(declared) == len(document["tags"]), "each tag declared once"
    for _, _, op in operations(document):
        [tag] = op["tags"]
        assert declared.get(tag), f"{op['operationId']}: tag {tag!r} undeclared or without a description"
    used = {op["tags"][0] for _, _, op in operations(document)}
    assert set(declared) == used


def test_public_operations_need_no_credential_and_the_others_one(document):
    for _, _, op in operations(document):
        if op["x-roles"] == ["public"]:
            assert op["security"] == [], op["operationId"]
            assert "credential was sent" in op["responses"]["401"]["description"]
        else:
            assert op["security"] == REQUIRED, op["operationId"]
            assert "admin" in op["x-roles"], op["operationId"]


def test_errors_headers_and_parameters_are_documented(document):
    problem = document["components"]["schemas"]["Problem"]["properties"]
    assert {"rule", "reason", "allowed_roles", "required_scope", "errors", "request_id"} <= set(problem)
    idempotent = set()
    for _, _, op in operations(document):
        responses = op["responses"]
        assert {"400", "401", "403", "404", "409", "422", "429", "503"} <= set(responses)
        assert ("413" in responses) == ("requestBody" in op), op["operationId"]
        for status in ("429", "503"):
            assert "Retry-After" in responses[status]["headers"]
        for response in responses.values():
            assert "X-Request-ID" in response["headers"], op["operationId"]
        params = [p.get("$ref", "").rsplit("/", 1)[-1] for p in op.get("parameters", [])]
        assert "Accept-Language" in params, op["operationId"]
        if "Idempotency-Key" in params:
            idempotent.add(op["operationId"])
    assert {
        "enrollment_create_company",
        "enrollment_create_cohort",
        "enrollment_import_companies",
        "training_create_session",
        "audit_schedule_preaudit",
    } <= idempotent
    assert "enrollment_admit_application" not in idempotent
    created = document["paths"]["/api/v1/gateway/api-keys"]["post"]["responses"]["201"]
    assert "Location" in created["headers"]


def test_an_optional_body_is_just_optional(document):
    admit = document["paths"]["/api/v1/enrollment/applications/{application_id}/admit"]["post"]
    assert admit["requestBody"]["required"] is False
    assert admit["requestBody"]["content"]["application/json"]["schema"] == {"$ref": REF + "ReasonIn"}


def test_identifiers_carry_their_formats(document):
    assert certificate_number.PATTERN.pattern == CERTIFICATE_NUMBER_PATTERN
    assert re.fullmatch(RUC_PATTERN, "20100070970") and not re.fullmatch(RUC_PATTERN, "2010007097")
    assert re.fullmatch(CERTIFICATE_NUMBER_PATTERN, certificate_number.certificate_number(2026, 123))
    schemas = document["components"]["schemas"]

    def pattern_of(prop: dict[str, Any]) -> str | None:
        return prop.get("pattern") or next(
            (o.get("pattern") for o in prop.get("anyOf", []) if "pattern" in o), None
        )

    assert pattern_of(schemas["CompanyCreate"]["properties"]["ruc"]) == RUC_PATTERN
    assert pattern_of(schemas["CompanyCreate"]["properties"]["legal_rep_dni"]) == DNI_PATTERN
    assert pattern_of(schemas["CertificatePublic"]["properties"]["number"]) == CERTIFICATE_NUMBER_PATTERN
    verification = document["paths"]["/api/v1/catalog/certificates/{certificate_number}/verification"]["get"]
    [param] = [p for p in verification["parameters"] if p.get("name") == "certificate_number"]
    assert param["schema"]["pattern"] == CERTIFICATE_NUMBER_PATTERN
    by_ruc = document["paths"]["/api/v1/enrollment/companies/{ruc}"]["get"]["parameters"]
    assert [p["schema"]["pattern"] for p in by_ruc if p.get("name") == "ruc"] == [RUC_PATTERN]


def test_schema_titles_are_unique_for_generated_class_names(document):
    titles = [schema.get("title", name) for name, schema in document["components"]["schemas"].items()]
    assert len(titles) == len(set(titles))


def test_each_operation_means_in_the_merge_what_it_means_in_its_service(document, service_docs):
    """Every body and answer, with references inlined, is the service's own: no schema of one
    service stands in for another's (training's participants once came out as audit's)."""
    compared = 0
    for service, own in service_docs.items():
        for path, method, op in operations(own):
            if not path.startswith("/api/"):
                continue
            merged_op = document["paths"][path][method]
            for part in ("requestBody", "responses"):
                assert resolve(merged_op.get(part), document) == resolve(op.get(part), own), (
                    service,
                    method,
                    path,
                    part,
                )
                compared += 1
    assert compared >= 2 * 140


def _doc(service: str, item_props: dict[str, Any]) -> dict[str, Any]:
    ok = {"200": {"content": {"application/json": {"schema": {"$ref": REF + "ParticipantsPublic"}}}}}
    return {
        "paths": {
            f"/api/v1/{service}/participants": {"get": {"operationId": f"{service}_list", "responses": ok}}
        },
        "components": {
            "schemas": {
                "ParticipantPublic": {
                    "type": "object",
                    "title": "ParticipantPublic",
                    "properties": item_props,
                },
                # Same text in both services; only what the reference points at differs.
                "ParticipantsPublic": {
                    "type": "object",
                    "title": "ParticipantsPublic",
                    "properties": {"data": {"type": "array", "items": {"$ref": REF + "ParticipantPublic"}}},
                },
            }
        },
    }


@pytest.mark.parametrize("order", [("training", "audit"), ("audit", "training")])
def test_a_schema_that_reads_alike_but_points_elsewhere_is_renamed(order):
    docs = {
        "training": _doc("training", {"women_led": {"type": "boolean"}}),
        "audit": _doc("audit", {"eligible_at": {"type": "string"}}),
    }
    merged = merge_openapi({name: docs[name] for name in order}, title="t", version="1")
    second = order[1]
    schemas = merged["components"]["schemas"]
    assert set(schemas) == {
        "ParticipantPublic",
        "ParticipantsPublic",
        f"{second.capitalize()}ParticipantPublic",
        f"{second.capitalize()}ParticipantsPublic",
    }
    for service in order:
        answer = merged["paths"][f"/api/v1/{service}/participants"]["get"]["responses"]["200"]
        assert resolve(answer, merged) == resolve(
            docs[service]["paths"][f"/api/v1/{service}/participants"]["get"]["responses"]["200"],
            docs[service],
        )
    renamed = schemas[f"{second.capitalize()}ParticipantsPublic"]
    assert renamed["title"] == f"{second.capitalize()}ParticipantsPublic"
