"""schemathesis over the gateway's merged OpenAPI, through nginx, as four identities: 0 failures.

Run with schemathesis' own runner (``schemathesis run``; its pytest plugin does not work with
pytest 9), so every phase it has runs: the schema's examples, the deterministic coverage
cases (boundaries, nulls, missing and wrong-typed fields) and random fuzzing. Bounded for CI:
a fixed seed, a few random examples per operation, no example database. Every response must
not be a server error, must match the documented schema and content type, and its status
code must be documented. The report (failures with a curl to reproduce) is in the assertion.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.fuzz.conftest import CASES, Identity

pytestmark = [pytest.mark.e2e, pytest.mark.fuzz]

SEED = 20261129
EXAMPLES_PER_OPERATION = 5
CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance"
PHASES = "examples,coverage,fuzzing"


def _toml(table: dict[str, str]) -> str:
    # JSON strings are valid TOML basic strings for the ASCII keys and values used here.
    return "\n".join(f"{json.dumps(key)} = {json.dumps(value)}" for key, value in table.items())


def test_the_merged_openapi_holds_for_every_identity(stack, identity: Identity, tmp_path: Path):
    config = tmp_path / "schemathesis.toml"
    config.write_text(f"[headers]\n{_toml(identity.headers)}\n\n[parameters]\n{_toml(identity.parameters)}\n")
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--no-color",
        "--config-file",
        str(config),
        "run",
        f"{stack.gateway_url}/openapi.json",
        "--url",
        stack.gateway_url,
        "--checks",
        CHECKS,
        "--phases",
        PHASES,
        "--max-examples",
        str(EXAMPLES_PER_OPERATION),
        "--seed",
        str(SEED),
        "--generation-database",
        "none",
        "--generation-with-security-parameters",
        "false",
        "--request-timeout",
        "30",
        "--continue-on-failure",
    ]
    run = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=900,
        env=os.environ | {"SCHEMATHESIS_HOOKS": ""},
    )
    output = run.stdout + run.stderr
    generated = re.search(r"(\d+) generated", output)
    assert generated, output[-5000:]
    CASES[identity.name] += int(generated.group(1))
    print(f"\n{identity.name}: {generated.group(0)}")
    assert run.returncode == 0, f"schemathesis as {identity.name}:\n{output[output.find('FAILURES') - 40 :]}"
