"""A typed client generated from the gateway's merged OpenAPI calls the platform.

Front-end and partner teams generate clients from ``/openapi.json``; this proves the
document is complete enough (stable operation ids, schemas, security) by generating a
Python client with openapi-python-client and calling a public and an authenticated
operation through nginx with it.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.e2e


def _operation_module(package: Path, operation_id: str) -> str:
    [found] = package.glob(f"api/*/{operation_id}.py")
    return ".".join(found.relative_to(package.parent).with_suffix("").parts)


def _operation_id(doc: dict, path: str, method: str) -> str:
    return doc["paths"][path][method]["operationId"]


def test_generated_python_client_calls_public_and_authenticated_operations(stack, tmp_path, issue_token):
    doc = httpx.get(f"{stack.gateway_url}/openapi.json").json()
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(doc))
    subprocess.run(
        [sys.executable, "-m", "openapi_python_client", "generate", "--path", str(spec),
         "--output-path", str(tmp_path / "eco_client"), "--meta", "none"],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    package = tmp_path / "eco_client"  # with --meta none the output folder is the package
    sys.path.insert(0, str(package.parent))
    try:
        client_module = importlib.import_module(f"{package.name}.client")
        mci_op = importlib.import_module(
            _operation_module(package, _operation_id(doc, "/api/v1/catalog/circularity/mci", "post"))
        )
        cohorts_op = importlib.import_module(
            _operation_module(package, _operation_id(doc, "/api/v1/enrollment/cohorts", "get"))
        )
        body_class = mci_op.sync_detailed.__annotations__["body"]
        if isinstance(body_class, str):
            body_class = getattr(importlib.import_module(f"{package.name}.models"), body_class)

        anonymous = client_module.Client(base_url=stack.gateway_url)
        linear = mci_op.sync_detailed(
            client=anonymous,
            body=body_class.from_dict(
                {"recycled_feedstock": 0, "reused_feedstock": 0, "collected_for_recycling": 0,
                 "collected_for_reuse": 0, "feedstock_recycling_efficiency": 1,
                 "collection_recycling_efficiency": 1, "lifetime": 1, "average_lifetime": 1}
            ),
        )  # fmt: skip
        assert linear.status_code == 200, linear.content
        assert linear.parsed is not None and abs(linear.parsed.to_dict()["mci"] - 0.1) < 1e-9

        officer = client_module.AuthenticatedClient(
            base_url=stack.gateway_url, token=issue_token("promperu_officer")
        )
        cohorts = cohorts_op.sync_detailed(client=officer)
        assert cohorts.status_code == 200, cohorts.content
        assert isinstance(cohorts.parsed.data, list)
        refused = cohorts_op.sync_detailed(client=anonymous)
        assert refused.status_code == 401
    finally:
        sys.path.remove(str(package.parent))
