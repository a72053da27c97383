"""schemathesis over the gateway's merged OpenAPI, through nginx, as four identities: 0 failures.

Bounded for CI: a fixed seed, a few examples per operation (plus schemathesis' deterministic
coverage cases), no example database. Every response must not be a server error, must match
the documented schema and content type, and its status code must be documented.
"""

from __future__ import annotations

import hypothesis
import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.e2e.fuzz.conftest import CASES, Identity

pytestmark = [pytest.mark.e2e, pytest.mark.fuzz]

SEED = 20261129
EXAMPLES_PER_OPERATION = 5
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]


@pytest.fixture(scope="session")
def fuzz_schema(stack, identity: Identity):
    config = SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "base-url": stack.gateway_url,
            "headers": identity.headers,
            "parameters": identity.parameters,
            "generation": {"database": "none", "with-security-parameters": False},
            "phases": {
                "examples": {"enabled": True},
                "coverage": {"enabled": True},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": False},
            },
            "request-timeout": 20,
        }
    )
    return schemathesis.openapi.from_url(f"{stack.gateway_url}/openapi.json", config=config)


schema = schemathesis.pytest.from_fixture("fuzz_schema")


@schema.parametrize()
@hypothesis.settings(
    max_examples=EXAMPLES_PER_OPERATION,
    database=None,
    deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck),
    print_blob=True,
)
def test_the_merged_openapi_holds_for_every_identity(case, identity: Identity):
    CASES[identity.name] += 1
    case.call_and_validate(headers=identity.headers, checks=CHECKS)
