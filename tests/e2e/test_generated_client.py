"""Clients generated from the gateway's merged OpenAPI run the whole programme.

Front-end and partner teams generate clients from ``/openapi.json``. Here openapi-python-client
generates one from the document nginx serves, and the demo's journey (registration to expired
certificate, deploy/demo/journey.py) runs through it unchanged: every request is made by generated
code with generated types, every answer parsed by it (tests/support/generated_client.py).
"""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from deploy.demo import journey
from tests.support.generated_client import GeneratedPlatformClient
from tests.support.openapi import served_document

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def generated(stack, tmp_path_factory) -> tuple[Path, dict]:
    doc = served_document(stack.gateway_url)
    workdir = tmp_path_factory.mktemp("generated")
    spec = workdir / "openapi.json"
    spec.write_text(json.dumps(doc))
    package = workdir / "eco_journey_client"  # with --meta none the output folder is the package
    result = subprocess.run(
        [sys.executable, "-m", "openapi_python_client", "generate", "--path", str(spec),
         "--output-path", str(package), "--meta", "none",
         "--config", str(Path(__file__).parents[1] / "contract" / "openapi-python-client.yml")],
        capture_output=True, text=True, timeout=300,
        env=os.environ | {"PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr
    sys.path.insert(0, str(workdir))
    yield package, doc
    sys.path.remove(str(workdir))


def test_the_whole_programme_runs_through_the_generated_python_client(stack, generated):
    """One company from registration to an expired certificate, every cross-service step via
    Kafka, with the journey's own checks at each step."""
    package, doc = generated
    lines: list[str] = []
    client = GeneratedPlatformClient(stack.gateway_url, package, doc, log=lines.append)
    done = journey.run(client=client, log=lines.append, wait_seconds=90)
    transcript = "\n".join(lines)
    assert done.facts["participant_id"]
    assert re.fullmatch(r"BPE-\d{4}-\d{6}-[A-Z]", done.facts["certificate"])
    for milestone in (
        "eligibility: 12/12 rules passed",
        "training: completed",
        "failed: 1 minor, 1 major",
        "pre-audit passed",
        "enrollment: certification-eligible",
        "'status': 'valid'",
        "the verification says expired",
        "left the catalogue",
    ):
        assert milestone in transcript, f"missing milestone {milestone!r}:\n{transcript}"
    # Public and authenticated operations of every service, idempotent creations: generated code.
    assert {
        "gateway_issue_dev_token",
        "enrollment_create_company",
        "enrollment_admit_application",
        "training_get_participant",
        "audit_decide_certification_audit",
        "catalog_verify_certificate",
    } <= set(client.calls)


def test_public_operations_take_a_plain_client_and_refused_credentials_are_typed(stack, generated):
    package = generated[0]
    client_module = importlib.import_module(f"{package.name}.client")
    verify = importlib.import_module(f"{package.name}.api.catalog_catalogue.catalog_verify_certificate")
    cohorts = importlib.import_module(f"{package.name}.api.enrollment_cohorts.enrollment_list_cohorts")
    anonymous = client_module.Client(base_url=stack.gateway_url)
    answer = verify.sync_detailed(client=anonymous, certificate_number="BPE-2026-000123-C")
    assert answer.status_code == 200 and answer.parsed.status.value == "unknown"
    refused = cohorts.sync_detailed(client=anonymous)
    assert refused.status_code == 401
    assert refused.parsed.type_ == "https://api.ecoeficiencia.pe/problems/unauthorized"
    forged = client_module.AuthenticatedClient(base_url=stack.gateway_url, token="not-a-jwt")
    bad_credential = verify.sync_detailed(client=forged, certificate_number="BPE-2026-000123-C")
    assert bad_credential.status_code == 401 and bad_credential.parsed.reason == "malformed-token"
