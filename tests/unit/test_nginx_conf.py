"""The gateway's nginx template renders (deploy/nginx/nginx.sh render) into a valid config."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NGINX_SH = ROOT / "deploy" / "nginx" / "nginx.sh"


def _nginx_binary() -> str | None:
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


@pytest.fixture
def rendered(tmp_path: Path) -> Path:
    nginx_dir = tmp_path / "nginx"
    env = os.environ | {
        "ECO_NGINX_DIR": str(nginx_dir),
        "ECO_GATEWAY_PORT": "28080",
        "ECO_GATEWAY_APP_PORT": "28100",
        "ECO_ENROLLMENT_PORT": "28101",
        "ECO_TRAINING_PORT": "28102",
        "ECO_AUDIT_PORT": "28103",
        "ECO_CATALOG_PORT": "28104",
        "ECO_WEBHOOKS_PORT": "28105",
        "ECO_CIRCULAR_PORT": "28106",
    }
    subprocess.run(["bash", str(NGINX_SH), "render"], env=env, check=True, timeout=30)
    return nginx_dir


def test_template_renders_every_variable(rendered: Path) -> None:
    conf = (rendered / "nginx.conf").read_text()
    assert "${ECO_" not in conf
    assert "listen 127.0.0.1:28080;" in conf
    for port in (28100, 28101, 28102, 28103, 28104, 28105, 28106):
        assert f"server 127.0.0.1:{port};" in conf
    # Every runtime path is under the instance's own directory.
    assert f"pid {rendered}/nginx.pid;" in conf
    assert f"access_log {rendered}/logs/access.log" in conf
    assert f"error_log {rendered}/logs/error.log" in conf


def test_rendered_config_passes_nginx_t(rendered: Path) -> None:
    nginx = _nginx_binary()
    if nginx is None:
        pytest.skip("nginx is not installed (make test installs it)")
    result = subprocess.run(
        [
            nginx,
            "-t",
            "-p",
            f"{rendered}/",
            "-c",
            str(rendered / "nginx.conf"),
            "-e",
            str(rendered / "logs" / "error.log"),
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
