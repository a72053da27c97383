"""The Helm chart lints, renders for the default and the production values, and every object
it renders is valid against the Kubernetes API schemas (kubernetes-validate, offline, strict:
an unknown field fails). Helm itself is built from the Go module proxy the first time
(deploy/observability/tools.sh helm)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from deploy.helm.topics import TOPICS_FILE, render
from shared.events.contracts import all_topics

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "deploy" / "helm" / "ecoeficiencia"
K8S_VERSION = "1.30.0"
APPS = ("enrollment", "training", "audit", "catalog", "gateway", "webhooks", "circular")
# Values a real install must give (the chart refuses to render without them).
REQUIRED = ["--set", "jwt.issuer=https://auth.example.pe/realms/eco"]


@pytest.fixture(scope="module")
def helm() -> str:
    out = subprocess.run(
        [str(ROOT / "deploy" / "observability" / "tools.sh"), "helm"],
        check=True,
        capture_output=True,
        text=True,
        timeout=900,
    )
    return out.stdout.strip().splitlines()[-1]


def _render(helm: str, *args: str) -> list[dict]:
    out = subprocess.run(
        [helm, "template", "eco", str(CHART), "--namespace", "eco", "--kube-version", K8S_VERSION, *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return [doc for doc in yaml.safe_load_all(out.stdout) if doc]


@pytest.fixture(scope="module")
def default_objects(helm: str) -> list[dict]:
    return _render(helm, *REQUIRED)


@pytest.fixture(scope="module")
def production_objects(helm: str) -> list[dict]:
    return _render(helm, "-f", str(CHART / "values-production.yaml"))


def _by_kind(objects: list[dict], kind: str) -> dict[str, dict]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


@pytest.mark.parametrize("values", ["default", "production"])
def test_chart_lints(helm: str, values: str) -> None:
    args = REQUIRED if values == "default" else ["-f", str(CHART / "values-production.yaml")]
    out = subprocess.run(
        [helm, "lint", "--strict", "--kube-version", K8S_VERSION, str(CHART), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_chart_refuses_to_render_without_a_token_issuer(helm: str) -> None:
    out = subprocess.run(
        [helm, "template", "eco", str(CHART), "--kube-version", K8S_VERSION],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode != 0 and "jwt.issuer is required" in out.stderr


@pytest.mark.parametrize("which", ["default_objects", "production_objects"])
def test_every_rendered_object_is_valid_kubernetes(which: str, request: pytest.FixtureRequest) -> None:
    objects = request.getfixturevalue(which)
    builtin = [o for o in objects if not o["apiVersion"].startswith("kafka.strimzi.io/")]
    assert len(builtin) > 30
    for obj in builtin:
        try:
            kubernetes_validate.validate(obj, K8S_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:
            pytest.fail(f"{obj['kind']}/{obj['metadata']['name']}: {exc.message} at {list(exc.path)}")


def test_validation_catches_a_broken_object(default_objects: list[dict]) -> None:
    deployment = dict(next(o for o in default_objects if o["kind"] == "Deployment"))
    deployment["spec"] = dict(deployment["spec"], replicas="two")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, K8S_VERSION, strict=True)


@pytest.mark.parametrize("which", ["default_objects", "production_objects"])
def test_each_app_has_probes_resources_pdb_and_hpa(which: str, request: pytest.FixtureRequest) -> None:
    objects = request.getfixturevalue(which)
    deployments = _by_kind(objects, "Deployment")
    for app in APPS:
        container = deployments[f"eco-ecoeficiencia-{app}"]["spec"]["template"]["spec"]["containers"][0]
        assert container["resources"]["limits"] and container["resources"]["requests"]
        if app != "gateway":
            assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
            assert container["livenessProbe"]["httpGet"]["path"] == "/health"
        assert f"eco-ecoeficiencia-{app}" in _by_kind(objects, "PodDisruptionBudget")
        assert f"eco-ecoeficiencia-{app}" in _by_kind(objects, "HorizontalPodAutoscaler")
        assert f"eco-ecoeficiencia-{app}" in _by_kind(objects, "Service")
    assert "eco-ecoeficiencia-nginx" in deployments


@pytest.mark.parametrize("which", ["default_objects", "production_objects"])
def test_secrets_come_from_kubernetes_secrets_never_from_values(
    which: str, request: pytest.FixtureRequest
) -> None:
    objects = request.getfixturevalue(which)
    assert not _by_kind(objects, "Secret"), "the chart must not carry secrets"
    for obj in objects:
        spec = obj.get("spec", {}).get("template", {}).get("spec", {})
        for container in spec.get("containers", []):
            for var in container.get("env", []):
                if any(word in var["name"] for word in ("PASSWORD", "SECRET")):
                    assert "valueFrom" in var and "value" not in var, f"{obj['metadata']['name']}: {var}"


def test_one_migration_hook_job_per_schema_and_topics(default_objects: list[dict]) -> None:
    jobs = _by_kind(default_objects, "Job")
    for schema in APPS:
        job = jobs[f"eco-ecoeficiencia-migrate-{schema}"]
        assert job["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
        args = job["spec"]["template"]["spec"]["containers"][0]["args"]
        assert args[-2:] == ["migrate", schema]
        env = {v["name"]: v for v in job["spec"]["template"]["spec"]["containers"][0]["env"]}
        assert env["ECO_PG_USER"]["value"] == f"{schema}_svc"
    assert "eco-ecoeficiencia-topics" in jobs


def test_strimzi_topics_are_the_typed_contracts(production_objects: list[dict]) -> None:
    topics = [o for o in production_objects if o["kind"] == "KafkaTopic"]
    assert sorted(t["spec"]["topicName"] for t in topics) == sorted(all_topics())
    for topic in topics:
        assert topic["spec"]["partitions"] == all_topics()[topic["spec"]["topicName"]]
        assert topic["spec"]["config"]["retention.ms"] == "-1"
        assert topic["metadata"]["labels"]["strimzi.io/cluster"] == "ecoeficiencia"
    assert "eco-ecoeficiencia-topics" not in _by_kind(production_objects, "Job"), "Strimzi owns topics"


def test_topics_file_is_up_to_date_with_the_contracts() -> None:
    assert TOPICS_FILE.read_text() == render(), "run `python -m deploy.helm.topics`"


def test_network_policies_let_only_nginx_and_the_gateway_reach_services(default_objects: list[dict]) -> None:
    policies = _by_kind(default_objects, "NetworkPolicy")
    services = policies["eco-ecoeficiencia-services"]["spec"]
    sources = [
        peer["podSelector"]["matchLabels"]["app.kubernetes.io/name"]
        for peer in services["ingress"][0]["from"]
    ]
    assert sorted(sources) == ["gateway", "nginx"]
    assert set(services["policyTypes"]) == {"Ingress", "Egress"}
    egress_ports = {p["port"] for rule in services["egress"] for p in rule.get("ports", [])}
    assert {53, 5432, 9092} <= egress_ports
