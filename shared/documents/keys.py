"""The document signing keys: a JWKS file of Ed25519 private keys, each with a ``kid``.

Rotation: add a key to the file (``python -m shared.documents.keys add``) and point
``ECO_DOCUMENTS_SIGNING_KID`` at it; the older keys stay in the published JWKS so papers
signed with them still verify, until they are removed. Without ``ECO_DOCUMENTS_SIGNING_KID``
the newest key (the last in the file) signs.

In dev/test a missing key file is created with one fresh key (concurrent processes agree
on one file: it is linked into place only if absent). Elsewhere a missing file is an error.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from joserfc import jws
from joserfc.jwk import KeySet, KeySetSerialization, OKPKey
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ALG = "Ed25519"  # RFC 9864 fully-specified EdDSA algorithm
DEV_ENVS = ("dev", "test")


class DocumentSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ECO_DOCUMENTS_", env_file=".env", extra="ignore")

    keys_file: str = Field(".local/keys/document-signing.jwks.json", description="JWKS with private keys")
    signing_kid: str | None = Field(None, description="kid of the key that signs (default: the last one)")
    public_base_url: str | None = Field(
        None,
        description="the gateway's public URL the QR codes point to (default: http://127.0.0.1:<gateway port>)",
    )
    issuer: str = "PROMPERU-BPE"

    def base_url(self) -> str:
        if self.public_base_url:
            return self.public_base_url.rstrip("/")
        port = os.environ.get("ECO_GATEWAY_PORT") or _dotenv("ECO_GATEWAY_PORT") or "8080"
        return f"http://127.0.0.1:{port}"


def _dotenv(name: str) -> str | None:
    path = Path(".env")
    if not path.exists():
        return None
    for line in path.read_text().splitlines():
        if line.startswith(f"{name}="):
            return line.split("=", 1)[1].strip()
    return None


@dataclass(frozen=True)
class DocumentKeys:
    private: KeySet
    signing_kid: str
    issuer: str

    def sign(self, claims: dict[str, Any]) -> str:
        payload = json.dumps(claims, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
        key = self.private.get_by_kid(self.signing_kid)
        return jws.serialize_compact(
            {"alg": ALG, "kid": self.signing_kid, "typ": "JOSE"}, payload, key, algorithms=[ALG]
        )

    def public_jwks(self) -> dict[str, Any]:
        return {
            "keys": [key.as_dict(private=False) | {"alg": ALG, "use": "sig"} for key in self.private.keys]
        }

    def verify(self, token: str) -> dict[str, Any]:
        """The claims of a token signed by one of these keys; raises on a bad signature."""
        return verify_with_jwks(token, self.public_jwks())


def verify_with_jwks(token: str, jwks: dict[str, Any]) -> dict[str, Any]:
    """Offline check: the claims, if ``token`` is signed by a key of ``jwks`` (raises otherwise)."""
    keys = KeySet.import_key_set(cast(KeySetSerialization, jwks))
    claims: dict[str, Any] = json.loads(jws.deserialize_compact(token, keys, algorithms=[ALG]).payload)
    return claims


def new_key(kid: str | None = None) -> dict[str, Any]:
    kid = kid or time.strftime("bpe-%Y%m%d-%H%M%S", time.gmtime())
    return OKPKey.generate_key("Ed25519", parameters={"kid": kid}, private=True).as_dict(private=True)


def _create_dev_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".jwks-")
    with os.fdopen(fd, "w") as handle:
        json.dump({"keys": [new_key("bpe-dev-1")]}, handle)
    os.chmod(tmp, 0o600)
    try:
        os.link(tmp, path)  # atomic and only if absent: concurrent creators keep the first
    except FileExistsError:
        pass
    finally:
        os.unlink(tmp)


@lru_cache(maxsize=8)
def _load(path: str, signing_kid: str | None, issuer: str, env: str) -> DocumentKeys:
    file = Path(path)
    if not file.exists():
        if env not in DEV_ENVS:
            raise RuntimeError(f"document signing keys missing: {file} (ECO_DOCUMENTS_KEYS_FILE)")
        _create_dev_file(file)
    data = json.loads(file.read_text())
    keys = KeySet.import_key_set(data)
    kids = [k.kid for k in keys.keys if k.kid is not None]
    kid = signing_kid or kids[-1]
    if kid not in kids:
        raise RuntimeError(f"ECO_DOCUMENTS_SIGNING_KID={kid} is not in {file} (has {kids})")
    return DocumentKeys(keys, kid, issuer)


def load_keys(settings: DocumentSettings | None = None, *, env: str | None = None) -> DocumentKeys:
    """The key set; ``env`` is the app's ``Settings.env`` (dev/test may create a missing key file)."""
    settings = settings or DocumentSettings()
    env = env or os.environ.get("ECO_ENV") or _dotenv("ECO_ENV") or "dev"
    return _load(settings.keys_file, settings.signing_kid, settings.issuer, env)


def _add(path: Path, kid: str | None) -> None:
    data = json.loads(path.read_text()) if path.exists() else {"keys": []}
    key = new_key(kid)
    data["keys"].append(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1))
    os.chmod(path, 0o600)
    print(f"added key {key['kid']} to {path}; set ECO_DOCUMENTS_SIGNING_KID={key['kid']} to sign with it")


if __name__ == "__main__":  # python -m shared.documents.keys add [kid]
    if len(sys.argv) >= 2 and sys.argv[1] == "add":
        _add(Path(DocumentSettings().keys_file), sys.argv[2] if len(sys.argv) > 2 else None)
    else:
        sys.exit("usage: python -m shared.documents.keys add [kid]")
