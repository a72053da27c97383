"""docker-compose.yml stays in step with the code, .env.example and the Maven-run Kafka."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ENV_VAR = re.compile(r"\bECO_[A-Z0-9_]+\b")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _service_dirs() -> list[str]:
    return sorted(
        p.name for p in (ROOT / "services").iterdir() if p.is_dir() and not p.name.startswith(("_", "."))
    )


def _image(compose: dict, service: str) -> str:
    return compose["services"][service]["image"]


def _documented_vars() -> set[str]:
    # Commented-out entries count: they document per-process variables with their default.
    names = set()
    for line in (ROOT / ".env.example").read_text().splitlines():
        match = re.match(r"^#?\s*(ECO_[A-Z0-9_]+)=", line)
        if match:
            names.add(match.group(1))
    return names


def test_every_service_package_has_a_compose_service(compose: dict) -> None:
    services = _service_dirs()
    assert {"gateway", "enrollment", "training", "audit", "catalog", "webhooks", "circular"} <= set(services)
    missing = [name for name in services if name not in compose["services"]]
    assert not missing, f"services/ without a compose service: {missing}"
    for name in services:
        env = compose["services"][name]["environment"]
        assert env["ECO_SERVICE"] == name


def test_every_eco_variable_in_compose_is_in_env_example(compose: dict) -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    used = set(ENV_VAR.findall(text))
    for service in compose["services"].values():
        used |= {key for key in (service.get("environment") or {}) if key.startswith("ECO_")}
    missing = sorted(used - _documented_vars())
    assert not missing, f"ECO_* variables used in docker-compose.yml but not in .env.example: {missing}"


def test_every_nginx_template_variable_is_in_env_example_and_set_in_compose(compose: dict) -> None:
    template = (ROOT / "deploy" / "nginx" / "nginx.conf.template").read_text()
    used = set(re.findall(r"\$\{(ECO_[A-Z0-9_]+)\}", template))
    assert used, "the template should be parameterised with ${ECO_*} variables"
    assert not sorted(used - _documented_vars())
    # The nginx image substitutes only variables that are set: an unset one would stay literal.
    nginx_env = compose["services"]["nginx"]["environment"]
    assert not sorted(used - set(nginx_env))


def test_kafka_image_matches_the_maven_version(compose: dict) -> None:
    pom = ET.parse(ROOT / "deploy" / "kafka" / "pom.xml")
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    version = pom.getroot().find("m:properties/m:kafka.version", ns).text.strip()
    image = _image(compose, "kafka")
    assert image.split(":")[0] == "apache/kafka"
    assert image == f"apache/kafka:{version}"


def test_gateway_tracing_and_one_shot_jobs_exist(compose: dict) -> None:
    services = compose["services"]
    assert _image(compose, "nginx").startswith("nginx")
    assert _image(compose, "otel-collector").startswith("otel/opentelemetry-collector-contrib")
    assert _image(compose, "jaeger").startswith("jaegertracing/all-in-one")
    assert _image(compose, "postgres").startswith("postgres:15")
    assert services["topics"]["command"][-1] == "create-topics"
    assert services["migrate"]["command"][-2:] == ["migrate", "all"]
    collector = yaml.safe_load((ROOT / "deploy" / "otel" / "collector.yaml").read_text())
    assert "otlp" in collector["receivers"]
    assert collector["exporters"]["otlp/jaeger"]["endpoint"].startswith("jaeger:")


def test_apps_use_their_own_database_role(compose: dict) -> None:
    for name in ("enrollment", "training", "audit", "catalog", "webhooks", "circular"):
        env = compose["services"][name]["environment"]
        assert env["ECO_PG_USER"] == f"{name}_svc"
        assert env["ECO_PG_HOST"] == "postgres"
        assert env["ECO_KAFKA_BOOTSTRAP"] == "kafka:19092"


def test_compose_file_follows_the_compose_specification() -> None:
    """The file is validated against the Compose specification's own JSON schema (the copy
    check-jsonschema vendors), so a typo in a key or a wrong type fails here, not on `docker compose up`."""
    import json
    from importlib import resources

    import jsonschema

    schema = json.loads(
        resources.files("check_jsonschema.builtin_schemas.vendor").joinpath("compose-spec.json").read_text()
    )
    document = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors)

    broken = dict(document, services={**document["services"], "nginx": {"image": 1.27, "ports": "x"}})
    assert list(validator.iter_errors(broken)), "the schema must catch a wrong type"
