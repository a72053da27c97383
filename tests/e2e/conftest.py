"""The platform as real processes behind a real nginx, on test ports.

Each service runs under uvicorn exactly as ``make run`` starts it, against its own
database (``ecoeficiencia_e2e``) and Kafka namespace (``test.e2e.``), so these tests share nothing
with the in-process integration tests' consumer groups. The gateway verifies HS256
tokens (the dev issuer's) and RS256 tokens of a key pair made for the session, allows
one CORS origin, and lets nginx cache auth decisions only briefly, so that revocation
tests finish quickly.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from shared.events.kafka import create_topics
from shared.migrations import upgrade
from shared.settings import DB_SCHEMAS, SERVICES, Settings
from tests.support.processes import uvicorn_command
from tests.support.testing import wait_until

ROOT = Path(__file__).resolve().parents[2]
E2E_NAMESPACE = "test.e2e."
# Its own database: the in-process integration tests' relays must not publish its outbox rows.
E2E_DATABASE = "ecoeficiencia_e2e"
# ECO_E2E_PORT_BASE moves the whole e2e stack (nginx at the base, the apps at base+20..26), so
# two checkouts on one machine can run their suites side by side.
_BASE = int(os.environ.get("ECO_E2E_PORT_BASE", "18080"))
PORTS = {
    name: _BASE + 20 + i
    for i, name in enumerate(
        ("gateway", "enrollment", "training", "audit", "catalog", "webhooks", "circular")
    )
}
NGINX_PORT = _BASE
# The e2e stack exports its spans to a Zipkin viewer of its own (deploy/zipkin), as `make traces` does.
ZIPKIN_PORT = _BASE + 30
# The gateway app's /health aggregates every service's readiness; that it is up itself shows
# in its metrics page (cheap, no other process involved; /_auth answers nginx only).
LIVENESS = {"gateway": "/metrics"}
CORS_ORIGIN = "https://app.ecoeficiencia.test"
AUTH_CACHE_SECONDS = 5
AUTH_FAILURES_BURST = 25
RSA_KID = "e2e-rs256"


@dataclass
class Stack:
    env: dict[str, str]
    gateway_url: str
    rsa_key: rsa.RSAPrivateKey
    zipkin_url: str = f"http://127.0.0.1:{ZIPKIN_PORT}"
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def app_url(self, name: str) -> str:
        """A process's own port, bypassing nginx."""
        return f"http://127.0.0.1:{PORTS[name]}"

    def start(self, name: str) -> None:
        log = open(ROOT / ".local" / "logs" / f"e2e-{name}.log", "ab")  # noqa: SIM115 - owned by the process
        self.processes[name] = subprocess.Popen(
            uvicorn_command(name, PORTS[name], "--loop", "uvloop", "--http", "httptools"),
            cwd=ROOT,
            env=self.env | {"ECO_SERVICE": name},
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def wait_healthy(self, name: str, timeout: float = 120.0) -> None:
        url = f"http://127.0.0.1:{PORTS[name]}{LIVENESS.get(name, '/health')}"

        def healthy() -> bool:
            if self.processes[name].poll() is not None:
                raise RuntimeError(f"{name} exited; see .local/logs/e2e-{name}.log")
            try:
                return httpx.get(url, timeout=1).is_success
            except httpx.HTTPError:
                return False

        wait_until(healthy, timeout=timeout, message=f"{name} healthy")

    def stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _nginx(action: str, env: dict[str, str]) -> None:
    subprocess.run(
        ["bash", str(ROOT / "deploy" / "nginx" / "nginx.sh"), action], env=env, check=True, timeout=60
    )


def _zipkin(action: str) -> None:
    subprocess.run(
        ["bash", str(ROOT / "deploy" / "zipkin" / "zipkin.sh"), action],
        env=os.environ | {"ECO_ZIPKIN_PORT": str(ZIPKIN_PORT)},
        check=True,
        timeout=300,
    )


def _jwks_file(directory: Path, key: rsa.RSAPrivateKey) -> Path:
    jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key())) | {"kid": RSA_KID, "alg": "RS256", "use": "sig"}
    path = directory / "jwks.json"
    path.write_text(json.dumps({"keys": [jwk]}))
    return path


