"""The platform as real processes behind a real nginx, on test ports.

Each service runs under uvicorn exactly as ``make run`` starts it, against the test
database and its own Kafka namespace (``test.e2e.``), so these tests share nothing
with the in-process integration tests' consumer groups.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from shared.events.kafka import create_topics
from shared.settings import SERVICES, Settings

ROOT = Path(__file__).resolve().parents[2]
E2E_NAMESPACE = "test.e2e."
PORTS = {"gateway": 18100, "enrollment": 18101, "training": 18102, "audit": 18103, "catalog": 18104}
NGINX_PORT = 18080


@dataclass
class Stack:
    env: dict[str, str]
    gateway_url: str
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def start(self, name: str) -> None:
        log = open(ROOT / ".local" / "logs" / f"e2e-{name}.log", "ab")  # noqa: SIM115 - owned by the process
        self.processes[name] = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                f"services.{name}.main:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(PORTS[name]),
                "--loop",
                "uvloop",
                "--http",
                "httptools",
                "--no-access-log",
            ],
            cwd=ROOT,
            env=self.env | {"ECO_SERVICE": name},
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def wait_healthy(self, name: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        url = f"http://127.0.0.1:{PORTS[name]}/health"
        while time.monotonic() < deadline:
            if self.processes[name].poll() is not None:
                raise RuntimeError(f"{name} exited; see .local/logs/e2e-{name}.log")
            try:
                if httpx.get(url, timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)  # poll interval of a deadline loop
        raise RuntimeError(f"{name} not healthy within {timeout}s")

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


@pytest.fixture(scope="session")
def stack(platform_ready: Settings) -> Iterator[Stack]:
    (ROOT / ".local" / "logs").mkdir(parents=True, exist_ok=True)
    env = os.environ | {
        "ECO_ENV": "test",
        "ECO_PG_DATABASE": platform_ready.pg_database,
        "ECO_KAFKA_NAMESPACE": E2E_NAMESPACE,
        "ECO_IDENTITY_SECRET": platform_ready.identity_secret,
        "ECO_NGINX_DIR": str(ROOT / ".local" / "nginx-test"),
        "ECO_GATEWAY_PORT": str(NGINX_PORT),
        "ECO_GATEWAY_APP_PORT": str(PORTS["gateway"]),
        **{f"ECO_{name.upper()}_PORT": str(PORTS[name]) for name in SERVICES},
    }
    create_topics(platform_ready.model_copy(update={"kafka_namespace": E2E_NAMESPACE}))
    stack = Stack(env=env, gateway_url=f"http://127.0.0.1:{NGINX_PORT}")
    try:
        for name in PORTS:
            stack.start(name)
        for name in PORTS:
            stack.wait_healthy(name)
        _nginx("up", env)
        yield stack
    finally:
        for name in list(stack.processes):
            stack.stop(name)
        _nginx("down", env)
