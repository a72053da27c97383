"""The nginx template's security parts stay in step with the gateway app's code."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from services.gateway.domain.api_keys import RATE_TIERS

ROOT = Path(__file__).resolve().parents[3]
TEMPLATE = (ROOT / "deploy" / "nginx" / "nginx.conf.template").read_text()


def _render(tmp_path: Path, origins: str) -> str:
    env = os.environ | {"ECO_NGINX_DIR": str(tmp_path / "nginx"), "ECO_CORS_ORIGINS": origins}
    subprocess.run(
        ["bash", str(ROOT / "deploy" / "nginx" / "nginx.sh"), "render"], env=env, check=True, timeout=30
    )
    return (tmp_path / "nginx" / "nginx.conf").read_text()


def test_each_rate_tier_of_the_app_has_its_zone_and_every_service_route_applies_them_all():
    zones = re.findall(r"zone=per_key_(\d+):\S+\s+rate=(\d+)r/m;", TEMPLATE)
    assert [(int(a), int(b)) for a, b in zones] == [(t, t) for t in RATE_TIERS]
    for named in ("@service", "@bulk_import", "@evidence_upload"):
        block = TEMPLATE.split(f"location {named} {{", 1)[1].split("}", 1)[0]
        assert sorted(int(t) for t in re.findall(r"limit_req zone=per_key_(\d+)", block)) == sorted(
            RATE_TIERS
        )


def test_every_route_to_a_service_is_authenticated_first():
    """Services are reached only from named locations, entered only after auth_request."""
    locations = dict(re.findall(r"\n        location ([^{]+?) \{(.*?)\n        \}", TEMPLATE, re.DOTALL))
    proxying = [
        name for name, block in locations.items() if re.search(r"proxy_pass http://(?!gateway_app)", block)
    ]
    assert sorted(proxying) == ["@bulk_import", "@evidence_upload", "@service"]
    entries = [block for block in locations.values() if "try_files" in block]
    assert {re.search(r"try_files \S+ (@\w+);", b)[1] for b in entries} == set(proxying)
    for block in entries:
        assert "auth_request /_auth;" in block
        assert "auth_request_set $eco_identity $upstream_http_x_eco_identity;" in block
    # The identity header is always nginx's, never the client's (empty without a credential).
    assert "proxy_set_header X-Eco-Identity $eco_identity;" in TEMPLATE
    assert 'set $eco_identity "";' in TEMPLATE


def test_origins_render_as_an_exact_allow_list(tmp_path: Path):
    conf = _render(tmp_path, '["https://app.promperu.pe", "http://localhost:5173"]')
    assert 'map "https://app.promperu.pe,http://localhost:5173|$http_origin" $eco_cors_origin {' in conf
    pattern = re.search(r'\$eco_cors_origin \{\n\s+"~(.+?)" \$http_origin;', conf)[1]
    source = "https://app.promperu.pe,http://localhost:5173|{}"
    assert re.match(pattern, source.format("http://localhost:5173"))
    assert re.match(pattern, source.format("https://app.promperu.pe"))
    for origin in ("https://evil.test", "https://app.promperu.pe.evil.test", "http://localhost", "x|y", ""):
        assert not re.match(pattern, source.format(origin)), origin


def test_the_rendered_config_with_origins_passes_nginx_t(tmp_path: Path):
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        pytest.skip("nginx is not installed (make test installs it)")
    _render(tmp_path, "https://app.promperu.pe")
    nginx_dir = tmp_path / "nginx"
    result = subprocess.run(
        [
            nginx,
            "-t",
            "-p",
            f"{nginx_dir}/",
            "-c",
            str(nginx_dir / "nginx.conf"),
            "-e",
            str(nginx_dir / "logs" / "error.log"),
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
