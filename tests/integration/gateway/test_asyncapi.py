"""The event catalogue: an AsyncAPI 3.0 document generated from the contracts, public at the
gateway, valid for the official AsyncAPI parser (@asyncapi/parser, installed by the project)."""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path

import pytest

from shared.events.contracts import CONTRACTS
from shared.events.coverage import COVERAGE
from shared.events.versions import understood_versions

ROOT = Path(__file__).resolve().parents[3]
VALIDATOR = ROOT / "deploy" / "asyncapi"
URL = "/api/v1/gateway/asyncapi.json"


@pytest.fixture(scope="session")
def asyncapi_parser() -> None:
    """node + the locked @asyncapi/parser (npm ci from the committed lock; idempotent)."""
    subprocess.run([str(VALIDATOR / "install.sh")], check=True, timeout=300)


def validate(documents: list[dict], directory: Path) -> tuple[int, list[dict]]:
    """One node process for all documents (its start-up is most of the cost)."""
    paths = []
    for i, document in enumerate(documents):
        path = directory / f"asyncapi-{i}.json"
        path.write_text(json.dumps(document))
        paths.append(str(path))
    done = subprocess.run(
        ["node", str(VALIDATOR / "validate.mjs"), *paths], capture_output=True, text=True, timeout=180
    )
    return done.returncode, json.loads(done.stdout)


@pytest.fixture(scope="module")
async def document(gateway) -> dict:
    response = await gateway.get(URL)  # no credential: the catalogue is public
    assert response.status_code == 200, response.text
    return response.json()


def _broken(document: dict) -> dict:
    """The served document with one operation using AsyncAPI 2's verb (not valid in 3.0)."""
    broken = copy.deepcopy(document)
    next(iter(broken["operations"].values()))["action"] = "publish"
    return broken


@pytest.fixture(scope="module")
def parsed(document, asyncapi_parser, tmp_path_factory) -> tuple[int, list[dict]]:
    return validate([document, _broken(document)], tmp_path_factory.mktemp("asyncapi"))


def test_the_served_document_is_valid_asyncapi_3(parsed):
    _code, [report, *_] = parsed
    assert report["errors"] == [] and report["valid"]
    assert report["version"] == "3.0.0"
    assert report["messages"] == len(CONTRACTS)
    assert report["channels"] == 2 * len(CONTRACTS)  # every topic and its .dlq


def test_an_invalid_document_fails_the_parser(parsed):
    code, [_good, broken] = parsed
    assert code == 1
    assert not broken["valid"] and broken["errors"], broken
    assert any("/action" in "/" + "/".join(map(str, e["path"])) for e in broken["errors"]), broken["errors"]


async def test_every_topic_is_a_channel_with_its_contract_key_versions_and_consumers(document):
    by_address = {c["address"]: c for c in document["channels"].values()}
    messages, schemas = document["components"]["messages"], document["components"]["schemas"]
    for topic, contract in CONTRACTS.items():
        channel = by_address[topic]
        [ref] = channel["messages"].values()
        message = messages[ref["$ref"].rsplit("/", 1)[-1]]
        typed = message["payload"]["allOf"][1]["properties"]
        assert typed["event_type"]["const"] == topic
        assert typed["schema_version"]["enum"] == list(understood_versions(contract))
        contract_schema = schemas[typed["payload"]["$ref"].rsplit("/", 1)[-1]]
        assert set(contract_schema["properties"]) == set(contract.model_fields)
        assert message["bindings"]["kafka"]["key"]["type"] == "string"
        assert channel["bindings"]["kafka"]["partitions"] == contract.PARTITIONS
        receivers = {
            name.split("_consumes_")[0]
            for name, op in document["operations"].items()
            if op["action"] == "receive" and op["channel"]["$ref"].endswith("/" + topic.replace(".", "_"))
        }
        assert receivers == set(COVERAGE[topic].consumers), topic
    assert "signed_by_dni" not in json.dumps(schemas["CommitmentSigned"])
    assert "Ruc" not in schemas  # the key is a binding, not a made-up schema
    assert messages["CertificateReinstated"]["name"] == "audit.certificate.reinstated"


async def test_it_is_documented_in_the_gateways_openapi_as_public(gateway):
    operation = gateway_app_openapi(gateway)["paths"][URL]["get"]
    assert operation.get("x-roles") == ["public"]


def gateway_app_openapi(gateway) -> dict:
    return gateway._transport.app.openapi()
