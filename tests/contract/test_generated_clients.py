"""Clients generated from the merged document compile, with no generator warning, and type-check.

Python: openapi-python-client, then ``mypy --strict`` over a partner's code (caller.py) against
the generated package it imports. TypeScript: openapi-typescript types and openapi-fetch, then
``tsc --noEmit`` over a front end's code (ts/caller.ts), whose expected-error lines prove the types
are strict. The npm packages are the versions of ts/package-lock.json, installed under .local/.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
NODE_DIR = ROOT / ".local" / "contract-ts"
VENV_BIN = Path(sys.executable).parent


def _run(args: list[str], cwd: Path, timeout: float = 300) -> str:
    result = subprocess.run(
        args,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=os.environ | {"PATH": f"{VENV_BIN}:{os.environ.get('PATH', '')}"},
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{output}"
    return output


@pytest.fixture(scope="session")
def spec_file(document, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("contract") / "openapi.json"
    path.write_text(json.dumps(document))
    return path


@pytest.fixture(scope="session")
def node_tools() -> Path:
    """npm ci of ts/package-lock.json into .local/contract-ts, once per lock file."""
    if shutil.which("npm") is None:
        subprocess.run([str(ROOT / "deploy" / "node.sh")], check=True, timeout=600)
    manifest = [(HERE / "ts" / name).read_bytes() for name in ("package.json", "package-lock.json")]
    digest = hashlib.sha256(b"\0".join(manifest)).hexdigest()
    stamp = NODE_DIR / ".installed"
    if not (
        stamp.exists()
        and stamp.read_text() == digest
        and (NODE_DIR / "node_modules" / ".bin" / "tsc").exists()
    ):
        NODE_DIR.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copy(HERE / "ts" / name, NODE_DIR / name)
        _run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], NODE_DIR, timeout=600)
        stamp.write_text(digest)
    return NODE_DIR / "node_modules" / ".bin"


def test_the_python_client_generates_cleanly_and_type_checks(spec_file, tmp_path):
    package = tmp_path / "eco_client"
    output = _run(
        [sys.executable, "-m", "openapi_python_client", "generate", "--path", str(spec_file),
         "--output-path", str(package), "--meta", "none", "--config", str(HERE / "openapi-python-client.yml")],
        tmp_path,
    )  # fmt: skip
    assert "Warning" not in output and "WARNING" not in output, output
    shutil.copy(HERE / "caller.py", tmp_path / "caller.py")
    # The caller is checked strictly against the generated types; the generated modules' own
    # bodies are the generator's business (its httpx context-manager wrappers trip --strict).
    _run(
        [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent",
         "--cache-dir", str(tmp_path / ".mypy"), "caller.py"],
        tmp_path,
    )  # fmt: skip


def test_the_typescript_types_generate_and_type_check(spec_file, node_tools, tmp_path):
    for name in ("caller.ts", "tsconfig.json"):
        shutil.copy(HERE / "ts" / name, tmp_path / name)
    (tmp_path / "node_modules").symlink_to(node_tools.parent)
    output = _run([str(node_tools / "openapi-typescript"), str(spec_file), "-o", "schema.d.ts"], tmp_path)
    assert "warn" not in output.lower(), output
    _run([str(node_tools / "tsc"), "-p", "tsconfig.json"], tmp_path)