@pytest.fixture(scope="session")
def stack(platform_ready: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    (ROOT / ".local" / "logs").mkdir(parents=True, exist_ok=True)
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    env = os.environ | {
        "ECO_ENV": "test",
        "ECO_PG_DATABASE": E2E_DATABASE,
        "ECO_KAFKA_NAMESPACE": E2E_NAMESPACE,
        "ECO_IDENTITY_SECRET": platform_ready.identity_secret,
        "ECO_NGINX_DIR": str(ROOT / ".local" / "nginx-test"),
        "ECO_GATEWAY_PORT": str(NGINX_PORT),
        "ECO_GATEWAY_APP_PORT": str(PORTS["gateway"]),
        **{f"ECO_{name.upper()}_PORT": str(PORTS[name]) for name in SERVICES},
        "ECO_JWT_PUBLIC_KEYS_FILE": str(_jwks_file(tmp_path_factory.mktemp("jwt"), rsa_key)),
        "ECO_CORS_ORIGINS": CORS_ORIGIN,
        "ECO_AUTH_CACHE_SECONDS": str(AUTH_CACHE_SECONDS),
        "OTEL_EXPORTER_ZIPKIN_ENDPOINT": f"http://127.0.0.1:{ZIPKIN_PORT}/api/v2/spans",
        # Export soon after a span ends, so a test finds its trace within seconds.
        "OTEL_BSP_SCHEDULE_DELAY": "200",
        # A small bad-credential allowance refilled slowly, so the flood test reaches it quickly
        # even on a loaded machine (other tests' bad credentials come from 127.0.0.1, well below).
        "ECO_AUTH_FAILURES_BURST": str(AUTH_FAILURES_BURST),
        "ECO_AUTH_FAILURES_PER_MINUTE": "6",
    }
    e2e_settings = platform_ready.model_copy(
        update={"kafka_namespace": E2E_NAMESPACE, "pg_database": E2E_DATABASE}
    )
    create_topics(e2e_settings)
    for schema in DB_SCHEMAS:
        asyncio.run(upgrade(e2e_settings.for_service(schema)))
    stack = Stack(env=env, gateway_url=f"http://127.0.0.1:{NGINX_PORT}", rsa_key=rsa_key)
    _zipkin("up")
    try:
        for name in PORTS:
            stack.start(name)
        for name in PORTS:
            stack.wait_healthy(name)
        _nginx("up", env)
        # The gateway knows every service's operations (which are public) before tests start.
        wait_until(
            lambda: (
                "x-unavailable-services"
                not in httpx.get(f"{stack.gateway_url}/openapi.json", timeout=30).json()["info"]
            ),
            timeout=60,
            message="the merged OpenAPI has every service",
        )
        yield stack
    finally:
        for name in list(stack.processes):
            stack.stop(name)
        _nginx("down", env)
        _zipkin("down")


@pytest.fixture(scope="session")
def issue_token(stack: Stack):
    """A bearer token from the dev issuer, through nginx, as a front-end developer gets one."""

    def issue(role: str, **claims: object) -> str:
        response = httpx.post(f"{stack.gateway_url}/api/v1/gateway/dev/tokens", json={"role": role, **claims})
        assert response.status_code == 201, response.text
        return response.json()["access_token"]

    return issue


@pytest.fixture(scope="session")
def admin_headers(issue_token) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token('admin')}"}


@pytest.fixture(scope="session")
def new_api_key(stack: Stack, admin_headers: dict[str, str]):
    """A fresh partner API key (its plaintext and id), created by an admin through nginx."""

    def create(scopes: list[str], rate_limit_per_minute: int = 600) -> tuple[str, str]:
        body = {"name": "e2e", "organisation": "ProInnovate", "scopes": scopes}
        response = httpx.post(
            f"{stack.gateway_url}/api/v1/gateway/api-keys",
            json=body | {"rate_limit_per_minute": rate_limit_per_minute},
            headers=admin_headers,
        )
        assert response.status_code == 201, response.text
        return response.json()["key"], response.json()["id"]

    return create
