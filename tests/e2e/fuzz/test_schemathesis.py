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
import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.fuzz.conftest import CASES, Identity

pytestmark = [pytest.mark.e2e, pytest.mark.fuzz]

SEED = 20261129
EXAMPLES_PER_OPERATION = 5
CHECKS = (
    "not_a_server_error",
    "response_schema_conformance",
    "status_code_conformance",
    "content_type_conformance",
)
PHASES = {"examples": True, "coverage": True, "fuzzing": True, "stateful": False}
METHODS = {"get", "put", "post", "patch", "delete"}


def _toml(table: dict[str, str]) -> str:
    # JSON strings are valid TOML basic strings for the keys and values used here.
    return "\n".join(f"{json.dumps(key)} = {json.dumps(value)}" for key, value in table.items())


def _operations(doc: dict) -> list[dict]:
    return [op for item in doc["paths"].values() for method, op in item.items() if method in METHODS]


def covers(identity: str, roles: list[str]) -> bool:
    """Whether this identity runs the coverage phase (its deterministic boundary cases) on an operation.

    Every identity sends every operation its examples and random cases; the coverage cases,
    most of the cost, go where the identity gets past the role check and no other identity
    already sends them: anonymous on public operations, the company on its own (the
    tenant-confined path), the officer on the rest of its own, the admin on those no officer
    may call (admin-, auditor-, body-only...).
    """
    if identity == "anonymous":
        return "public" in roles
    if identity == "company":
        return "company" in roles
    if identity == "officer":
        return "promperu_officer" in roles and "company" not in roles
    return "public" not in roles and "promperu_officer" not in roles


def test_the_merged_openapi_holds_for_every_identity(stack, identity: Identity, tmp_path: Path):
    checks = "\n".join(["enabled = false"] + [f"{name}.enabled = true" for name in CHECKS])
    sections = [
        f"[headers]\n{_toml(identity.headers)}",
        f"[parameters]\n{_toml(identity.parameters)}",
        f"[checks]\n{checks}",
        # No replay cache: every run starts from the same seed and nothing else (and writes nothing).
        "[cache]\nenabled = false",
        "[phases]\n" + "\n".join(f"{name}.enabled = {str(on).lower()}" for name, on in PHASES.items()),
    ]
    merged = httpx.get(f"{stack.gateway_url}/openapi.json", timeout=30).json()
    elsewhere = [op for op in _operations(merged) if not covers(identity.name, op.get("x-roles", []))]
    if elsewhere:
        ids = ", ".join(json.dumps(op["operationId"]) for op in elsewhere)
        sections.append(f"[[operations]]\ninclude-operation-id = [{ids}]\nphases.coverage.enabled = false")
    config = tmp_path / "schemathesis.toml"
    config.write_text("\n\n".join(sections) + "\n")
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--no-color",
        "--config-file",
        str(config),
        "run",
        f"{stack.gateway_url}/openapi.json",
        "--url",
        stack.gateway_url,
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
    started = time.monotonic()
    run = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=900,
        cwd=tmp_path,
        env=os.environ | {"SCHEMATHESIS_HOOKS": ""},
    )
    output = run.stdout + run.stderr
    generated = re.search(r"(\d+) generated", output)
    assert generated, output[-5000:]
    CASES[identity.name] += int(generated.group(1))
    print(f"\n{identity.name}: {generated.group(0)} in {time.monotonic() - started:.0f} s")
    assert run.returncode == 0, f"schemathesis as {identity.name}:\n{output[output.find('FAILURES') - 40 :]}"
